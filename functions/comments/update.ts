/**
 * `PATCH /comments/{commentId}` `{ body }`: edit a comment's text (its author, or `canEditAll`); `editedAt` is
 * stamped. 404 as `GET`; 403 for someone else's comment; 409 for the description or a closed or canceled ticket.
 */
import { editComment, findVisibleComment } from '#shared/comments/operations.ts';
import { updateCommentRoute } from '#shared/comments/routes.ts';
import { commentViewWith } from '#shared/comments/views.ts';
import { ok } from '#shared/platform/http/responses.ts';
import { route } from '#shared/platform/http/route.ts';
import { findUsers } from '#shared/users/profiles.ts';

export const handler = route(updateCommentRoute, async (input) => {
  // Find (404) before the body is validated (400): ids of unseen comments cannot be probed.
  const found = await findVisibleComment(input.actor, input.params.commentId);
  const edited = await editComment(input.actor, found, input.body);
  const people = await findUsers([edited.authorId]);
  return ok(commentViewWith(people)(edited));
});
