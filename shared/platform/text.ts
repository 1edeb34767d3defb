/**
 * Length checks for free text that count characters (Unicode code points), as JSON Schema's `minLength` and
 * `maxLength` do (JSON Schema 2020-12 validation §6.3.1), rather than UTF-16 code units, as zod's own
 * `z.minLength`/`z.maxLength` do: with those, a title of 70 emoji (140 code units) would break a documented
 * `maxLength: 120` that it meets. Each check also sets the limit zod's JSON Schema conversion writes, so the
 * OpenAPI document states exactly the rule enforced. Use them for text a person types; identifiers and tokens
 * restricted to ASCII by a pattern can keep zod's checks.
 */
import * as z from 'zod/mini';

/** The number of Unicode code points of a string. */
export function characterCount(value: string): number {
  let count = 0;
  for (const _ of value) count++;
  return count;
}

type Bag = { minimum?: number; maximum?: number };

/**
 * At most `max` characters (code points).
 * @param message the issue message; default "Too long: at most <max> characters"
 */
/* @__NO_SIDE_EFFECTS__ */
export function maxChars(max: number, message = `Too long: at most ${max} characters`) {
  const check = z.refine<string>((value) => characterCount(value) <= max, { message });
  check._zod.onattach.push((schema) => {
    const bag = schema._zod.bag as Bag;
    bag.maximum = Math.min(bag.maximum ?? Number.POSITIVE_INFINITY, max);
  });
  return check;
}

/**
 * At least `min` characters (code points).
 * @param message the issue message; default "Too short: at least <min> characters"
 */
/* @__NO_SIDE_EFFECTS__ */
export function minChars(min: number, message = `Too short: at least ${min} characters`) {
  const check = z.refine<string>((value) => characterCount(value) >= min, { message });
  check._zod.onattach.push((schema) => {
    const bag = schema._zod.bag as Bag;
    bag.minimum = Math.max(bag.minimum ?? 0, min);
  });
  return check;
}
