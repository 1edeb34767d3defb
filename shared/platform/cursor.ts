/**
 * Opaque, encrypted pagination cursors (PRODUCT "Cursor pagination"; issue 9: a cursor reveals no table key).
 *
 * A cursor is the listing's own position (e.g. the serialised `LastEvaluatedKey` of the page) encrypted with
 * AES-256-GCM: `<base64url(iv ‖ ciphertext)>.<base64url(tag)>` (a 96-bit random IV, a 128-bit tag; the same
 * `x.y` base64url shape the `cursor` query schema accepts, `shared/platform/schemas.ts`). The key is derived with
 * HKDF-SHA256 (RFC 5869; info `helpdesk/cursor/aes-256-gcm/v1`, no salt: the secret is random) from the value of
 * the Secrets Manager secret named by `CURSOR_SECRET_ARN`, read at run time and cached
 * (`shared/platform/secrets.ts`); it is never in the function's environment. The listing's scope (e.g.
 * `tickets:all`, `tickets:requester:<id>`) is the additional authenticated data: it is not in the cursor, but a
 * cursor only decrypts in the scope it was made for. A cursor that was altered, or that comes from another listing
 * or caller, is an {@link InvalidInput} on the `cursor` query field (422).
 *
 * Key rotation (a new value put into the secret): new cursors are sealed with the `AWSCURRENT` version; a cursor
 * sealed with the `AWSPREVIOUS` version still opens, so cursors in flight survive one rotation (the grace lasts until
 * the next rotation). A cursor that no cached version opens makes this instance read the secret again (at most
 * every 30 s) before it answers 422, so an instance that has not yet seen a rotation opens the cursors of one that
 * has. A cursor older than two rotations is a 422 (the client starts the listing again).
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { config } from '#shared/platform/config.ts';
import { InvalidInput } from '#shared/platform/errors.ts';
import { type SecretVersions, secretVersions } from '#shared/platform/secrets.ts';

const ivBytes = 12;
const tagBytes = 16;

/** AES-256 keys derived from secret values, by value (a handful at most: one per version seen). */
const derived = new Map<string, Buffer>();

function keyOf(secret: string): Buffer {
  let key = derived.get(secret);
  if (!key) {
    key = Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), 'helpdesk/cursor/aes-256-gcm/v1', 32));
    derived.set(secret, key);
  }
  return key;
}

/** The keys that may open a cursor, current first. */
function keysOf(versions: SecretVersions): Buffer[] {
  return [versions.current, ...(versions.previous ? [versions.previous] : [])].map((v) => keyOf(v.value));
}

function open(sealed: Buffer, tag: Buffer, scope: string, key: Buffer): string | undefined {
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, ivBytes), {
      authTagLength: tagBytes,
    });
    decipher.setAAD(Buffer.from(scope, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(sealed.subarray(ivBytes)), decipher.final()]).toString('utf8');
  } catch {
    // GCM authentication failed: altered, made with another key, or for another scope.
    return undefined;
  }
}

/**
 * @param position the store's cursor, or null at the end of the listing
 * @param scope what the listing is (e.g. `tickets:all`, `tickets:requester:<id>`)
 * @returns the opaque cursor, or null (then the secret is not read)
 * @throws Error when `CURSOR_SECRET_ARN` is missing; SecretsManagerError or a fetch error when the secret cannot
 *   be read (a 500)
 */
export async function encodeCursor(
  position: string | null | undefined,
  scope: string,
): Promise<string | null> {
  if (!position) return null;
  const versions = await secretVersions(config.cursorSecretArn);
  const iv = randomBytes(ivBytes);
  const cipher = createCipheriv('aes-256-gcm', keyOf(versions.current.value), iv, {
    authTagLength: tagBytes,
  });
  cipher.setAAD(Buffer.from(scope, 'utf8'));
  const sealed = Buffer.concat([iv, cipher.update(position, 'utf8'), cipher.final()]);
  return `${sealed.toString('base64url')}.${cipher.getAuthTag().toString('base64url')}`;
}

/**
 * @returns the store's cursor, or undefined when no cursor was given (then the secret is not read)
 * @throws InvalidInput (`query` field `cursor`) when the cursor was altered, belongs to another scope, or was made
 *   with a key older than the secret's previous version; Error when `CURSOR_SECRET_ARN` is missing;
 *   SecretsManagerError or a fetch error when the secret cannot be read (a 500)
 */
export async function decodeCursor(cursor: string | undefined, scope: string): Promise<string | undefined> {
  if (!cursor) return undefined;
  const invalid = new InvalidInput([
    { in: 'query', pointer: '/cursor', detail: 'This cursor is not valid here.' },
  ]);
  const parts = cursor.split('.');
  if (parts.length !== 2) throw invalid;
  const sealed = Buffer.from(parts[0] as string, 'base64url');
  const tag = Buffer.from(parts[1] as string, 'base64url');
  if (sealed.length <= ivBytes || tag.length !== tagBytes) throw invalid;
  const secretArn = config.cursorSecretArn;
  const versions = await secretVersions(secretArn);
  for (const key of keysOf(versions)) {
    const position = open(sealed, tag, scope, key);
    if (position !== undefined) return position;
  }
  // Perhaps sealed by an instance that has seen a rotation this one has not: read the secret again (bounded).
  const reread = await secretVersions(secretArn, { refresh: true });
  if (reread.current.versionId !== versions.current.versionId) {
    for (const key of keysOf(reread)) {
      const position = open(sealed, tag, scope, key);
      if (position !== undefined) return position;
    }
  }
  throw invalid;
}

/**
 * The values of the cursor key secret in use, current first, then the previous version's (for one rotation's grace):
 * for another MAC keyed by the same secret (the password-change session of `POST /auth/login`,
 * `shared/users/tokens.ts`). The caller keeps its own domain separation (a prefix in what it MACs).
 * @throws Error when `CURSOR_SECRET_ARN` is missing; SecretsManagerError or a fetch error when the secret cannot be
 *   read
 */
export async function cursorSecretValues(): Promise<string[]> {
  const versions = await secretVersions(config.cursorSecretArn);
  return [versions.current.value, ...(versions.previous ? [versions.previous.value] : [])];
}
