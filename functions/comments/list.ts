/**
 * `GET /tickets/{ticketId}/comments?limit=&cursor=`: the ticket's conversation, oldest first: its description
 * (first page), then the comments, each with its author, `{ items, nextCursor }`. Internal notes only for agents.
 * 404 when the ticket does not exist or is not the caller's to see.
 */
import type * as z from 'zod/mini';
import { listComments } from '#shared/comments/operations.ts';
import type { CommentPageView } from '#shared/comments/responses.ts';
import { listCommentsRoute } from '#shared/comments/routes.ts';
import { commentAuthorIds, commentViewWith } from '#shared/comments/views.ts';
import { ok } from '#shared/platform/http/responses.ts';
import { route } from '#shared/platform/http/route.ts';
import { findVisibleTicket } from '#shared/tickets/operations.ts';
import { findUsers } from '#shared/users/profiles.ts';

export const handler = route(listCommentsRoute, async ({ actor, params, query }) => {
  const ticket = await findVisibleTicket(actor, params.ticketId);
  const page = await listComments(actor, ticket, query);
  const people = await findUsers(commentAuthorIds(page.items));
  const body: z.output<typeof CommentPageView> = {
    items: page.items.map(commentViewWith(people)),
    nextCursor: page.nextCursor,
  };
  return ok(body);
});
