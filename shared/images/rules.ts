/**
 * What a ticket image may be (PRODUCT "Images": image content types only, at most 10 MB, presigned POSTs that
 * expire in minutes) and the check of the uploaded bytes. Pure apart from `file-type`'s magic-number tables;
 * unit-tested in `test/unit/images.test.ts`.
 */
import { fileTypeFromBuffer } from 'file-type';
import type { TicketStatus } from '#shared/tickets/lifecycle.ts';

/**
 * Content types a client may declare and the bytes may turn out to be: the raster formats every current browser
 * renders. Not SVG (it is a document that can carry script), not HEIC/HEIF (only Safari displays it: clients
 * convert to JPEG before uploading, as iOS does when sharing to the web).
 */
export const allowedImageTypes = ['image/jpeg', 'image/png', 'image/gif', 'image/webp'] as const;
export type ImageContentType = (typeof allowedImageTypes)[number];

/** Largest accepted image, bytes: 10 MiB (PRODUCT "a maximum size (10 MB)"). */
export const MAX_IMAGE_BYTES = 10 * 1024 * 1024;

/** Lifetime of a presigned upload (POST policy `expiration`), seconds. */
export const UPLOAD_EXPIRES_SECONDS = 300;

/**
 * How long a requested image may stay `pending` (never uploaded), seconds: the presigned POST's lifetime plus an
 * hour for a late object-created check (S3 delivers its events asynchronously, and retries). The image item gets
 * `expiresAt` = request time + this (epoch seconds, the table's TTL attribute, "Using time to live", DynamoDB
 * developer guide); the check of a completed upload removes it. DynamoDB deletes expired items within days, not at
 * once, so readers treat an expired pending image as gone ({@link pendingImageExpired}).
 */
export const PENDING_IMAGE_TTL_SECONDS = UPLOAD_EXPIRES_SECONDS + 3600;

/**
 * Images a ticket takes, all told (issue 9, OWASP API4): 50 `pending`, `ready` or `rejected` image items; an
 * expired pending image gives its place back. Within the 100 images a ticket read shows (`threadImagesLimit`).
 */
export const MAX_IMAGES_PER_TICKET = 50;

/** Images of a ticket requested and not uploaded yet (`pending`, not expired): at most 20 at a time (issue 9). */
export const MAX_PENDING_IMAGES_PER_TICKET = 20;

/**
 * Whether an image is a pending one past its `expiresAt` (epoch seconds): it was never uploaded in time, counts
 * for nothing and its key is never accepted again, whether or not DynamoDB's TTL has deleted the item yet.
 * @param nowSeconds epoch seconds
 */
export const pendingImageExpired = (
  image: { readonly status: string; readonly expiresAt?: number | undefined },
  nowSeconds: number,
) => image.status === 'pending' && image.expiresAt !== undefined && image.expiresAt <= nowSeconds;

/** Lifetime of a presigned GET URL returned with a ticket, seconds. */
export const IMAGE_URL_EXPIRES_SECONDS = 300;

/**
 * How many leading bytes the object-created check reads: `file-type`'s own "reasonable detection size", more
 * than any of the allowed formats needs.
 */
export const INSPECTED_BYTES = 4100;

/** Longest accepted file name, characters. */
export const MAX_FILE_NAME_LENGTH = 255;

/** Longest caption of an image, characters (Unicode code points, `shared/platform/text.ts`). */
export const MAX_CAPTION_LENGTH = 500;

/** Whether a string is one of {@link allowedImageTypes}. */
export function isAllowedImageType(value: string): value is ImageContentType {
  return (allowedImageTypes as readonly string[]).includes(value);
}

/**
 * Ticket statuses that take no more images: the terminal ones (a closed or canceled ticket is history).
 * The upload route answers 409 for them.
 */
export const statusesWithoutImages: readonly TicketStatus[] = ['closed', 'canceled'];

/** Whether a ticket in this status accepts new images. */
export const ticketAcceptsImages = (status: TicketStatus) => !statusesWithoutImages.includes(status);

/** Why uploaded bytes were refused; `reason` in {@link ImageInspection} is the human sentence. */
export type ImageRejectionCode = 'empty' | 'too-large' | 'unrecognized' | 'not-an-allowed-type';

export type ImageInspection =
  | {
      readonly ok: true;
      /** The type found from the magic number; this, not the declared type, is what the image is served as. */
      readonly contentType: ImageContentType;
      /** Whether the client declared that same type (a renamed `.png` that is really a JPEG: `false`). */
      readonly declaredMatches: boolean;
    }
  | { readonly ok: false; readonly code: ImageRejectionCode; readonly reason: string };

/**
 * Check an uploaded object from its first bytes and its size.
 *
 * Rejects: an empty object; one larger than {@link MAX_IMAGE_BYTES} (the POST policy already forbids both on
 * S3, the local emulator does not enforce it); bytes with no known magic number (text, HTML, random data); a
 * recognised format that is not an allowed image type (PDF, SVG is not even recognised, HEIC, ...).
 *
 * A declared type that differs from the detected one, both allowed, is accepted: browsers derive `File.type`
 * from the file name's extension, and renamed files are common. The detected type is stored and used as the
 * `response-content-type` of every GET URL, so the image is always served as what it is.
 *
 * Only the magic number is checked, not that the whole file decodes.
 * @param head the first bytes of the object, at least the first {@link INSPECTED_BYTES} when it is longer
 *   (may be empty when `size` alone decides: an object over the limit is not read)
 * @param size the whole object's size, bytes
 * @param declared the content type the client declared when it asked for the upload
 */
export async function inspectImageBytes(
  head: Uint8Array,
  size: number,
  declared: string,
): Promise<ImageInspection> {
  if (size > MAX_IMAGE_BYTES) {
    return {
      ok: false,
      code: 'too-large',
      reason: `The file has ${size} bytes; images may have at most ${MAX_IMAGE_BYTES} bytes.`,
    };
  }
  if (size <= 0 || head.byteLength === 0) return { ok: false, code: 'empty', reason: 'The file is empty.' };
  const detected = await fileTypeFromBuffer(head);
  if (!detected) {
    return {
      ok: false,
      code: 'unrecognized',
      reason: 'The file is not an image (no known image signature).',
    };
  }
  if (!isAllowedImageType(detected.mime)) {
    return {
      ok: false,
      code: 'not-an-allowed-type',
      reason: `The file is ${detected.mime}; allowed types are ${allowedImageTypes.join(', ')}.`,
    };
  }
  return { ok: true, contentType: detected.mime, declaredMatches: detected.mime === declared };
}
