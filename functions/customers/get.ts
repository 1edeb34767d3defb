/**
 * `GET /customers/{customerId}?limit=&cursor=`: the customer (its owner, or `canViewAll`; 404 otherwise) with a
 * page of its tickets, newest first, their people embedded, and `ticketsNextCursor`. `ETag`.
 */
import type * as z from 'zod/mini';
import { findVisibleCustomer } from '#shared/customers/operations.ts';
import type { CustomerWithTicketsView } from '#shared/customers/responses.ts';
import { getCustomerRoute } from '#shared/customers/routes.ts';
import { customerView } from '#shared/customers/views.ts';
import { etagOf, ok } from '#shared/platform/http/responses.ts';
import { route } from '#shared/platform/http/route.ts';
import { customerTicketsPage } from '#shared/tickets/customer-tickets.ts';
import { ticketPeopleIds, ticketSummaryView } from '#shared/tickets/views.ts';
import { findUsers } from '#shared/users/profiles.ts';

export const handler = route(getCustomerRoute, async ({ actor, params, query }) => {
  const customer = await findVisibleCustomer(actor, params.customerId);
  const tickets = await customerTicketsPage(actor, customer.customerId, query);
  const people = await findUsers(ticketPeopleIds(tickets.items));
  const body: z.output<typeof CustomerWithTicketsView> = {
    ...customerView(customer),
    tickets: tickets.items.map((ticket) => ticketSummaryView(ticket, people)),
    ticketsNextCursor: tickets.nextCursor,
  };
  return ok(body, { etag: etagOf(customer.customerId, customer.version) });
});
