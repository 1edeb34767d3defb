/**
 * How a ticket's images appear in API responses (`GET /tickets/{ticketId}`): only `ready` images, each with a
 * short-lived GET URL.
 */
import type { ImageItem } from '#shared/images/image.entity.ts';
import { presignedImageUrl } from '#shared/images/presign.ts';

/** One image of a ticket as the API shows it. */
export interface ImageView {
  readonly imageId: string;
  /** The type found from the bytes (`image/jpeg`, `image/png`, `image/gif`, `image/webp`). */
  readonly contentType: string;
  /** Bytes. */
  readonly size: number;
  readonly fileName?: string;
  /** ISO 8601, when the upload was requested. */
  readonly createdAt: string;
  /** Presigned GET URL; expires at `urlExpiresAt`, read the ticket again for a fresh one. */
  readonly url: string;
  /** ISO 8601. */
  readonly urlExpiresAt: string;
}

/**
 * The API view of a ticket's images: the `ready` ones, oldest first, each with a presigned GET URL. Pending
 * (not yet uploaded or checked) and rejected images are left out. Signing is local, no S3 call.
 * @param images the ticket's image items, in any order (e.g. from the `thread` collection query)
 * @throws Error when the URLs cannot be signed (no credentials or region, `IMAGES_BUCKET` missing)
 */
export async function imageViews(images: readonly ImageItem[]): Promise<ImageView[]> {
  const ready = images
    .filter((image) => image.status === 'ready')
    .sort((a, b) => (a.imageId < b.imageId ? -1 : a.imageId > b.imageId ? 1 : 0));
  return Promise.all(
    ready.map(async (image) => {
      const contentType = image.contentType ?? image.declaredContentType;
      const { url, expiresAt } = await presignedImageUrl(image.objectKey, {
        contentType,
        fileName: image.fileName,
      });
      return {
        imageId: image.imageId,
        contentType,
        size: image.size ?? 0,
        ...(image.fileName ? { fileName: image.fileName } : {}),
        createdAt: image.createdAt,
        url,
        urlExpiresAt: expiresAt,
      };
    }),
  );
}
