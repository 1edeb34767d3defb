/**
 * `PATCH /tickets/{ticketId}/images/{imageId}`: set (`{ caption }`) or remove (`{ caption: null }`) an image's
 * caption; its uploader, or `canEditAll`. 200 with the image. 404 as `GET`; 403 for someone else's image; 409 on a
 * closed or canceled ticket.
 */
import { captionImage, findVisibleImage } from '#shared/images/operations.ts';
import { updateImageRoute } from '#shared/images/routes.ts';
import { imageDetailsView } from '#shared/images/views.ts';
import { ok } from '#shared/platform/http/responses.ts';
import { route } from '#shared/platform/http/route.ts';

export const handler = route(updateImageRoute, async ({ actor, params, body }) => {
  const { ticket, image } = await findVisibleImage(actor, params.ticketId, params.imageId);
  const captioned = await captionImage(actor, ticket, image, body.caption);
  return ok(await imageDetailsView(captioned));
});
