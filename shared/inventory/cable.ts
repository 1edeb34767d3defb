/**
 * Cable vocabulary shared by cable requests (ticket `requestDetails`), the inventory ledger and its balances.
 *
 * Lengths are stored in one canonical unit, whole millimetres (`lengthMm`), so stock arithmetic is exact integer
 * arithmetic: 1 ft = 304.8 mm exactly (the international foot, NIST SP 811 B.8), 1 m = 1000 mm. 100 ft is
 * 30,480 mm, and taking 100 ft from 500 ft leaves exactly 400 ft. Pure: no AWS, no clock.
 */

/** The cable types a request or a receipt names (PRODUCT "Operations": cable request details). */
export const cableTypes = [
  'Cat5e',
  'Cat6',
  'Cat6a',
  'fiber-OM3',
  'fiber-OM4',
  'fiber-OS2',
  'coax',
  'other',
] as const;
export type CableType = (typeof cableTypes)[number];

/** The units a length may be given in. */
export const lengthUnits = ['ft', 'm'] as const;
export type LengthUnit = (typeof lengthUnits)[number];

/** Millimetres in one unit. */
export const millimetresPer: Readonly<Record<LengthUnit, number>> = { ft: 304.8, m: 1000 };

/** The longest length one request line or receipt unit may have: 100 km (in mm). */
export const maxLengthMm = 100_000_000;

/**
 * A length in whole millimetres, rounded to the nearest millimetre.
 * @param value a positive number of `unit`s
 */
export function toMillimetres(value: number, unit: LengthUnit): number {
  return Math.round(value * millimetresPer[unit]);
}

/**
 * A length in millimetres in another unit, rounded to 2 decimals (what a page or a mail shows).
 * @example fromMillimetres(30_480, 'ft') === 100
 */
export function fromMillimetres(mm: number, unit: LengthUnit): number {
  return Math.round((mm / millimetresPer[unit]) * 100) / 100;
}

/** "100 ft (30.48 m)": a length for people, in both units. */
export function formatLength(mm: number): string {
  return `${fromMillimetres(mm, 'ft')} ft (${fromMillimetres(mm, 'm')} m)`;
}
