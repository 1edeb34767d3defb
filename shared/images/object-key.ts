/**
 * The S3 object key of a ticket image, `tickets/<ticketId>/images/<imageId>`, and its parser for S3 event
 * notifications. Pure.
 */

/** Prefix of every image object; the bucket notification filters on it and the IAM grants are scoped to it. */
export const IMAGE_KEY_PREFIX = 'tickets/';

/** Ids that may appear in a key segment: no `/`, nothing that needs URL-encoding. */
const idPattern = /^[0-9A-Za-z_-]{1,64}$/;

/** The key pattern, with the two ids captured. */
const keyPattern = /^tickets\/([0-9A-Za-z_-]{1,64})\/images\/([0-9A-Za-z_-]{1,64})$/;

export interface ImageObjectRef {
  readonly ticketId: string;
  readonly imageId: string;
}

/**
 * The object key of an image.
 * @throws Error when an id would break the key (empty, too long, or a character outside `[0-9A-Za-z_-]`)
 */
export function imageObjectKey(ticketId: string, imageId: string): string {
  if (!idPattern.test(ticketId) || !idPattern.test(imageId)) {
    throw new Error(`Not a valid ticket or image id for an object key: ${ticketId} / ${imageId}`);
  }
  return `${IMAGE_KEY_PREFIX}${ticketId}/images/${imageId}`;
}

/**
 * The ticket and image ids of an object key, or `undefined` when the key is not an image key (other objects
 * under the bucket, a key with an extra segment, a folder marker).
 * @param key a plain (decoded) key; decode S3 event keys with {@link decodeS3EventKey} first
 */
export function parseImageObjectKey(key: string): ImageObjectRef | undefined {
  const match = keyPattern.exec(key);
  if (!match?.[1] || !match[2]) return undefined;
  return { ticketId: match[1], imageId: match[2] };
}

/**
 * The plain key from an S3 event record's `s3.object.key`, which S3 sends URL-encoded with spaces as `+`
 * ("Event message structure", Amazon S3 User Guide).
 * @returns the decoded key, or `undefined` for a malformed percent-escape
 */
export function decodeS3EventKey(encoded: string): string | undefined {
  try {
    return decodeURIComponent(encoded.replaceAll('+', ' '));
  } catch {
    return undefined;
  }
}
