/** What the API shows of a comment. Timestamps are ISO 8601 UTC strings. */
import type * as z from 'zod/mini';
import type { CommentItem } from '#shared/comments/comment.entity.ts';
import type { CommentView } from '#shared/comments/responses.ts';
import type { UserItem } from '#shared/users/user.entity.ts';
import { personView } from '#shared/users/views.ts';

/**
 * A comment, or the ticket's description as its first message (`isDescription: true`, its id the ticket id).
 * `editedAt` is null until the author edits it. Without the author's profile (see {@link commentViewWith}).
 */
export function commentView(comment: CommentItem): Omit<z.output<typeof CommentView>, 'author'> {
  return {
    commentId: comment.commentId,
    ticketId: comment.ticketId,
    authorId: comment.authorId,
    kind: comment.kind,
    body: comment.body,
    isDescription: comment.isDescription === true,
    createdAt: comment.createdAt,
    updatedAt: comment.updatedAt,
    editedAt: comment.editedAt ?? null,
  };
}

/**
 * The view of comments with their author embedded as `author: { userId, name, email }` (`authorId` kept), from
 * profiles read once for the whole response (`findUsers(commentAuthorIds(comments))`, one BatchGetItem).
 * @param people the profiles by user id; an author without a profile shows `name` and `email` null
 * @returns a function for `comments.map(...)`
 */
export function commentViewWith(people: ReadonlyMap<string, UserItem>) {
  return (comment: CommentItem): z.output<typeof CommentView> => ({
    ...commentView(comment),
    // Every comment has its author: personView answers null only without an id.
    author: personView(comment.authorId, people) ?? { userId: comment.authorId, name: null, email: null },
  });
}

/** The user ids the views of these comments name (their authors), for one `findUsers` call. */
export const commentAuthorIds = (comments: readonly Pick<CommentItem, 'authorId'>[]) =>
  comments.map((comment) => comment.authorId);
