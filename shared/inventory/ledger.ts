/**
 * The ledger's pure rules: how much a cable request takes, which ticket status changes move stock, when a type is
 * low, how a contended write waits before it tries again, and what a failed stock transaction means. No AWS, no
 * clock: unit-tested in `test/unit/inventory-ledger.test.ts`.
 */
import { type CableType, fromMillimetres } from '#shared/inventory/cable.ts';

/** A length in the three units the API shows: whole millimetres, and feet and metres to 2 decimals. */
export interface LengthInUnits {
  readonly mm: number;
  readonly ft: number;
  readonly m: number;
}

/** `mm` as {@link LengthInUnits} (30,480 mm → 100 ft, 30.48 m). */
export const inUnits = (mm: number): LengthInUnits => ({
  mm,
  ft: fromMillimetres(mm, 'ft'),
  m: fromMillimetres(mm, 'm'),
});

/** The cable request details of a ticket that the ledger reads (`requestDetails` on the ticket item). */
export interface CableRequestDetails {
  readonly cableType: CableType;
  /** One piece's length in whole millimetres. */
  readonly lengthMm: number;
  /** Pieces wanted. */
  readonly quantity: number;
}

/** What fulfilling a cable request takes out of stock: `lengthMm × quantity`, whole millimetres. */
export const stockNeededMm = (details: Pick<CableRequestDetails, 'lengthMm' | 'quantity'>) =>
  details.lengthMm * details.quantity;

/**
 * Which stock movement a ticket status change makes (docs/lifecycle.md, "Cable requests and stock"): a move to
 * `fulfilled` takes the cable out (`fulfilment`), the move `fulfilled → in_progress` ("undo the fulfilment") puts
 * back what was taken (`reversal`). Anything else moves no stock.
 */
export function stockMoveOf(from: string, to: string | undefined): 'fulfilment' | 'reversal' | undefined {
  if (to === undefined || to === from) return undefined;
  if (to === 'fulfilled') return 'fulfilment';
  if (from === 'fulfilled' && to === 'in_progress') return 'reversal';
  return undefined;
}

/** Whether a type is low on stock: it has a threshold and less than that on hand (the alert's rule too). */
export const isLowStock = (balance: { onHandMm: number; lowStockThresholdMm?: number | undefined }) =>
  balance.lowStockThresholdMm !== undefined && balance.onHandMm < balance.lowStockThresholdMm;

/** How many times a stock write is tried when other writes of the same balance get in the way. */
export const stockWriteAttempts = 30;

/**
 * How long to wait before attempt `attempt + 1` of a contended stock write, in ms: "full jitter" (a uniform wait
 * up to an exponential cap, 15 ms doubling to 500 ms; "Exponential Backoff And Jitter", AWS Architecture Blog), so
 * writers that collided spread out instead of colliding again.
 * @param random a number in [0, 1) (`Math.random()`)
 */
export const stockRetryDelayMs = (attempt: number, random: number) =>
  Math.floor(random * Math.min(500, 15 * 2 ** attempt));

/**
 * What a cancelled stock transaction means. Its writes are the caller's own first (a ticket change: index 0 is the
 * ticket, conditioned on its version), then the balance, then the movement and any record.
 * - `caller`: one of the caller's own conditions failed (the ticket changed): the caller's error, as without stock;
 * - `retry`: the balance changed since it was read, or another transaction on the same items was in progress
 *   (`TransactionConflict`): read the balance again and retry (the next read decides whether enough is left);
 * - `unexpected`: anything else (a throttle, a validation error): not retried here.
 * @param reasons the cancellation codes, one per write (`transactWrite`)
 * @param ownWrites how many of the writes are the caller's
 */
export function stockFailure(
  reasons: readonly string[],
  ownWrites: number,
): 'caller' | 'retry' | 'unexpected' {
  if (reasons.slice(0, ownWrites).includes('ConditionalCheckFailed')) return 'caller';
  if (reasons[ownWrites] === 'ConditionalCheckFailed' || reasons.includes('TransactionConflict'))
    return 'retry';
  return 'unexpected';
}

/**
 * The sort key bounds of the movements between two days, both included (`from` at 00:00 UTC, `to` until its end):
 * movement sort keys are `<ISO instant>#<movementId>`, so the day after `to` (`YYYY-MM-DD`, which sorts before
 * every instant of that day and after every instant of `to`) is the upper bound.
 * @param from `YYYY-MM-DD`, or undefined (from the first movement)
 * @param to `YYYY-MM-DD`, or undefined (to the last)
 */
export function movementRange(
  from: string | undefined,
  to: string | undefined,
): { readonly lower?: string; readonly upper?: string } {
  return {
    ...(from ? { lower: from } : {}),
    ...(to ? { upper: dayAfter(to) } : {}),
  };
}

/** The day after a `YYYY-MM-DD` date, as `YYYY-MM-DD` (UTC). */
export function dayAfter(day: string): string {
  const next = new Date(`${day}T00:00:00.000Z`);
  next.setUTCDate(next.getUTCDate() + 1);
  return next.toISOString().slice(0, 10);
}

/**
 * A signed change of stock in whole millimetres from an adjustment's `delta`: with a `direction`, `value` is a
 * positive length and `remove` makes it negative; without one, `value` is signed (negative takes stock out).
 * @param toMm the unit conversion (`toMillimetres` of `cable.ts`)
 */
export function adjustmentDeltaMm(
  delta: {
    readonly value: number;
    readonly unit: 'ft' | 'm';
    readonly direction?: 'add' | 'remove' | undefined;
  },
  toMm: (value: number, unit: 'ft' | 'm') => number,
): number {
  const mm = Math.sign(delta.value) * toMm(Math.abs(delta.value), delta.unit);
  return delta.direction === 'remove' ? -Math.abs(mm) : delta.direction === 'add' ? Math.abs(mm) : mm;
}
