/**
 * The ticket-removed consumer: the table stream's `REMOVE` records of tickets (the event source filters them) →
 * delete each deleted ticket's comments, images, audit trail, notification log, approval links and stored objects
 * (`shared/tickets/cleanup.ts`). A record that fails is reported in `batchItemFailures` and retried by the event
 * source (bisect on error, bounded retries, then the dead-letter queue: `lib/stacks/notifications-stack.ts`).
 */
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { logger } from '#shared/platform/logger.ts';
import { cleanUpRemovedTickets } from '#shared/tickets/cleanup.ts';
import { awsCleanupPorts } from '#shared/tickets/cleanup-aws.ts';

export async function handler(event: DynamoDBStreamEvent, context: Context): Promise<DynamoDBBatchResponse> {
  logger.addContext(context);
  return cleanUpRemovedTickets(event.Records, awsCleanupPorts(), logger);
}
