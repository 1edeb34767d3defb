/**
 * The notifier: consumes the table's stream (`NEW_AND_OLD_IMAGES`) and sends the emails (SES) and SMS (SNS) the
 * changes call for (PRODUCT "Approvals and notifications"; the rules are the features' `stream-rules.ts`, listed in `shared/stream-rules.ts`, the whole
 * story in `docs/notifications.md`).
 *
 * Records are processed in shard order, one at a time (Powertools `BatchProcessor` for DynamoDB streams). A record
 * whose deliveries must be retried is reported in `batchItemFailures`; the event source then retries from it
 * (bisect-on-error, retry limits and the on-failure queue are set in CDK). Each delivery is idempotent, so records
 * delivered again never send twice.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { awsNotifierDependencies } from '#shared/notifications/aws-dependencies.ts';
import { registerInvocation } from '#shared/notifications/idempotency.ts';
import { createNotifier, type Notify } from '#shared/notifications/notifier.ts';
import { logger } from '#shared/platform/logger.ts';

const processor = new BatchProcessor(EventType.DynamoDBStreams);
let notify: Notify | undefined;

const recordKeys = ['streamEventId', 'streamEventName', 'sequenceNumber'];

async function recordHandler(record: DynamoDBRecord): Promise<void> {
  logger.appendKeys({
    streamEventId: record.eventID,
    streamEventName: record.eventName,
    sequenceNumber: record.dynamodb?.SequenceNumber,
  });
  try {
    notify ??= createNotifier(awsNotifierDependencies());
    await notify(record);
  } catch (error) {
    logger.error('Stream record failed; it will be retried', error as Error);
    throw error;
  } finally {
    logger.removeKeys(recordKeys);
  }
}

export async function handler(event: DynamoDBStreamEvent, context: Context): Promise<DynamoDBBatchResponse> {
  logger.addContext(context);
  registerInvocation(context);
  return processPartialResponse(event, recordHandler, processor, { context, processInParallel: false });
}
