/**
 * `PUT /tickets/{ticketId}`: replace the ticket's editable fields and its assignee; those left out go back to
 * their defaults or to empty, `status` moves only when sent. The same rules as `PATCH` (a field sent as it is
 * needs no permission). Honours `If-Match` (412 when stale). 200 with the ticket, its people embedded, and `ETag`.
 */
import { etagOf, ok, versionFromIfMatch } from '#shared/platform/http/responses.ts';
import { route } from '#shared/platform/http/route.ts';
import { findVisibleTicket, replaceTicket } from '#shared/tickets/operations.ts';
import { replaceTicketRoute } from '#shared/tickets/routes.ts';
import { ticketPeopleIds, ticketView } from '#shared/tickets/views.ts';
import { findUsers } from '#shared/users/profiles.ts';

export const handler = route(replaceTicketRoute, async (input) => {
  const ticket = await findVisibleTicket(input.actor, input.params.ticketId);
  const expectedVersion = versionFromIfMatch(input.headers['if-match'], ticket.ticketId);
  const replaced = await replaceTicket(input.actor, ticket, input.body, expectedVersion);
  const people = await findUsers(ticketPeopleIds([replaced]));
  return ok(ticketView(replaced, people), { etag: etagOf(replaced.ticketId, replaced.version) });
});
