/**
 * `GET /tickets?limit=&cursor=`: tickets the caller may see, newest first (S0, S3): requesters their own, agents
 * and admins all. `{ items, nextCursor }`; pass `nextCursor` back as `cursor` for the next page.
 */
import { ListQuery } from '#shared/api/schemas.ts';
import { ticketView } from '#shared/api/views.ts';
import { listTickets } from '#shared/data/tickets.ts';
import { authenticatedRoute } from '#shared/http/handler.ts';
import { ok } from '#shared/http/responses.ts';

export const handler = authenticatedRoute({ query: ListQuery }, async ({ query, caller }) => {
  const page = await listTickets(caller, query);
  return ok({ items: page.items.map(ticketView), nextCursor: page.nextCursor });
});
