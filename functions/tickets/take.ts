/**
 * `POST /tickets/{ticketId}/take` (`canManageTickets`): assign the ticket to the caller. 200 with the ticket, its
 * people embedded, and `ETag` (unchanged when it was theirs already). 409 when someone else works it and the
 * caller may not reassign (`canAssignTickets`); `If-Match` optional (412 when stale); 404 as `GET`.
 */
import { etagOf, ok, versionFromIfMatch } from '#shared/platform/http/responses.ts';
import { route } from '#shared/platform/http/route.ts';
import { findVisibleTicket, takeTicket } from '#shared/tickets/operations.ts';
import { takeTicketRoute } from '#shared/tickets/routes.ts';
import { ticketPeopleIds, ticketView } from '#shared/tickets/views.ts';
import { findUsers } from '#shared/users/profiles.ts';

export const handler = route(takeTicketRoute, async (input) => {
  const { actor, params, headers } = input;
  const ticket = await findVisibleTicket(actor, params.ticketId);
  // A take carries no fields: an unknown one is a 400, checked once the ticket is known to be the caller's to see.
  const { body: _none } = input;
  const taken = await takeTicket(actor, ticket, versionFromIfMatch(headers['if-match'], ticket.ticketId));
  const people = await findUsers(ticketPeopleIds([taken]));
  return ok(ticketView(taken, people), { etag: etagOf(taken.ticketId, taken.version) });
});
