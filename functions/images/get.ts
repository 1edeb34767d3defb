/**
 * `GET /tickets/{ticketId}/images/{imageId}`: one image in any status (what the `Location` of an upload request
 * names): `pending` while it waits for its bytes and their check, then `ready` with a 5-minute URL, or `rejected`
 * with the reason. 404 when the ticket is not the caller's to see, or the image does not exist, is being deleted,
 * or was never uploaded in time.
 */
import { findVisibleImage } from '#shared/images/operations.ts';
import { getImageRoute } from '#shared/images/routes.ts';
import { imageDetailsView } from '#shared/images/views.ts';
import { ok } from '#shared/platform/http/responses.ts';
import { route } from '#shared/platform/http/route.ts';

export const handler = route(getImageRoute, async ({ actor, params }) => {
  const { image } = await findVisibleImage(actor, params.ticketId, params.imageId);
  return ok(await imageDetailsView(image), { 'cache-control': 'no-store' });
});
