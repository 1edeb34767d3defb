/**
 * `PATCH /tickets/{ticketId}`: change status along the lifecycle (409 with the allowed targets otherwise) and
 * fields. Honours `If-Match` (412 when stale). Approvers may decide `approved`/`rejected` here too.
 */
import { etagOf, ok, versionFromIfMatch } from '#shared/platform/http/responses.ts';
import { route } from '#shared/platform/http/route.ts';
import { changeTicket, findVisibleTicket } from '#shared/tickets/operations.ts';
import { updateTicketRoute } from '#shared/tickets/routes.ts';
import { ticketView } from '#shared/tickets/views.ts';

export const handler = route(updateTicketRoute, async (input) => {
  const ticket = await findVisibleTicket(input.actor, input.params.ticketId);
  const expectedVersion = versionFromIfMatch(input.headers['if-match'], ticket.ticketId);
  const changed = await changeTicket(input.actor, ticket, input.body, expectedVersion);
  return ok(ticketView(changed), { etag: etagOf(changed.ticketId, changed.version) });
});
