/**
 * `GET /tickets?limit=&cursor=&status=&priority=&type=&requesterId=&assigneeId=&mine=&assigned=`: ticket
 * summaries the caller may see, newest first, with their people embedded: `canViewAll` every ticket, anyone else
 * their own. `{ items, nextCursor }`; pass `nextCursor` back as `cursor` for the next page. A combination of
 * filters no index serves is a 422 naming the supported ones (`shared/tickets/listing.ts`); another person's
 * tickets without `canViewAll`, a 403.
 */
import type * as z from 'zod/mini';
import { ok } from '#shared/platform/http/responses.ts';
import { route } from '#shared/platform/http/route.ts';
import { listTickets } from '#shared/tickets/listing.ts';
import type { TicketPageView } from '#shared/tickets/responses.ts';
import { listTicketsRoute } from '#shared/tickets/routes.ts';
import { ticketPeopleIds, ticketSummaryView } from '#shared/tickets/views.ts';
import { findUsers } from '#shared/users/profiles.ts';

export const handler = route(listTicketsRoute, async ({ query, actor }) => {
  const { limit, cursor, ...filters } = query;
  const page = await listTickets(actor, { limit, cursor }, filters);
  const people = await findUsers(ticketPeopleIds(page.items));
  const body: z.output<typeof TicketPageView> = {
    items: page.items.map((ticket) => ticketSummaryView(ticket, people)),
    nextCursor: page.nextCursor,
  };
  return ok(body);
});
