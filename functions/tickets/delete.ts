/**
 * `DELETE /tickets/{ticketId}`: delete a ticket (`canDeleteAll`, or its requester while nothing has happened to
 * it: `deleteRefusal` in `shared/tickets/policy.ts`). 204 at once; its comments, images, audit trail,
 * notification log, approval links and stored objects are removed by the table-maintenance stream consumer. 404 as
 * `GET`; 403 for anyone else who sees it; 409 for its requester once something happened; `If-Match` optional
 * (412 when stale).
 */
import { versionFromIfMatch } from '#shared/platform/http/responses.ts';
import { route } from '#shared/platform/http/route.ts';
import { deleteTicket, findVisibleTicket } from '#shared/tickets/operations.ts';
import { deleteTicketRoute } from '#shared/tickets/routes.ts';

export const handler = route(deleteTicketRoute, async ({ actor, params, headers }) => {
  const ticket = await findVisibleTicket(actor, params.ticketId);
  await deleteTicket(actor, ticket, versionFromIfMatch(headers['if-match'], ticket.ticketId));
  return { statusCode: 204, headers: { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' } };
});
