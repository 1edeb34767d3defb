/**
 * `GET /tickets/{ticketId}/events?limit=&cursor=`: the ticket's audit trail, oldest first: who (`actor`
 * embedded), when, which field, from → to, `{ items, nextCursor }`. Events about internal notes only for those
 * who see internal notes. 404 when the ticket does not exist or is not the caller's to see.
 */
import type * as z from 'zod/mini';
import { ok } from '#shared/platform/http/responses.ts';
import { route } from '#shared/platform/http/route.ts';
import { listTicketEvents } from '#shared/tickets/audit-trail.ts';
import type { TicketEventPageView } from '#shared/tickets/responses.ts';
import { listTicketEventsRoute } from '#shared/tickets/routes.ts';
import { ticketEventView } from '#shared/tickets/views.ts';
import { findUsers } from '#shared/users/profiles.ts';

export const handler = route(listTicketEventsRoute, async ({ actor, params, query }) => {
  const page = await listTicketEvents(actor, params.ticketId, query);
  const people = await findUsers(page.items.map((event) => event.actorId));
  const body: z.output<typeof TicketEventPageView> = {
    items: page.items.map((event) => ticketEventView(event, people)),
    nextCursor: page.nextCursor,
  };
  return ok(body);
});
