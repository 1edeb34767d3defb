/**
 * `GET /tickets?limit=&cursor=`: ticket summaries the caller may see, newest first: requesters their own, agents and admins
 * all. `{ items, nextCursor }`; pass `nextCursor` back as `cursor` for the next page.
 */
import { ok } from '#shared/platform/http/responses.ts';
import { route } from '#shared/platform/http/route.ts';
import { listTickets } from '#shared/tickets/operations.ts';
import { listTicketsRoute } from '#shared/tickets/routes.ts';
import { ticketSummaryView } from '#shared/tickets/views.ts';

export const handler = route(listTicketsRoute, async ({ query, actor }) => {
  const page = await listTickets(actor, query);
  return ok({ items: page.items.map(ticketSummaryView), nextCursor: page.nextCursor });
});
