/**
 * `POST /tickets/{ticketId}/comments`: a comment (`request` from the requester, `response` from an agent) or, with
 * `internal: true`, an agent's internal note. 201 with the comment.
 */
import { CreateCommentBody, TicketParams } from '#shared/api/schemas.ts';
import { commentView } from '#shared/api/views.ts';
import { addComment } from '#shared/data/tickets.ts';
import { idempotentRoute } from '#shared/http/idempotency-key.ts';
import { created } from '#shared/http/responses.ts';

export const handler = idempotentRoute({ params: TicketParams, body: CreateCommentBody }, async (input) => {
  const comment = await addComment(input.caller, input.params.ticketId, () => input.body);
  return created(commentView(comment), `/tickets/${comment.ticketId}/comments/${comment.commentId}`);
});
