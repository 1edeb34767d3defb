/**
 * `POST /tickets`: open a ticket. 201 with the ticket, `Location` and `ETag`. With `approverId` the ticket starts
 * `pending_approval` and the approver is mailed a link (S4). 403 for roles that may not create tickets (S2).
 */
import { CreateTicketBody } from '#shared/api/schemas.ts';
import { ticketView } from '#shared/api/views.ts';
import { openTicket } from '#shared/data/tickets.ts';
import { idempotentRoute } from '#shared/http/idempotency-key.ts';
import { created, etagOf } from '#shared/http/responses.ts';

export const handler = idempotentRoute({ body: CreateTicketBody }, async ({ body, caller }) => {
  const ticket = await openTicket(caller, body);
  return created(ticketView(ticket), `/tickets/${ticket.ticketId}`, {
    etag: etagOf(ticket.ticketId, ticket.version),
  });
});
