/**
 * `GET /tickets/{ticketId}`: the ticket with the first page of its conversation (internal notes for agents only;
 * `commentsNextCursor` continues at `GET /tickets/{ticketId}/comments`) and its ready images with short-lived
 * download URLs; the people it names and the comments' authors embedded (one BatchGetItem). 404 when it does not
 * exist or is not the caller's to see. `ETag` for `If-Match`.
 */
import type * as z from 'zod/mini';
import { commentAuthorIds, commentViewWith } from '#shared/comments/views.ts';
import { imageViews } from '#shared/images/views.ts';
import { etagOf, ok } from '#shared/platform/http/responses.ts';
import { route } from '#shared/platform/http/route.ts';
import { readThread } from '#shared/tickets/operations.ts';
import type { TicketThreadView } from '#shared/tickets/responses.ts';
import { getTicketRoute } from '#shared/tickets/routes.ts';
import { ticketPeopleIds, ticketView } from '#shared/tickets/views.ts';
import { findUsers } from '#shared/users/profiles.ts';

export const handler = route(getTicketRoute, async ({ params, actor }) => {
  const { ticket, comments, commentsNextCursor, images } = await readThread(actor, params.ticketId);
  const [people, imageList] = await Promise.all([
    findUsers([...ticketPeopleIds([ticket]), ...commentAuthorIds(comments)]),
    imageViews(images),
  ]);
  const thread: z.output<typeof TicketThreadView> = {
    ...ticketView(ticket, people),
    comments: comments.map(commentViewWith(people)),
    commentsNextCursor,
    images: imageList,
  };
  return ok(thread, { etag: etagOf(ticket.ticketId, ticket.version) });
});
