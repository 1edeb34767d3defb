/**
 * `PATCH /tickets/{ticketId}`: change status along the lifecycle (409 with the allowed targets otherwise) and
 * fields. Honours `If-Match` (412 when stale). Approvers may decide `approved`/`rejected` here too (S4).
 */
import { TicketParams, UpdateTicketBody } from '#shared/api/schemas.ts';
import { ticketView } from '#shared/api/views.ts';
import { changeTicket } from '#shared/data/tickets.ts';
import { authenticatedRoute } from '#shared/http/handler.ts';
import { etagOf, ok } from '#shared/http/responses.ts';

export const handler = authenticatedRoute({ params: TicketParams, body: UpdateTicketBody }, async (input) => {
  const ticket = await changeTicket(
    input.caller,
    input.params.ticketId,
    () => input.body,
    input.headers['if-match'],
  );
  return ok(ticketView(ticket), { etag: etagOf(ticket.ticketId, ticket.version) });
});
