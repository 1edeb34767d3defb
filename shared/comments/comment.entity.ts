/**
 * A comment on a ticket: a request, a response or an internal note. `pk = TICKET#<ticketId>`,
 * `sk = COMMENT#<commentId>`, in the ticket's partition next to the ticket item.
 *
 * Comment ids embed their ticket's id: `<ticketId>-<ULID>` ({@link newCommentId}). A comment id alone therefore
 * names its item's key ({@link commentKeyOf}): `GET`/`PATCH`/`PUT`/`DELETE /comments/{commentId}` read it and its
 * ticket with two GetItems in parallel, strongly consistent, with no index to write or to lag behind a new comment.
 * Within a ticket's partition the ids share the ticket prefix, so comments still sort by posting time.
 *
 * The ticket's description is its first message (`kind: request`, by the requester). It is not stored as a
 * comment: {@link descriptionMessage} synthesises it from the ticket, with the ticket's id as its id and
 * `isDescription: true`; it is edited through the ticket and cannot be deleted.
 *
 * Lists (`docs/data-model.md`):
 * - a ticket's comments, oldest (or newest) first: the ticket's partition, `begins_with(sk, 'COMMENT#')`;
 * - an author's comments, newest first: gsi11, partition `AUTHOR#<authorId>`, sort `<createdAt>#<commentId>`,
 *   keys only (`commentProjection` in `shared/platform/table.ts`); the comments are then read by key.
 */
import { ulid } from 'ulid';

/** `request` (by the requester), `response` (by an agent), `note` (internal, never shown to requesters). */
export const commentKinds = ['request', 'response', 'note'] as const;
export type CommentKind = (typeof commentKinds)[number];

export interface CommentItem {
  readonly ticketId: string;
  /** `<ticketId>-<ULID>`: the ticket it belongs to, then a ULID (comments sort by posting time). */
  readonly commentId: string;
  readonly authorId: string;
  /** See {@link commentKinds}. */
  readonly kind: CommentKind;
  readonly body: string;
  /** ISO 8601. */
  readonly createdAt: string;
  readonly updatedAt: string;
  /** ISO 8601, the last edit of the body; absent when never edited. */
  readonly editedAt?: string | undefined;
  /** Only on the synthesised description message ({@link descriptionMessage}); never stored. */
  readonly isDescription?: true | undefined;
  /** The macro that posted it (`shared/macros/`), named as it was then; absent for a comment written by hand. */
  readonly macro?: { readonly macroId: string; readonly name: string } | undefined;
  /**
   * The status change the same macro application made, when the comment's mail tells of it too (a response): the
   * requester gets one mail for the combined change (`stream-rules.ts`).
   */
  readonly statusChange?: { readonly from: string; readonly to: string } | undefined;
}

export const commentEntity = 'comment';

/** A new comment id on this ticket: `<ticketId>-<ULID>`. */
export const newCommentId = (ticketId: string) => `${ticketId}-${ulid()}`;

/** ULIDs: 26 Crockford base32 characters. */
const ulidPattern = '[0-9A-HJKMNP-TV-Z]{26}';

/** The shape of a comment id in a path: a ticket id (the description) or `<ticketId>-<ULID>` (a comment). */
export const commentIdPattern = new RegExp(`^${ulidPattern}(-${ulidPattern})?$`);

/**
 * What a comment id names: the ticket it belongs to, and whether it is the ticket's description (whose id is the
 * ticket id itself).
 */
export function parseCommentId(commentId: string): { ticketId: string; isDescription: boolean } {
  const dash = commentId.indexOf('-');
  return dash === -1
    ? { ticketId: commentId, isDescription: true }
    : { ticketId: commentId.slice(0, dash), isDescription: false };
}

/** The key of a comment. */
export const commentKey = (ticketId: string, commentId: string) => ({
  pk: `TICKET#${ticketId}`,
  sk: `COMMENT#${commentId}`,
});

/** The key of a comment from its id alone (the id embeds the ticket id). */
export const commentKeyOf = (commentId: string) => commentKey(parseCommentId(commentId).ticketId, commentId);

/** The sort key prefix of a ticket's comments. */
export const commentPrefix = 'COMMENT#';

/** The partition of an author's comments (gsi11). */
export const authorCommentsPartition = (authorId: string) => ({ gsi11pk: `AUTHOR#${authorId}` });

/** The index keys of a comment, from its fields: gsi11 (its author's comments, newest first when descending). */
export function commentIndexKeys(comment: Pick<CommentItem, 'authorId' | 'createdAt' | 'commentId'>) {
  return {
    ...authorCommentsPartition(comment.authorId),
    gsi11sk: `${comment.createdAt}#${comment.commentId}`,
  };
}

/** The stored item of a comment: keys, index keys, entity name and fields. */
export const commentRecord = (comment: CommentItem) => {
  const { isDescription: _synthesised, ...fields } = comment;
  return {
    ...fields,
    ...commentKey(comment.ticketId, comment.commentId),
    ...commentIndexKeys(comment),
    entityType: commentEntity,
  };
};

/** What the description message is made of: the ticket's fields. */
export interface DescribedTicket {
  readonly ticketId: string;
  readonly requesterId: string;
  readonly description: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/**
 * The ticket's description as its first message: `kind: request` by the requester, posted when the ticket was
 * opened, with the ticket's id as its id and `isDescription: true`. It is never stored as a comment (the ticket
 * holds the text), so an edit of the description through the ticket shows here at once.
 */
export function descriptionMessage(ticket: DescribedTicket): CommentItem {
  return {
    ticketId: ticket.ticketId,
    commentId: ticket.ticketId,
    authorId: ticket.requesterId,
    kind: 'request',
    body: ticket.description,
    createdAt: ticket.createdAt,
    updatedAt: ticket.updatedAt,
    isDescription: true,
  };
}
