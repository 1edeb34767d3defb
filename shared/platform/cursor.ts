/**
 * Opaque, encrypted pagination cursors (PRODUCT "Cursor pagination"; issue 9: a cursor reveals no table key).
 *
 * A cursor is the listing's own position (e.g. the serialised `LastEvaluatedKey` of the page) encrypted with
 * AES-256-GCM: `<base64url(iv ‖ ciphertext)>.<base64url(tag)>` (a 96-bit random IV, a 128-bit tag; the same
 * `x.y` base64url shape the `cursor` query schema accepts, `shared/platform/schemas.ts`). The key is derived from
 * `CURSOR_SIGNING_KEY` with HKDF-SHA256 (RFC 5869; info `helpdesk/cursor/aes-256-gcm/v1`, no salt: the secret
 * is random), so the existing secret serves and nothing else is stored. The listing's scope (e.g. `tickets:all`,
 * `tickets:requester:<id>`) is the additional authenticated data: it is not in the cursor, but a cursor only
 * decrypts in the scope it was made for. A cursor that was altered, or that comes from another listing or caller,
 * is an {@link InvalidInput} on the `cursor` query field (422).
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { config } from '#shared/platform/config.ts';
import { InvalidInput } from '#shared/platform/errors.ts';

const ivBytes = 12;
const tagBytes = 16;

let derived: { secret: string; key: Buffer } | undefined;

/** The AES-256 key of the current `CURSOR_SIGNING_KEY` (derived once per secret). */
function cursorKey(): Buffer {
  const secret = config.cursorSigningKey;
  if (derived?.secret !== secret) {
    const key = Buffer.from(
      hkdfSync('sha256', secret, Buffer.alloc(0), 'helpdesk/cursor/aes-256-gcm/v1', 32),
    );
    derived = { secret, key };
  }
  return derived.key;
}

/**
 * @param position the store's cursor, or null at the end of the listing
 * @param scope what the listing is (e.g. `tickets:all`, `tickets:requester:<id>`)
 * @returns the opaque cursor, or null
 */
export function encodeCursor(position: string | null | undefined, scope: string): string | null {
  if (!position) return null;
  const iv = randomBytes(ivBytes);
  const cipher = createCipheriv('aes-256-gcm', cursorKey(), iv, { authTagLength: tagBytes });
  cipher.setAAD(Buffer.from(scope, 'utf8'));
  const sealed = Buffer.concat([iv, cipher.update(position, 'utf8'), cipher.final()]);
  return `${sealed.toString('base64url')}.${cipher.getAuthTag().toString('base64url')}`;
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
  const parts = cursor.split('.');
  if (parts.length !== 2) throw invalid;
  const sealed = Buffer.from(parts[0] as string, 'base64url');
  const tag = Buffer.from(parts[1] as string, 'base64url');
  if (sealed.length <= ivBytes || tag.length !== tagBytes) throw invalid;
  try {
    const decipher = createDecipheriv('aes-256-gcm', cursorKey(), sealed.subarray(0, ivBytes), {
      authTagLength: tagBytes,
    });
    decipher.setAAD(Buffer.from(scope, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(sealed.subarray(ivBytes)), decipher.final()]).toString('utf8');
  } catch {
    // GCM authentication failed: altered, made with another key, or for another scope.
    throw invalid;
  }
}
