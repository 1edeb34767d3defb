/**
 * `POST /tickets/{ticketId}/images`: ask for an image upload. Answers 201 `{ imageId, status: 'pending', upload,
 * maxBytes }` (`ImageUpload`) with `Location: /tickets/<ticketId>/images/<imageId>`: `upload` is a presigned POST
 * the browser sends the file with, straight to S3; the image stays `pending` until the object-created check
 * (`functions/images/on-object-created.ts`) finds the bytes good.
 *
 * 404 when the ticket does not exist or the caller may not see it; 409 when the ticket is closed or canceled, or
 * holds as many images as it takes (50, or 20 requested and not uploaded yet: `shared/images/rules.ts`);
 * 415 for a content type that is not an allowed image type; 413 for a declared size over the limit.
 */
import type * as z from 'zod/mini';
import { requestImageUpload } from '#shared/images/operations.ts';
import type { ImageUploadView } from '#shared/images/responses.ts';
import { createImageUploadRoute } from '#shared/images/routes.ts';
import { MAX_IMAGE_BYTES } from '#shared/images/rules.ts';
import { idempotentRoute } from '#shared/platform/http/idempotency-key.ts';
import { created } from '#shared/platform/http/responses.ts';
import { findVisibleTicket } from '#shared/tickets/operations.ts';

export const handler = idempotentRoute(createImageUploadRoute, async (input) => {
  const ticket = await findVisibleTicket(input.actor, input.params.ticketId);
  const { image, upload } = await requestImageUpload(input.actor, ticket, input.body);
  const body: z.output<typeof ImageUploadView> = {
    imageId: image.imageId,
    status: image.status,
    upload,
    maxBytes: MAX_IMAGE_BYTES,
  };
  return created(body, `/tickets/${ticket.ticketId}/images/${image.imageId}`);
});
