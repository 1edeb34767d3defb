/**
 * Human ticket numbers (#1, #2, ...) without one hot item: a function reserves a block of
 * {@link ticketNumberBlock} numbers with one atomic ADD on the counter item and hands them out one by one. The
 * counter item is written once per block, so it sustains about 1,000 blocks per second (one partition's write
 * limit), i.e. about 1,000 × {@link ticketNumberBlock} new tickets per second.
 *
 * Numbers are unique and increase within a function instance; across instances they interleave, and the rest of a
 * block is skipped when an instance is recycled, so numbers can have gaps. `pk = COUNTER#ticketNumber`,
 * `sk = COUNTER`.
 */
import { updateItem } from '#shared/platform/db.ts';

/** Numbers reserved per ADD. */
export const ticketNumberBlock = 10;

const counterKey = { pk: 'COUNTER#ticketNumber', sk: 'COUNTER' };

let block: { next: number; last: number } | undefined;

/** The next ticket number: from the instance's block, or a new block (one UpdateItem ADD). */
export async function nextTicketNumber(): Promise<number> {
  if (block && block.next <= block.last) return block.next++;
  const counter = await updateItem<{ value: number }>(
    counterKey,
    { set: { entityType: 'counter' }, add: { value: ticketNumberBlock } },
    { returnNew: true },
  );
  if (!counter) throw new Error('The ticket number counter did not answer its new value.');
  const fresh = { next: counter.value - ticketNumberBlock + 1, last: counter.value };
  const number = fresh.next++;
  block = fresh;
  return number;
}
