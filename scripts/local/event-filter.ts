/**
 * Lambda event filtering for the local event sources ("Lambda event filtering", AWS Lambda docs): a record is
 * delivered only if it matches one of the event source mapping's filter patterns, as in AWS.
 *
 * Covers the part of the pattern syntax this project uses: nested objects whose leaves are arrays of allowed
 * values, matched exactly. Any other operator (prefix, numeric, exists, anything-but, ...) throws, so that a
 * pattern this cannot evaluate is never silently treated as a match.
 */

type Pattern = { readonly [key: string]: readonly unknown[] | Pattern };

/** Whether `event` matches `pattern`. @throws Error for pattern operators this matcher does not implement */
export function matchesPattern(pattern: Pattern, event: unknown): boolean {
  return Object.entries(pattern).every(([key, expected]) => {
    const actual = (event as Record<string, unknown> | null | undefined)?.[key];
    if (Array.isArray(expected)) {
      if (expected.some((value) => typeof value === 'object' && value !== null)) {
        throw new Error(`Unsupported filter operator in ${JSON.stringify(expected)}`);
      }
      return expected.includes(actual);
    }
    return matchesPattern(expected as Pattern, actual);
  });
}

/** Whether `event` passes the filters: no filters, or a match with any one of them (patterns are ORed). */
export const passesFilters = (patterns: readonly Pattern[] | undefined, event: unknown): boolean =>
  !patterns || patterns.length === 0 || patterns.some((pattern) => matchesPattern(pattern, event));
