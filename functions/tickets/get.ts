/**
 * `GET /tickets/{ticketId}`: the ticket with its comments (internal notes for agents only) and its ready images
 * with short-lived download URLs. 404 when it does not exist or is not the caller's to see. `ETag` for `If-Match`.
 */
import { TicketParams } from '#shared/api/schemas.ts';
import { commentView, ticketView } from '#shared/api/views.ts';
import { readThread } from '#shared/data/tickets.ts';
import { authenticatedRoute } from '#shared/http/handler.ts';
import { etagOf, ok } from '#shared/http/responses.ts';
import { imageViews } from '#shared/images/views.ts';

export const handler = authenticatedRoute({ params: TicketParams }, async ({ params, caller }) => {
  const { ticket, comments, images } = await readThread(caller, params.ticketId);
  return ok(
    { ...ticketView(ticket), comments: comments.map(commentView), images: await imageViews(images) },
    { etag: etagOf(ticket.ticketId, ticket.version) },
  );
});
