/**
 * Presigned requests for ticket images: the POST a browser uploads with, and the short-lived GET URLs a ticket
 * read returns. Both are signed locally with the function's credentials (no network call); S3 checks them.
 * Signed with `shared/platform/s3-signing.ts` (`@smithy/signature-v4`), not the S3 client and the SDK presigners,
 * which cost the cold start of every route that presigns (issue 6); the output is the same, byte for byte.
 */
import type * as z from 'zod/mini';
import { imageObjectKey } from '#shared/images/object-key.ts';
import type { PresignedPostView } from '#shared/images/responses.ts';
import {
  IMAGE_URL_EXPIRES_SECONDS,
  type ImageContentType,
  MAX_IMAGE_BYTES,
  UPLOAD_EXPIRES_SECONDS,
} from '#shared/images/rules.ts';
import { config } from '#shared/platform/config.ts';
import { presignGetObject, presignPostObject } from '#shared/platform/s3-signing.ts';

/**
 * A browser-based upload (`PresignedPost` in the OpenAPI document): POST a `multipart/form-data` form to `url` with
 * every field of `fields` as it is (`key`, `Content-Type`, `bucket`, `Policy`, `X-Amz-*`), then the `file` last;
 * `expiresAt` is the policy's own `expiration` (ISO 8601, second precision).
 */
export type ImageUpload = z.output<typeof PresignedPostView>;

/**
 * A presigned POST for one image object ("Browser-based uploads using POST", Amazon S3 API Reference). The
 * policy lets the form write exactly `tickets/<ticketId>/images/<imageId>`, only with the declared
 * `Content-Type`, only 1 to {@link MAX_IMAGE_BYTES} bytes, for {@link UPLOAD_EXPIRES_SECONDS} seconds.
 * The policy can be used more than once until it expires: the object-created check runs on every upload.
 * @throws Error when the credentials or region cannot be resolved, or `IMAGES_BUCKET` is missing
 */
export async function createImageUpload(input: {
  readonly ticketId: string;
  readonly imageId: string;
  readonly contentType: ImageContentType;
}): Promise<ImageUpload> {
  const key = imageObjectKey(input.ticketId, input.imageId);
  const { url, fields } = await presignPostObject({
    bucket: config.imagesBucket,
    key,
    conditions: [
      ['content-length-range', 1, MAX_IMAGE_BYTES],
      ['eq', '$Content-Type', input.contentType],
      ['eq', '$key', key],
    ],
    fields: { 'Content-Type': input.contentType },
    expiresIn: UPLOAD_EXPIRES_SECONDS,
  });
  return { url, fields, expiresAt: decodePostPolicy(fields).expiration };
}

/** A decoded POST policy: its expiry and its conditions, as S3 will evaluate them. */
export interface PostPolicy {
  /** ISO 8601, second precision. */
  readonly expiration: string;
  /** `{ field: value }` exact matches and `[operator, ...]` tuples (`eq`, `starts-with`, `content-length-range`). */
  readonly conditions: readonly (Readonly<Record<string, string>> | readonly (string | number)[])[];
}

/**
 * The policy of a presigned POST's form fields (the `Policy` field is base64 JSON).
 * @throws Error when there is no `Policy` field or it is not a policy document
 */
export function decodePostPolicy(fields: Readonly<Record<string, string>>): PostPolicy {
  const encoded = fields.Policy;
  if (!encoded) throw new Error('The form fields have no Policy.');
  const policy = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8')) as Partial<PostPolicy>;
  if (typeof policy.expiration !== 'string' || !Array.isArray(policy.conditions)) {
    throw new Error('The Policy field is not a POST policy document.');
  }
  return { expiration: policy.expiration, conditions: policy.conditions };
}

/** `filename*` parameter value (RFC 8187 / RFC 6266): UTF-8, percent-encoded beyond `attr-char`. */
function rfc8187(value: string): string {
  return encodeURIComponent(value).replace(
    /['()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** A `Content-Disposition` that shows the image in the browser and names it when saved. */
export function inlineDisposition(fileName: string | undefined): string {
  if (!fileName) return 'inline';
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `inline; filename="${ascii}"; filename*=UTF-8''${rfc8187(fileName)}`;
}

/** A presigned GET URL and when it stops working. */
export interface PresignedImageUrl {
  readonly url: string;
  /** ISO 8601. */
  readonly expiresAt: string;
}

/**
 * A GET URL for an image object, valid {@link IMAGE_URL_EXPIRES_SECONDS} seconds, that makes S3 answer with
 * `Content-Type: <contentType>` and `Content-Disposition: inline[; filename=...]` whatever was stored with the
 * object (`response-content-type` / `response-content-disposition`, signed into the URL: "GetObject", Amazon S3 API
 * Reference; a client cannot change them without breaking the signature).
 *
 * Why inline with a fixed type, not `attachment` (issue 9): the type is the one the object-created check found
 * from the bytes (`image/jpeg`, `image/png`, `image/gif` or `image/webp`), never the type the upload form declared.
 * A browser never renders a response declared `image/*` as a page, nor sniffs it into HTML (WHATWG MIME Sniffing:
 * sniffing only applies to a missing or unknown type), so a PNG/HTML polyglot opened from this URL is shown as an
 * image or as a broken one, never run as a document, and images still show inline in the ticket. The bytes are
 * not re-encoded (no image library is installed): what passed the magic-number check is served as it was sent.
 * @param options.contentType the verified type; required, so no URL is signed that would serve stored metadata
 * @throws Error when the credentials or region cannot be resolved, or `IMAGES_BUCKET` is missing
 */
export async function presignedImageUrl(
  objectKey: string,
  options: { readonly contentType: ImageContentType; readonly fileName?: string | undefined },
): Promise<PresignedImageUrl> {
  const signingDate = new Date();
  const url = await presignGetObject(config.imagesBucket, objectKey, {
    expiresIn: IMAGE_URL_EXPIRES_SECONDS,
    query: {
      'response-content-type': options.contentType,
      'response-content-disposition': inlineDisposition(options.fileName),
    },
    signingDate,
  });
  // S3 counts from X-Amz-Date, which has second precision.
  const signedAt = Math.floor(signingDate.valueOf() / 1000) * 1000;
  return { url, expiresAt: new Date(signedAt + IMAGE_URL_EXPIRES_SECONDS * 1000).toISOString() };
}
