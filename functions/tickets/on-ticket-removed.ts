/**
 * The table-maintenance consumer (one of the table stream's two readers; the notifier is the other). Its event
 * source takes the INSERT, MODIFY and REMOVE records of tickets and optics requests
 * (`tableMaintenanceFilters`, shared/dashboard/stream.ts) and, record by record (`shared/dashboard/maintenance.ts`):
 * - keeps the dashboard counters exact, once per item version whatever the redeliveries (`shared/dashboard/counting.ts`);
 * - after a ticket's REMOVE, deletes its comments, images, audit trail, notification log, approval links and stored
 *   objects (`shared/tickets/cleanup.ts`).
 * A record that fails is reported in `batchItemFailures` and retried by the event source (bisect on error, bounded
 * retries, then the dead-letter queue: `lib/stacks/notifications-stack.ts`).
 */
import { randomInt } from 'node:crypto';
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { statsShards } from '#shared/dashboard/counters.entity.ts';
import { awsCounterStore } from '#shared/dashboard/counters-aws.ts';
import { maintainTable } from '#shared/dashboard/maintenance.ts';
import { logger } from '#shared/platform/logger.ts';
import { cleanUpTicket } from '#shared/tickets/cleanup.ts';
import { awsCleanupPorts } from '#shared/tickets/cleanup-aws.ts';

export async function handler(event: DynamoDBStreamEvent, context: Context): Promise<DynamoDBBatchResponse> {
  logger.addContext(context);
  const cleanup = awsCleanupPorts();
  return maintainTable(
    event.Records,
    {
      counters: awsCounterStore(),
      cleanUpTicket: async (ticketId) => ({ ...(await cleanUpTicket(ticketId, cleanup)) }),
      shard: () => randomInt(statsShards),
      nowSeconds: () => Math.floor(Date.now() / 1000),
    },
    logger,
  );
}
