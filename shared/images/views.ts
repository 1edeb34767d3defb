/**
 * How a ticket's images appear in API responses (`GET /tickets/{ticketId}`): only `ready` images, each with a
 * short-lived GET URL.
 */
import type * as z from 'zod/mini';
import type { ImageItem } from '#shared/images/image.entity.ts';
import { presignedImageUrl } from '#shared/images/presign.ts';
import type { ImageDetailsView, ImageView as ImageViewSchema } from '#shared/images/responses.ts';
import { isAllowedImageType } from '#shared/images/rules.ts';

/**
 * One image of a ticket as the API shows it (`TicketImage` in the OpenAPI document): `imageId`, `contentType` (the
 * type found from the bytes), `size` (bytes), `fileName` when one was given, `createdAt`, and a presigned `url`
 * with its `urlExpiresAt` (ISO 8601).
 */
export type ImageView = z.output<typeof ImageViewSchema>;

/**
 * The API view of a ticket's images: the `ready` ones, oldest first, each with a presigned GET URL. Pending
 * (not yet uploaded or checked) and rejected images are left out, and so is an item without a size or whose type is
 * not an allowed image type found from the bytes (the check never marks such an item ready). Signing is local, no S3 call.
 * @param images the ticket's image items, in any order (e.g. from the `thread` collection query)
 * @throws Error when the URLs cannot be signed (no credentials or region, `IMAGES_BUCKET` missing)
 */
export async function imageViews(images: readonly ImageItem[]): Promise<ImageView[]> {
  const ready = images
    .filter((image) => image.status === 'ready')
    .sort((a, b) => (a.imageId < b.imageId ? -1 : a.imageId > b.imageId ? 1 : 0))
    .flatMap((image) => {
      // Only the type found from the bytes, never the declared one: it is what the GET URL serves the bytes as.
      const { contentType, size } = image;
      return contentType && isAllowedImageType(contentType) && size ? [{ image, contentType, size }] : [];
    });
  return Promise.all(
    ready.map(async ({ image, contentType, size }): Promise<ImageView> => {
      const { url, expiresAt } = await presignedImageUrl(image.objectKey, {
        contentType,
        fileName: image.fileName,
      });
      return {
        imageId: image.imageId,
        contentType,
        size,
        ...(image.fileName ? { fileName: image.fileName } : {}),
        ...(image.caption ? { caption: image.caption } : {}),
        createdAt: image.createdAt,
        url,
        urlExpiresAt: expiresAt,
      };
    }),
  );
}

/**
 * One image in any status but `deleting` (`ImageDetails`: `GET`/`PATCH /tickets/{ticketId}/images/{imageId}`):
 * its status, the uploader, the caption, `replaces` for a replacement, the rejection reason of a rejected one, and
 * for a `ready` one its type, size and a presigned GET URL.
 * @throws Error when the URL cannot be signed (as {@link imageViews}), or for a `deleting` image (never shown)
 */
export async function imageDetailsView(image: ImageItem): Promise<z.output<typeof ImageDetailsView>> {
  const { status } = image;
  if (status === 'deleting') throw new Error(`Image ${image.imageId} is being deleted; it is not shown.`);
  const [shown] = await imageViews([image]);
  return {
    imageId: image.imageId,
    status,
    uploaderId: image.uploaderId,
    ...(image.fileName ? { fileName: image.fileName } : {}),
    ...(image.caption ? { caption: image.caption } : {}),
    ...(image.replaces ? { replaces: image.replaces } : {}),
    ...(image.status === 'rejected' && image.rejectionReason
      ? { rejectionReason: image.rejectionReason }
      : {}),
    createdAt: image.createdAt,
    ...(shown
      ? { contentType: shown.contentType, size: shown.size, url: shown.url, urlExpiresAt: shown.urlExpiresAt }
      : {}),
  };
}
