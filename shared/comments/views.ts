/** What the API shows of a comment. Timestamps are ISO 8601 UTC strings. */
import type { CommentItem } from '#shared/comments/comment.entity.ts';

export function commentView(comment: CommentItem) {
  return {
    commentId: comment.commentId,
    ticketId: comment.ticketId,
    authorId: comment.authorId,
    kind: comment.kind,
    body: comment.body,
    createdAt: comment.createdAt,
    updatedAt: comment.updatedAt,
  };
}
