/**
 * What happens after a ticket is deleted: the API deletes the ticket item at once (`deleteTicket`), and the table
 * stream's `REMOVE` record of that item starts the table-maintenance consumer (`functions/tickets/on-ticket-removed.ts`),
 * which deletes everything else that belonged to the ticket:
 * - every item of the ticket's partition `TICKET#<ticketId>`: comments, images, audit events, the notification
 *   log, approval link pointers (paged Queries, BatchWriteItem deletes);
 * - the approval links the pointers name (`APPROVAL#<tokenHash>`, `approval-links.ts`);
 * - the stored objects under `tickets/<ticketId>/` (listed and deleted).
 * Every step deletes what is there, so running it again (a retry, a redelivered record) finishes the job and does
 * no harm. After the objects, the partition is read once more, for items written while the cleanup ran (a
 * notification logged for an event of the ticket just before it was deleted).
 *
 * A failure is thrown; the consumer reports the record in `batchItemFailures`, so the event source retries it
 * (with bisection, bounded retries and a dead-letter queue: `lib/stacks/notifications-stack.ts`).
 */
import type { DynamoDBRecord } from 'aws-lambda';
import { approvalKey } from '#shared/approvals/approval.entity.ts';
import type { ItemKey } from '#shared/platform/db.ts';
import { approvalLinkRefPrefix } from '#shared/tickets/approval-links.ts';

/** What the cleanup needs of the table and the bucket (`cleanup-aws.ts`; in-memory in the unit tests). */
export interface CleanupPorts {
  /** One page of the keys of a partition's items, after `startKey`; `lastKey` when more may follow. */
  partitionPage(
    pk: string,
    startKey: Record<string, unknown> | undefined,
  ): Promise<{ keys: ItemKey[]; lastKey: Record<string, unknown> | undefined }>;
  /** Delete these items (at most {@link deleteBatchSize}); deleting a missing item succeeds. */
  deleteItems(keys: readonly ItemKey[]): Promise<void>;
  /** One page of the object keys under a prefix, after `token`; `nextToken` when more follow. */
  objectPage(
    prefix: string,
    token: string | undefined,
  ): Promise<{ keys: string[]; nextToken?: string | undefined }>;
  /** Delete one object; deleting a missing object succeeds. */
  deleteObject(key: string): Promise<void>;
}

/** Items per BatchWriteItem. */
export const deleteBatchSize = 25;

/** Objects deleted at the same time. */
const objectDeletesInFlight = 8;

/** What one cleanup deleted. */
export interface CleanupResult {
  readonly items: number;
  readonly approvalLinks: number;
  readonly objects: number;
}

/** The key prefix of a ticket's stored objects. */
export const ticketObjectPrefix = (ticketId: string) => `tickets/${ticketId}/`;

/** Deletes every item of the partition, and the approval links its pointers name. */
async function deletePartition(
  ticketId: string,
  ports: CleanupPorts,
): Promise<{ items: number; links: number }> {
  let items = 0;
  let links = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await ports.partitionPage(`TICKET#${ticketId}`, startKey);
    const linked = page.keys
      .filter((key) => key.sk.startsWith(approvalLinkRefPrefix))
      .map((key) => approvalKey(key.sk.slice(approvalLinkRefPrefix.length)));
    // The links before their pointers: a retry after a failure in between still finds the pointers.
    const keys = [...linked, ...page.keys];
    for (let start = 0; start < keys.length; start += deleteBatchSize) {
      await ports.deleteItems(keys.slice(start, start + deleteBatchSize));
    }
    items += page.keys.length;
    links += linked.length;
    startKey = page.lastKey;
  } while (startKey);
  return { items, links };
}

/** Deletes every object under the ticket's prefix. */
async function deleteObjects(ticketId: string, ports: CleanupPorts): Promise<number> {
  let deleted = 0;
  let token: string | undefined;
  do {
    const page = await ports.objectPage(ticketObjectPrefix(ticketId), token);
    for (let start = 0; start < page.keys.length; start += objectDeletesInFlight) {
      await Promise.all(page.keys.slice(start, start + objectDeletesInFlight).map(ports.deleteObject));
    }
    deleted += page.keys.length;
    token = page.nextToken;
  } while (token);
  return deleted;
}

/**
 * Delete everything that belonged to a deleted ticket (see the module comment). Idempotent.
 * @throws whatever a port throws (the caller reports the record for a retry)
 */
export async function cleanUpTicket(ticketId: string, ports: CleanupPorts): Promise<CleanupResult> {
  const first = await deletePartition(ticketId, ports);
  const objects = await deleteObjects(ticketId, ports);
  const late = await deletePartition(ticketId, ports);
  return { items: first.items + late.items, approvalLinks: first.links + late.links, objects };
}

/** The id of the ticket a stream record removed, or `undefined` for any other record. */
export function removedTicketId(record: DynamoDBRecord): string | undefined {
  const old = record.dynamodb?.OldImage;
  if (record.eventName !== 'REMOVE' || old?.entityType?.S !== 'ticket') return undefined;
  return old.ticketId?.S;
}
