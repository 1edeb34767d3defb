/**
 * `GET /tickets/{ticketId}/comments?limit=&cursor=`: the ticket's comments, oldest first, `{ items, nextCursor }`.
 * Internal notes only for agents. 404 when the ticket does not exist or is not the caller's to see.
 */
import { listComments } from '#shared/comments/operations.ts';
import { listCommentsRoute } from '#shared/comments/routes.ts';
import { commentView } from '#shared/comments/views.ts';
import { ok } from '#shared/platform/http/responses.ts';
import { route } from '#shared/platform/http/route.ts';
import { findVisibleTicket } from '#shared/tickets/operations.ts';

export const handler = route(listCommentsRoute, async ({ actor, params, query }) => {
  const ticket = await findVisibleTicket(actor, params.ticketId);
  const page = await listComments(actor, ticket, query);
  return ok({ items: page.items.map(commentView), nextCursor: page.nextCursor });
});
