/**
 * A ticket's audit trail (`GET /tickets/{ticketId}/events`): its events, oldest first, one Query on the ticket's
 * partition per page. Events about internal notes (`internal: true`) reach only those who see internal notes.
 */
import { canSeeInternalNotes } from '#shared/comments/policy.ts';
import { decodeCursor, encodeCursor } from '#shared/platform/cursor.ts';
import { queryPage } from '#shared/platform/db.ts';
import type { Actor } from '#shared/roles/actor.ts';
import { TicketNotFound } from '#shared/tickets/errors.ts';
import type { Page } from '#shared/tickets/listing.ts';
import { findTicket } from '#shared/tickets/operations.ts';
import { canSeeTicket } from '#shared/tickets/policy.ts';
import { type TicketEventItem, ticketEventKey } from '#shared/tickets/ticket-event.entity.ts';

/** The sort key prefix of a ticket's audit events. */
export const ticketEventPrefix = 'EVENT#';

/** Whether the actor may see this event of a ticket they can see: internal ones only if they see internal notes. */
export const canSeeTicketEvent = (actor: Actor, event: Pick<TicketEventItem, 'internal'>) =>
  !event.internal || canSeeInternalNotes(actor);

/**
 * One page of a ticket's audit trail, oldest first: the ticket's GetItem (visibility) and one Query of at most
 * `limit` events, in parallel. Internal events are left out for actors who do not see internal notes, so such a
 * page may hold fewer than `limit` (the cursor scope differs, so a cursor does not cross between the two views).
 * @throws TicketNotFound (no such ticket, or not the actor's to see; checked before the cursor); InvalidInput
 *   (a cursor from another list, or altered)
 */
export async function listTicketEvents(
  actor: Actor,
  ticketId: string,
  page: { limit: number; cursor?: string | undefined },
): Promise<Page<TicketEventItem>> {
  const scope = `events:${ticketId}:${canSeeInternalNotes(actor) ? 'all' : 'public'}`;
  const [ticket, events] = await Promise.allSettled([
    findTicket(ticketId),
    (async () => {
      const after = await decodeCursor(page.cursor, scope);
      return queryPage<TicketEventItem>({
        partition: { pk: ticketEventKey(ticketId, '').pk },
        beginsWith: ['sk', ticketEventPrefix],
        limit: page.limit,
        startKey: after ? ticketEventKey(ticketId, after) : undefined,
      });
    })(),
  ]);
  if (ticket.status === 'rejected') throw ticket.reason;
  if (!ticket.value || !canSeeTicket(actor, ticket.value)) throw new TicketNotFound();
  if (events.status === 'rejected') throw events.reason;
  const { items, lastKey } = events.value;
  return {
    items: items.filter((event) => canSeeTicketEvent(actor, event)),
    nextCursor: lastKey
      ? await encodeCursor(String(lastKey.sk).slice(ticketEventPrefix.length), scope)
      : null,
  };
}
