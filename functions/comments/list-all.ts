/**
 * `GET /comments?authorId=|ticketId=&limit=&cursor=` (`canViewAll` or `canManageTickets`): comments across
 * tickets, newest first, each with its author, `{ items, nextCursor }`. Exactly one filter (422 otherwise);
 * internal notes only for agents; 404 for a ticket the caller may not see.
 */
import type * as z from 'zod/mini';
import { listCommentsAcrossTickets } from '#shared/comments/operations.ts';
import type { CommentPageView } from '#shared/comments/responses.ts';
import { listAllCommentsRoute } from '#shared/comments/routes.ts';
import { commentAuthorIds, commentViewWith } from '#shared/comments/views.ts';
import { ok } from '#shared/platform/http/responses.ts';
import { route } from '#shared/platform/http/route.ts';
import { findUsers } from '#shared/users/profiles.ts';

export const handler = route(listAllCommentsRoute, async ({ actor, query }) => {
  const page = await listCommentsAcrossTickets(actor, query);
  const people = await findUsers(commentAuthorIds(page.items));
  const body: z.output<typeof CommentPageView> = {
    items: page.items.map(commentViewWith(people)),
    nextCursor: page.nextCursor,
  };
  return ok(body);
});
