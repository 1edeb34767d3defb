/** Small statistics and formatting helpers of the bench: medians, percentiles, spread. */

/** The `p`-th percentile (0-100) by linear interpolation between closest ranks; NaN for no values. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  const lowValue = sorted[low] as number;
  return lowValue + ((sorted[high] as number) - lowValue) * (rank - low);
}

export const median = (values: readonly number[]) => percentile(values, 50);

export interface Spread {
  readonly n: number;
  readonly median: number;
  readonly p25: number;
  readonly p75: number;
  readonly p95: number;
  readonly min: number;
  readonly max: number;
}

export function spread(values: readonly number[]): Spread {
  return {
    n: values.length,
    median: median(values),
    p25: percentile(values, 25),
    p75: percentile(values, 75),
    p95: percentile(values, 95),
    min: values.length ? Math.min(...values) : Number.NaN,
    max: values.length ? Math.max(...values) : Number.NaN,
  };
}

export const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);

/** `12.3` (one decimal below 100, none above); `–` for NaN. */
export function ms(value: number): string {
  if (!Number.isFinite(value)) return '–';
  if (value >= 100) return value.toFixed(0);
  return value < 1 ? value.toFixed(2) : value.toFixed(1);
}

/** 1, 0.5, 2.35: at most two decimals, no trailing zeros. */
export function num(value: number): string {
  if (!Number.isFinite(value)) return '–';
  return String(Math.round(value * 100) / 100);
}

/** `1,234,567` */
export const int = (value: number) => Math.round(value).toLocaleString('en-US');

/** Dollars: `$0.0042`, `$1.23`, `$12.3`, `$1,234` */
export function usd(value: number): string {
  if (!Number.isFinite(value)) return '–';
  if (value === 0) return '$0';
  if (value < 0.01) return `$${value.toPrecision(2)}`;
  if (value < 10) return `$${value.toFixed(2)}`;
  if (value < 1000) return `$${value.toFixed(1)}`;
  return `$${int(value)}`;
}

/** A seeded pseudo-random generator (mulberry32): the same data on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Arithmetic mean; NaN for no values. */
export const mean = (values: readonly number[]) =>
  values.length === 0 ? Number.NaN : sum(values) / values.length;
