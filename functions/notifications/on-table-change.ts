/**
 * The notifier: consumes the table's stream (`NEW_AND_OLD_IMAGES`) and plans the emails and SMS the changes call
 * for (PRODUCT "Approvals and notifications"; the rules are the features' `stream-rules.ts`, listed in
 * `shared/stream-rules.ts`; the whole story in `docs/notifications.md`). It puts one message per intent on the
 * delivery queue; the sender (`on-delivery.ts`) sends them, retrying through provider outages.
 *
 * Records are processed in shard order, one at a time (Powertools `BatchProcessor` for DynamoDB streams). A record
 * the queue did not accept is reported in `batchItemFailures`, and the event source retries from it; a poison
 * record goes to the dead-letter queue at once and holds nothing back (`shared/notifications/planner.ts`).
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { createPlanner } from '#shared/notifications/planner.ts';
import { deadLetter, enqueueDeliveries } from '#shared/notifications/queue.ts';
import { logger } from '#shared/platform/logger.ts';

const processor = new BatchProcessor(EventType.DynamoDBStreams);
const plan = createPlanner({ enqueue: enqueueDeliveries, deadLetter });

const recordKeys = ['streamEventId', 'streamEventName', 'sequenceNumber'];

async function recordHandler(record: DynamoDBRecord): Promise<void> {
  logger.appendKeys({
    streamEventId: record.eventID,
    streamEventName: record.eventName,
    sequenceNumber: record.dynamodb?.SequenceNumber,
  });
  try {
    const outcome = await plan(record);
    if (outcome.status === 'planned' && outcome.messages > 0)
      logger.info('Notifications planned', { messages: outcome.messages });
  } catch (error) {
    logger.error('Stream record not planned; it will be retried', error as Error);
    throw error;
  } finally {
    logger.removeKeys(recordKeys);
  }
}

export async function handler(event: DynamoDBStreamEvent, context: Context): Promise<DynamoDBBatchResponse> {
  logger.addContext(context);
  return processPartialResponse(event, recordHandler, processor, { context, processInParallel: false });
}
