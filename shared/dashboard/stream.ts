/**
 * The table-maintenance consumer as an event source (read by CDK, `lib/stacks/notifications-stack.ts`, and by the
 * local stack, `scripts/local/event-sources.ts`): the function that was the ticket-removed consumer, now also
 * keeping the dashboard counters. Its id and entry stay those of {@link ticketRemovedSource} (the deployed function
 * and its stream position are kept); its filter widens from a ticket's REMOVE to every INSERT, MODIFY and REMOVE
 * of a ticket or an optics request. A third reader of the stream is not added: DynamoDB Streams advises at most two
 * per shard ("DynamoDB Streams and AWS Lambda triggers", DynamoDB developer guide).
 */
import { countedEntityTypes } from '#shared/dashboard/counting.ts';
import type { EventSource } from '#shared/platform/route-table.ts';
import { ticketRemovedSource } from '#shared/tickets/routes.ts';

export const tableMaintenanceSource = {
  id: ticketRemovedSource.id,
  entry: ticketRemovedSource.entry,
  summary:
    'Keeps the dashboard counters from ticket and optics request changes; deletes what belonged to a deleted ticket',
} as const satisfies EventSource;

/** The Lambda event filter patterns (any one passes): a ticket's or optics request's change or removal. */
export const tableMaintenanceFilters = [
  { eventName: ['INSERT', 'MODIFY'], dynamodb: { NewImage: { entityType: { S: [...countedEntityTypes] } } } },
  { eventName: ['REMOVE'], dynamodb: { OldImage: { entityType: { S: [...countedEntityTypes] } } } },
] as const;

/**
 * Batches of up to 100 records in shard order (the event source mapping's default for streams; a batch is counted
 * with one BatchGetItem and a transaction per 100 writes, so a larger batch costs fewer calls per record), a
 * failing batch halved and retried up to 10 times, then the dead-letter queue.
 */
export const tableMaintenanceDelivery = {
  batchSize: 100,
  retryAttempts: 10,
  bisectBatchOnError: true,
} as const;
