/**
 * `DELETE /comments/{commentId}`: delete a comment (its author, or `canDeleteAll`); the audit trail records
 * `comment.deleted`, internal for a note. 204. 404 as `GET`; 403 for someone else's comment; 409 for the
 * description, or on a closed or canceled ticket unless the caller has `canDeleteAll`.
 */
import { deleteComment, findVisibleComment } from '#shared/comments/operations.ts';
import { deleteCommentRoute } from '#shared/comments/routes.ts';
import { route } from '#shared/platform/http/route.ts';

export const handler = route(deleteCommentRoute, async ({ actor, params }) => {
  await deleteComment(actor, await findVisibleComment(actor, params.commentId));
  return { statusCode: 204, headers: { 'cache-control': 'no-store' } };
});
