/**
 * `PATCH /tickets/{ticketId}`: change status along the lifecycle (409 with the allowed targets otherwise), fields,
 * and the assignee (`canAssignTickets`; `null` unassigns). Honours `If-Match` (412 when stale). Approvers may
 * decide `approved`/`rejected` here too. 200 with the ticket, its people embedded, and its new `ETag`.
 */
import { etagOf, ok, versionFromIfMatch } from '#shared/platform/http/responses.ts';
import { route } from '#shared/platform/http/route.ts';
import { changeTicket, findVisibleTicket } from '#shared/tickets/operations.ts';
import { updateTicketRoute } from '#shared/tickets/routes.ts';
import { ticketPeopleIds, ticketView } from '#shared/tickets/views.ts';
import { findUsers } from '#shared/users/profiles.ts';

export const handler = route(updateTicketRoute, async (input) => {
  const ticket = await findVisibleTicket(input.actor, input.params.ticketId);
  const expectedVersion = versionFromIfMatch(input.headers['if-match'], ticket.ticketId);
  const changed = await changeTicket(input.actor, ticket, input.body, expectedVersion);
  const people = await findUsers(ticketPeopleIds([changed]));
  return ok(ticketView(changed, people), { etag: etagOf(changed.ticketId, changed.version) });
});
