/**
 * `GET /tickets/{ticketId}/images?limit=&cursor=`: the ticket's images that passed the upload check, oldest first,
 * each with a fresh presigned GET URL (5 minutes), `{ items, nextCursor }`. 404 when the ticket does not exist or
 * is not the caller's to see; 422 for a cursor of another list.
 */
import type * as z from 'zod/mini';
import { listImages } from '#shared/images/listing.ts';
import type { ImagePageView } from '#shared/images/responses.ts';
import { listImagesRoute } from '#shared/images/routes.ts';
import { imageViews } from '#shared/images/views.ts';
import { ok } from '#shared/platform/http/responses.ts';
import { route } from '#shared/platform/http/route.ts';
import { findVisibleTicket } from '#shared/tickets/operations.ts';

export const handler = route(listImagesRoute, async ({ actor, params, query }) => {
  const ticket = await findVisibleTicket(actor, params.ticketId);
  const page = await listImages(ticket, query);
  const body: z.output<typeof ImagePageView> = {
    items: await imageViews(page.items),
    nextCursor: page.nextCursor,
  };
  return ok(body);
});
