/**
 * `POST /tickets/{ticketId}/comments`: a comment (`request` from the requester, `response` from an agent) or, with
 * `internal: true`, an agent's internal note. 201 with the comment and its author, `Location: /comments/{id}`. 409 on
 * a closed or canceled ticket, or one holding 1,000 comments; the ticket's version (ETag) does not change.
 */
import { addComment } from '#shared/comments/operations.ts';
import { createCommentRoute } from '#shared/comments/routes.ts';
import { commentViewWith } from '#shared/comments/views.ts';
import { idempotentRoute } from '#shared/platform/http/idempotency-key.ts';
import { created } from '#shared/platform/http/responses.ts';
import { findVisibleTicket } from '#shared/tickets/operations.ts';
import { findUsers } from '#shared/users/profiles.ts';

export const handler = idempotentRoute(createCommentRoute, async (input) => {
  const ticket = await findVisibleTicket(input.actor, input.params.ticketId);
  const comment = await addComment(input.actor, ticket, input.body);
  const people = await findUsers([comment.authorId]);
  return created(commentViewWith(people)(comment), `/comments/${comment.commentId}`);
});
