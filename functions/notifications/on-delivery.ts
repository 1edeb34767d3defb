/**
 * The sender: consumes the delivery queue (SQS event source, `ReportBatchItemFailures`) and sends each planned
 * message by email (SES) and SMS (SNS), once per delivery (`shared/notifications/sender.ts`; the whole story in
 * `docs/notifications.md`).
 *
 * A message whose deliveries must be retried is hidden for the next delay of the schedule
 * (`retryDelaySeconds`: doubling from `DELIVERY_RETRY_BASE_SECONDS` up to `DELIVERY_RETRY_CAP_SECONDS`) with
 * `ChangeMessageVisibility` and reported in `batchItemFailures`, so Lambda leaves it on the queue ("Handling errors
 * for an SQS event source in Lambda", Lambda developer guide). On its `DELIVERY_MAX_RECEIVE_COUNT`-th receive a
 * failure is final: the log rows say `failed`, the message is made visible at once and SQS moves it to the
 * dead-letter queue at the next receive. A body that is not a delivery message, or a redriven stream record that
 * still cannot be planned, goes straight to the dead-letter queue.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { awsSenderDependencies } from '#shared/notifications/aws-dependencies.ts';
import {
  readDeliveryMessage,
  retryDelaySeconds,
  retrySchedule,
} from '#shared/notifications/delivery-queue.ts';
import { registerInvocation } from '#shared/notifications/idempotency.ts';
import { plannedIntentsOf } from '#shared/notifications/planner.ts';
import { deadLetter, postponeDelivery } from '#shared/notifications/queue.ts';
import { createSender, type PlannedIntent, type Send } from '#shared/notifications/sender.ts';
import { errorText } from '#shared/platform/errors.ts';
import { logger } from '#shared/platform/logger.ts';

const processor = new BatchProcessor(EventType.SQS);
let send: Send | undefined;

/** A delivery of the message must be tried again later; the processor reports the message as failed. */
class DeliveryPostponedError extends Error {
  override readonly name = 'DeliveryPostponedError';
}

async function recordHandler(record: SQSRecord): Promise<void> {
  const receiveCount = Number(record.attributes.ApproximateReceiveCount) || 1;
  logger.appendKeys({ messageId: record.messageId, receiveCount });
  try {
    const message = readDeliveryMessage(record.body);
    if ('problem' in message) {
      logger.error('Not a delivery message; sent to the dead-letter queue', { reason: message.problem });
      await deadLetter(record.body, message.problem);
      return;
    }
    let planned: PlannedIntent[];
    if (message.kind === 'intent') {
      planned = [message];
    } else {
      try {
        planned = plannedIntentsOf(message.record);
      } catch (error) {
        logger.error('A redriven stream record still cannot be planned; back to the dead-letter queue', {
          reason: errorText(error),
        });
        await deadLetter({ ...message, reason: errorText(error) }, errorText(error));
        return;
      }
    }

    const schedule = retrySchedule();
    const finalAttempt = receiveCount >= schedule.maxReceiveCount;
    const delay = finalAttempt ? 0 : retryDelaySeconds(receiveCount, schedule);
    const attempt = {
      receiveCount,
      finalAttempt,
      nextAttemptAt: new Date(Date.now() + delay * 1000).toISOString(),
    };
    send ??= createSender(awsSenderDependencies());
    const retry: string[] = [];
    for (const intent of planned) {
      try {
        const report = await send(intent, attempt);
        retry.push(...report.retry.map((failure) => failure.error));
      } catch (error) {
        // A read or a log write failed: the whole intent is tried again (its done deliveries are stored).
        retry.push(errorText(error));
      }
    }
    if (retry.length === 0) return;
    await postponeDelivery(record.receiptHandle, delay).catch((error) => {
      // The message then comes back after the queue's visibility timeout instead: later, never lost.
      logger.warn('Could not postpone the message', { error: errorText(error) });
    });
    throw new DeliveryPostponedError(
      finalAttempt
        ? `Failed on the last receive (${receiveCount}); to the dead-letter queue: ${retry.join('; ')}`
        : `Retry in ${delay} s (receive ${receiveCount}): ${retry.join('; ')}`,
    );
  } finally {
    logger.removeKeys(['messageId', 'receiveCount']);
  }
}

export async function handler(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
  logger.addContext(context);
  registerInvocation(context);
  // Every message of a batch failing is an answer too (all of them postponed), not an invocation error.
  return processPartialResponse(event, recordHandler, processor, { context, throwOnFullBatchFailure: false });
}
