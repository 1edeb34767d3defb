/**
 * `PUT /comments/{commentId}` `{ body }`: replace a comment's text, the only part of a comment one may change
 * (its author, or `canEditAll`); the same rules and answers as `PATCH`.
 */
import { editComment, findVisibleComment } from '#shared/comments/operations.ts';
import { replaceCommentRoute } from '#shared/comments/routes.ts';
import { commentViewWith } from '#shared/comments/views.ts';
import { ok } from '#shared/platform/http/responses.ts';
import { route } from '#shared/platform/http/route.ts';
import { findUsers } from '#shared/users/profiles.ts';

export const handler = route(replaceCommentRoute, async (input) => {
  // Find (404) before the body is validated (400): ids of unseen comments cannot be probed.
  const found = await findVisibleComment(input.actor, input.params.commentId);
  const edited = await editComment(input.actor, found, input.body);
  const people = await findUsers([edited.authorId]);
  return ok(commentViewWith(people)(edited));
});
