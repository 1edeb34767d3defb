/**
 * An image of a ticket and the state of its upload check. `pk = TICKET#<ticketId>`, `sk = IMAGE#<imageId>`.
 *
 * The ticket item counts its images (`shared/images/operations.ts`): `imageCount` (pending, ready and rejected
 * images, at most `MAX_IMAGES_PER_TICKET`) and `pendingImageCount` (requested, not uploaded yet, at most
 * `MAX_PENDING_IMAGES_PER_TICKET`), both kept by `ADD` in the transactions that write the image items.
 */
export interface ImageItem {
  readonly ticketId: string;
  /** ULID. */
  readonly imageId: string;
  /** S3 object key: `tickets/<ticketId>/images/<imageId>`. */
  readonly objectKey: string;
  /**
   * `pending` until the object-created check; then `ready` or `rejected`. `deleting`: deleted (by `DELETE`, or
   * superseded by a replacement that passed the check), hidden from every read and holding no place in the
   * counters; its object is being deleted, then the item (`shared/images/removal.ts`).
   */
  readonly status: 'pending' | 'ready' | 'rejected' | 'deleting';
  /** The content type the client declared when asking for the upload. */
  readonly declaredContentType: string;
  /** The content type found from the bytes (magic number). */
  readonly contentType?: string | undefined;
  /** Size in bytes, once uploaded. */
  readonly size?: number | undefined;
  readonly fileName?: string | undefined;
  readonly rejectionReason?: string | undefined;
  /** Optional text shown with the image, at most `MAX_CAPTION_LENGTH` characters (code points). */
  readonly caption?: string | undefined;
  /**
   * A replacement (`POST .../images/{imageId}/replace`): the image it supersedes once its own bytes pass the check;
   * until then the replaced image stays as it is, and a rejected replacement leaves it in place.
   */
  readonly replaces?: string | undefined;
  readonly uploaderId: string;
  /** ISO 8601. */
  readonly createdAt: string;
  /**
   * While `pending` only: when the never-uploaded image expires, epoch seconds (the table's TTL attribute,
   * `PENDING_IMAGE_TTL_SECONDS` after the request). The object-created check removes it.
   */
  readonly expiresAt?: number | undefined;
  readonly updatedAt?: string;
}

export const imageEntity = 'image';

/** The key of an image. */
export const imageKey = (ticketId: string, imageId: string) => ({
  pk: `TICKET#${ticketId}`,
  sk: `IMAGE#${imageId}`,
});

/** The sort key prefix of a ticket's images. */
export const imagePrefix = 'IMAGE#';

/** The stored item of an image. */
export const imageRecord = (image: ImageItem) => ({
  ...image,
  ...imageKey(image.ticketId, image.imageId),
  entityType: imageEntity,
});
