/**
 * A customer's tickets, newest first (`GET /tickets?customerId=`, and the tickets shown with
 * `GET /customers/{customerId}`): gsi12, partition `CUSTOMER#<customerId>` (`customerTicketsPartition`), keys only,
 * so a page is one Query for the keys, then one BatchGetItem of the tickets. Both routes share the cursor scope
 * `tickets:customer:<customerId>`, so a cursor of one continues in the other.
 */
import { linkableCustomer } from '#shared/customers/links.ts';
import { decodeCursor, encodeCursor } from '#shared/platform/cursor.ts';
import { getItems, type ItemKey, queryPage } from '#shared/platform/db.ts';
import { InvalidInput } from '#shared/platform/errors.ts';
import type { Actor } from '#shared/roles/actor.ts';
import type { Page } from '#shared/tickets/listing.ts';
import { canSeeTicket } from '#shared/tickets/policy.ts';
import { customerTicketsPartition, type TicketItem, ticketKey } from '#shared/tickets/ticket.entity.ts';

/**
 * One page of the customer's tickets, newest first, those the actor may see (a page may then hold fewer than
 * `limit`). The caller checked the actor may see the customer.
 * @throws InvalidInput for a cursor from another list, or altered
 */
export async function customerTicketsPage(
  actor: Actor,
  customerId: string,
  page: { limit: number; cursor?: string | undefined },
): Promise<Page<TicketItem>> {
  const scope = `tickets:customer:${customerId}`;
  // The position is the gsi12 sort key of the last ticket read: `<createdAt>#<ticketId>`.
  const after = await decodeCursor(page.cursor, scope);
  const partition = customerTicketsPartition(customerId);
  const { items: entries, lastKey } = await queryPage<ItemKey & { gsi12sk: string }>({
    index: 'gsi12',
    partition,
    descending: true,
    limit: page.limit,
    startKey: after
      ? { ...partition, gsi12sk: after, ...ticketKey(after.slice(after.lastIndexOf('#') + 1)) }
      : undefined,
  });
  const tickets = await getItems<TicketItem>(entries.map(({ pk, sk }) => ({ pk, sk })));
  const byId = new Map(tickets.map((ticket) => [ticket.ticketId, ticket]));
  const items = entries
    .map((entry) => byId.get(entry.gsi12sk.slice(entry.gsi12sk.lastIndexOf('#') + 1)))
    // The index lags the table a moment: a ticket unlinked (or deleted) meanwhile is left out.
    .filter((ticket): ticket is TicketItem => ticket?.customerId === customerId)
    .filter((ticket) => canSeeTicket(actor, ticket));
  const last = entries.at(-1);
  return { items, nextCursor: lastKey && last ? await encodeCursor(last.gsi12sk, scope) : null };
}

/**
 * `GET /tickets?customerId=`: the customer's tickets, newest first, those the actor may see. The customer must be
 * one the actor may see (`linkableCustomer`), and no other filter goes with it (one index partition serves it).
 * @throws InvalidInput (422): another filter with it; a customer the actor may not see; a cursor of another list
 */
export async function listCustomerTickets(
  actor: Actor,
  filters: { readonly customerId?: string | undefined },
  page: { limit: number; cursor?: string | undefined },
): Promise<Page<TicketItem>> {
  const others = Object.entries(filters as Record<string, unknown>)
    .filter(([name, value]) => name !== 'customerId' && value !== undefined)
    .map(([name]) => name);
  if (others.length > 0) {
    throw new InvalidInput(
      others.map((name) => ({
        in: 'query' as const,
        pointer: `/${name}`,
        detail: 'customerId lists a customer’s tickets alone: send no other filter with it.',
      })),
      'customerId lists a customer’s tickets alone: send no other filter with it.',
    );
  }
  const customer = await linkableCustomer(actor, filters.customerId as string, '/customerId', 'query');
  return customerTicketsPage(actor, customer.customerId, page);
}
