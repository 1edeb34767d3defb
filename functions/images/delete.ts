/**
 * `DELETE /tickets/{ticketId}/images/{imageId}`: delete an image, its object and its item (its uploader, or
 * `canEditAll`; on a closed or canceled ticket only `canDeleteAll`). 204. 404 as `GET`; 403 for someone else's
 * image; 409 on a frozen ticket. An image whose earlier delete failed half-way (hidden, `deleting`) is finished.
 */
import { deleteImage, findVisibleImage } from '#shared/images/operations.ts';
import { deleteImageRoute } from '#shared/images/routes.ts';
import { route } from '#shared/platform/http/route.ts';

export const handler = route(deleteImageRoute, async ({ actor, params }) => {
  const { ticket, image } = await findVisibleImage(actor, params.ticketId, params.imageId, {
    deleting: true,
  });
  await deleteImage(actor, ticket, image);
  return { statusCode: 204, headers: { 'cache-control': 'no-store' } };
});
