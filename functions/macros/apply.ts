/**
 * `POST /tickets/{ticketId}/macros/{macroId}/apply` (`canManageTickets`): everything the macro does to the ticket,
 * in one transaction or not at all. 200 with the ticket (people embedded) and its new `ETag`. `If-Match` of the
 * ticket optional (412 when stale); 404 for a ticket or macro the caller may not see; 409 for a status the
 * lifecycle forbids (nothing changes); 422 for an assignee who may not be assigned.
 */
import { applyMacro, findVisibleMacro } from '#shared/macros/operations.ts';
import { applyMacroRoute } from '#shared/macros/routes.ts';
import { etagOf, ok, versionFromIfMatch } from '#shared/platform/http/responses.ts';
import { route } from '#shared/platform/http/route.ts';
import { findVisibleTicket } from '#shared/tickets/operations.ts';
import { ticketPeopleIds, ticketView } from '#shared/tickets/views.ts';
import { findUsers } from '#shared/users/profiles.ts';

export const handler = route(applyMacroRoute, async (input) => {
  const { actor, params, headers } = input;
  const [ticket, macro] = await Promise.all([
    findVisibleTicket(actor, params.ticketId),
    findVisibleMacro(actor, params.macroId),
  ]);
  // An apply carries no fields: an unknown one is a 400, checked once both are known to be the caller's to see.
  const { body: _none } = input;
  const applied = await applyMacro(
    actor,
    ticket,
    macro,
    versionFromIfMatch(headers['if-match'], ticket.ticketId),
  );
  const people = await findUsers(ticketPeopleIds([applied]));
  return ok(ticketView(applied, people), { etag: etagOf(applied.ticketId, applied.version) });
});
