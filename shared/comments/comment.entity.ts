/** A comment on a ticket: a request, a response or an internal note. `pk = TICKET#<id>`, `sk = COMMENT#<commentId>`. */
export interface CommentItem {
  readonly ticketId: string;
  /** ULID: comments sort by posting time. */
  readonly commentId: string;
  readonly authorId: string;
  /** `request` (by the requester), `response` (by an agent), `note` (internal, never shown to requesters). */
  readonly kind: 'request' | 'response' | 'note';
  readonly body: string;
  /** ISO 8601. */
  readonly createdAt: string;
  readonly updatedAt: string;
}

export const commentEntity = 'comment';

/** The key of a comment. */
export const commentKey = (ticketId: string, commentId: string) => ({
  pk: `TICKET#${ticketId}`,
  sk: `COMMENT#${commentId}`,
});

/** The sort key prefix of a ticket's comments. */
export const commentPrefix = 'COMMENT#';

/** The stored item of a comment. */
export const commentRecord = (comment: CommentItem) => ({
  ...comment,
  ...commentKey(comment.ticketId, comment.commentId),
  entityType: commentEntity,
});
