/**
 * `GET /tickets/{ticketId}`: the ticket with the first page of its comments (internal notes for agents only;
 * `commentsNextCursor` continues at `GET /tickets/{ticketId}/comments`) and its ready images with short-lived
 * download URLs. 404 when it does not exist or is not the caller's to see. `ETag` for `If-Match`.
 */
import { commentView } from '#shared/comments/views.ts';
import { imageViews } from '#shared/images/views.ts';
import { etagOf, ok } from '#shared/platform/http/responses.ts';
import { route } from '#shared/platform/http/route.ts';
import { readThread } from '#shared/tickets/operations.ts';
import { getTicketRoute } from '#shared/tickets/routes.ts';
import { ticketView } from '#shared/tickets/views.ts';

export const handler = route(getTicketRoute, async ({ params, actor }) => {
  const { ticket, comments, commentsNextCursor, images } = await readThread(actor, params.ticketId);
  return ok(
    {
      ...ticketView(ticket),
      comments: comments.map(commentView),
      commentsNextCursor,
      images: await imageViews(images),
    },
    { etag: etagOf(ticket.ticketId, ticket.version) },
  );
});
