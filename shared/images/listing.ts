/**
 * A ticket's images, a page at a time (`GET /tickets/{ticketId}/images`). Apart from the other operations so that
 * only the listing function carries the cursor code (and the cursor key's grant).
 */
import { type ImageItem, imageKey, imagePrefix } from '#shared/images/image.entity.ts';
import { decodeCursor, encodeCursor } from '#shared/platform/cursor.ts';
import { queryPage } from '#shared/platform/db.ts';
import { type TicketItem, ticketKey } from '#shared/tickets/ticket.entity.ts';

/**
 * A page of a ticket's images that passed the check, oldest first: a Query of the ticket's partition
 * (`begins_with(sk, 'IMAGE#')`, `Limit` = `limit`) after the cursor, the `ready` items kept, so a page may hold
 * fewer than `limit` (pending, rejected and deleting images share the key range). The cursor is the last image id
 * read, sealed for this ticket (`images:<ticketId>`).
 * @throws InvalidInput (a cursor of another list)
 */
export async function listImages(
  ticket: TicketItem,
  page: { readonly limit: number; readonly cursor?: string | undefined },
): Promise<{ items: ImageItem[]; nextCursor: string | null }> {
  const scope = `images:${ticket.ticketId}`;
  const after = await decodeCursor(page.cursor, scope);
  const { items, lastKey } = await queryPage<ImageItem>({
    partition: { pk: ticketKey(ticket.ticketId).pk },
    beginsWith: ['sk', imagePrefix],
    limit: page.limit,
    startKey: after ? imageKey(ticket.ticketId, after) : undefined,
  });
  const last = typeof lastKey?.sk === 'string' ? lastKey.sk.slice(imagePrefix.length) : null;
  return {
    items: items.filter((image) => image.status === 'ready'),
    nextCursor: await encodeCursor(last, scope),
  };
}
