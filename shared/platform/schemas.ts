/**
 * Request schemas every feature uses: ids and pagination. Each feature's request schemas live in its own
 * `schemas.ts`; the route wrapper validates with them and the OpenAPI document is generated from them, so the
 * document cannot drift from what is enforced. Bodies are strict: unknown fields are a 400, so a typo never silently does nothing.
 *
 * Schemas are `zod/mini` (cheaper to load than classic zod) and each one is built by a pure `defineSchema` call, so a
 * function's bundle keeps only the schemas its own route row references (`"sideEffects": false` in package.json).
 */
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';

/**
 * Builds a top-level request schema: `export const X = defineSchema(() => z.object({...}))`, the call annotated
 * `@__PURE__`, so a bundle that does not use `X` drops it. It also gives zod its English messages, which
 * `zod/mini` does not load by itself (every issue would read "Invalid input"; classic zod installs them the same
 * way, when its first schema is built), so only bundles that keep a schema carry them.
 */
/* @__NO_SIDE_EFFECTS__ */
export function defineSchema<S>(build: () => S): S {
  if (!z.config().localeError) z.config(en());
  return build();
}

/**
 * ULIDs: 26 Crockford base32 characters. The regex fixes the length; `maxLength` (metadata, no second check, so a
 * wrong id still gets one message) says so in the OpenAPI document, where linters look for a length limit.
 */
export const Ulid = /* @__PURE__ */ defineSchema(() =>
  z.string().check(z.regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'Expected a ULID'), z.meta({ maxLength: 26 })),
);
/** Cognito user ids (`sub`): UUIDs; letters, digits, `-` and `_` are all an id may hold. */
export const UserId = /* @__PURE__ */ defineSchema(() =>
  z
    .string()
    .check(
      z.minLength(1),
      z.maxLength(128),
      z.regex(/^[\w-]+$/, 'Expected a user id'),
      z.meta({ description: 'A user id (Cognito sub)' }),
    ),
);
/**
 * `?limit=&cursor=`: a page of at most `limit` items (1-100, default 25) after an opaque cursor (`cursor.ts`:
 * base64url payload `.` base64url signature; one that does not fit is a 400, one altered or from another listing a
 * 422).
 */
export const ListQuery = /* @__PURE__ */ defineSchema(() =>
  z.object({
    limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(100)), 25),
    cursor: z.optional(
      z
        .string()
        .check(z.maxLength(2048), z.regex(/^[\w-]+\.[\w-]+$/, 'Expected a cursor from a previous page')),
    ),
  }),
);
export type ListQueryInput = z.output<typeof ListQuery>;
