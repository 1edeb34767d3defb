/**
 * Request schemas every feature uses: ids and pagination. Each feature's request schemas live in its own
 * `schemas.ts`; the route wrapper validates with them and the OpenAPI document is generated from them, so the
 * document cannot drift from what is enforced. Bodies are strict: unknown fields are a 400, so a typo never silently does nothing.
 */
import * as z from 'zod';

/** ULIDs: 26 Crockford base32 characters. */
export const Ulid = z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'Expected a ULID');
/** Cognito user ids (`sub`): UUIDs. */
export const UserId = z.string().min(1).max(128).meta({ description: 'A user id (Cognito sub)' });
/** `?limit=&cursor=`: a page of at most `limit` items (1-100, default 25) after an opaque cursor. */
export const ListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().max(2048).optional(),
});
