/**
 * `POST /tickets/{ticketId}/images/{imageId}/replace`: ask for a replacement of a ready image. Answers 201 like an
 * upload request (`ImageUpload`, with `replaces`) and `Location: /tickets/<ticketId>/images/<new imageId>`. The
 * replaced image stays until the replacement's bytes pass the object-created check, which then removes it.
 *
 * 404 as `GET /tickets/{ticketId}/images/{imageId}`; 403 for someone else's image; 409 when the image is not
 * ready, the ticket is closed, canceled or full; 415 and 413 as for an upload.
 */
import type * as z from 'zod/mini';
import { findVisibleImage, requestImageReplacement } from '#shared/images/operations.ts';
import type { ImageUploadView } from '#shared/images/responses.ts';
import { replaceImageRoute } from '#shared/images/routes.ts';
import { MAX_IMAGE_BYTES } from '#shared/images/rules.ts';
import { idempotentRoute } from '#shared/platform/http/idempotency-key.ts';
import { created } from '#shared/platform/http/responses.ts';

export const handler = idempotentRoute(replaceImageRoute, async ({ actor, params, body: input }) => {
  const { ticket, image: replaced } = await findVisibleImage(actor, params.ticketId, params.imageId);
  const { image, upload } = await requestImageReplacement(actor, ticket, replaced, input);
  const body: z.output<typeof ImageUploadView> = {
    imageId: image.imageId,
    status: image.status,
    upload,
    replaces: replaced.imageId,
    maxBytes: MAX_IMAGE_BYTES,
  };
  return created(body, `/tickets/${ticket.ticketId}/images/${image.imageId}`);
});
