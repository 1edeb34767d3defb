/**
 * `POST /comments`: a comment on the ticket named by `ticketId` in the body; otherwise as
 * `POST /tickets/{ticketId}/comments` (404 when the ticket is not the caller's to see). 201 with the comment and
 * its author, `Location: /comments/{id}`.
 */
import { addComment } from '#shared/comments/operations.ts';
import { createCommentOnTicketRoute } from '#shared/comments/routes.ts';
import { commentViewWith } from '#shared/comments/views.ts';
import { idempotentRoute } from '#shared/platform/http/idempotency-key.ts';
import { created } from '#shared/platform/http/responses.ts';
import { findVisibleTicket } from '#shared/tickets/operations.ts';
import { findUsers } from '#shared/users/profiles.ts';

export const handler = idempotentRoute(createCommentOnTicketRoute, async (input) => {
  const { ticketId, ...comment } = input.body;
  const ticket = await findVisibleTicket(input.actor, ticketId);
  const added = await addComment(input.actor, ticket, comment);
  const people = await findUsers([added.authorId]);
  return created(commentViewWith(people)(added), `/comments/${added.commentId}`);
});
