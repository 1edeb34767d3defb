/**
 * Opaque, tamper-checked pagination cursors (PRODUCT "Cursor pagination").
 *
 * A cursor wraps the listing's own position (e.g. the sort key of the last item shown) with the scope
 * of the listing it came from and an HMAC-SHA256 over both (key: `CURSOR_SIGNING_KEY`). A cursor that was
 * altered, or that comes from another listing or caller, is an {@link InvalidInput} on the `cursor` query field.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { config } from '#shared/platform/config.ts';
import { InvalidInput } from '#shared/platform/errors.ts';

const sign = (payload: string) =>
  createHmac('sha256', config.cursorSigningKey).update(payload).digest('base64url');

/**
 * @param position the store's cursor, or null at the end of the listing
 * @param scope what the listing is (e.g. `tickets:all`, `tickets:requester:<id>`)
 * @returns the opaque cursor, or null
 */
export function encodeCursor(position: string | null | undefined, scope: string): string | null {
  if (!position) return null;
  const payload = Buffer.from(JSON.stringify({ p: position, s: scope })).toString('base64url');
  return `${payload}.${sign(payload)}`;
}

/**
 * @returns the store's cursor, or undefined when no cursor was given
 * @throws InvalidInput (`query` field `cursor`) when the cursor was altered or belongs to another scope
 */
export function decodeCursor(cursor: string | undefined, scope: string): string | undefined {
  if (!cursor) return undefined;
  const invalid = new InvalidInput([
    { in: 'query', pointer: '/cursor', detail: 'This cursor is not valid here.' },
  ]);
  const [payload, signature] = cursor.split('.');
  if (!payload || !signature) throw invalid;
  const expected = Buffer.from(sign(payload));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw invalid;
  const decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
    p?: string;
    s?: string;
  };
  if (decoded.s !== scope || typeof decoded.p !== 'string') throw invalid;
  return decoded.p;
}
