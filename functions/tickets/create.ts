/**
 * `POST /tickets`: open a ticket. 201 with the ticket (its people embedded), `Location` and `ETag`. With
 * `approverId` the ticket starts `pending_approval` and the approver is mailed a link. 403 for roles without
 * `canCreateTickets`.
 */
import { idempotentRoute } from '#shared/platform/http/idempotency-key.ts';
import { created, etagOf } from '#shared/platform/http/responses.ts';
import { openTicket } from '#shared/tickets/operations.ts';
import { createTicketRoute } from '#shared/tickets/routes.ts';
import { ticketPeopleIds, ticketView } from '#shared/tickets/views.ts';
import { findUsers } from '#shared/users/profiles.ts';

export const handler = idempotentRoute(createTicketRoute, async ({ body, actor }) => {
  const ticket = await openTicket(actor, body);
  const people = await findUsers(ticketPeopleIds([ticket]));
  return created(ticketView(ticket, people), `/tickets/${ticket.ticketId}`, {
    etag: etagOf(ticket.ticketId, ticket.version),
  });
});
