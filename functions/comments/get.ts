/**
 * `GET /comments/{commentId}`: the comment with its author; a ticket id names the ticket's description. 404 when
 * its ticket is not the caller's to see, or it is an internal note and the caller is not an agent.
 */
import { findVisibleComment } from '#shared/comments/operations.ts';
import { getCommentRoute } from '#shared/comments/routes.ts';
import { commentViewWith } from '#shared/comments/views.ts';
import { ok } from '#shared/platform/http/responses.ts';
import { route } from '#shared/platform/http/route.ts';
import { findUsers } from '#shared/users/profiles.ts';

export const handler = route(getCommentRoute, async ({ actor, params }) => {
  const { comment } = await findVisibleComment(actor, params.commentId);
  const people = await findUsers([comment.authorId]);
  return ok(commentViewWith(people)(comment));
});
