/**
 * The delivery queue from the functions' side (SQS through `sqsRequest`, signed fetch): the notifier enqueues
 * planned messages, the sender postpones a message it must retry and dead-letters what it can never read.
 * IAM: `sqs:SendMessage` on the delivery queue (notifier) and on its dead-letter queue (notifier, sender);
 * `sqs:ChangeMessageVisibility` on the delivery queue (sender; part of consuming it).
 */
import { type DeliveryMessage, deliveryDelaySeconds } from '#shared/notifications/delivery-queue.ts';
import { config } from '#shared/platform/config.ts';
import { sqsRequest } from '#shared/platform/sqs-requests.ts';

/** SendMessageBatch takes at most 10 entries and 256 KiB in all ("Amazon SQS message quotas"). */
const maxEntries = 10;
const maxBatchBytes = 250_000;

/**
 * A message as JSON that SQS accepts: a message body may hold only #x9, #xA, #xD, #x20–#xD7FF, #xE000–#xFFFD and
 * #x10000–#x10FFFF ("SendMessage", Amazon SQS API reference); anything else is `InvalidMessageContents`, which
 * would lose the notification. `JSON.stringify` already escapes the control characters and lone surrogates; the
 * noncharacters U+FFFE and U+FFFF (which a ticket's text may hold) are escaped as `\uFFFE`/`\uFFFF`, and so are the
 * characters beyond the BMP (emoji) as their surrogate pairs: SQS takes them, but emulators that check UTF-16 code
 * units (fauxqs) do not, and the escaped form is plain ASCII everywhere. They can only occur inside JSON strings,
 * so the body parses back to the same value.
 */
export const sqsJson = (message: unknown): string =>
  JSON.stringify(message).replace(
    /[\uD800-\uDFFF\uFFFE\uFFFF]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );

/** The bodies in batches that respect both SendMessageBatch limits, in order. */
export function batchesOf(bodies: readonly string[]): string[][] {
  const batches: string[][] = [];
  let current: string[] = [];
  let bytes = 0;
  for (const body of bodies) {
    const size = Buffer.byteLength(body);
    if (current.length > 0 && (current.length === maxEntries || bytes + size > maxBatchBytes)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(body);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/**
 * Put messages on the delivery queue (SendMessageBatch). At least once: when some entries fail the call throws and
 * the caller sends everything again; the sender's idempotency makes the copies harmless.
 * @throws Error naming the failed entries; SQS client errors
 */
export async function enqueueDeliveries(messages: readonly DeliveryMessage[]): Promise<void> {
  // Messages that wait on the queue (the direct messages' unread digest) go in batches of their own.
  const delays = new Set(messages.map((message) => deliveryDelaySeconds(message)));
  for (const delay of delays) {
    const bodies = messages.filter((message) => deliveryDelaySeconds(message) === delay).map(sqsJson);
    for (const batch of batchesOf(bodies)) {
      const result = await sqsRequest<{ Failed?: Array<{ Code?: string; Message?: string }> }>(
        'SendMessageBatch',
        {
          QueueUrl: config.deliveryQueueUrl,
          Entries: batch.map((body, index) => ({
            Id: String(index),
            MessageBody: body,
            ...(delay > 0 ? { DelaySeconds: delay } : {}),
          })),
        },
      );
      const failed = result.Failed ?? [];
      if (failed.length > 0)
        throw new Error(
          `SendMessageBatch failed for ${failed.length} of ${batch.length}: ${failed
            .map((entry) => `${entry.Code}: ${entry.Message}`)
            .join('; ')}`,
        );
    }
  }
}

/**
 * Put a message straight on the dead-letter queue, with why (message attribute `reason`, at most 1,000
 * characters): for what no retry can help (a stream record that cannot be planned, a body that is not a delivery
 * message). `npm run notifications:redrive` and `POST /notifications/dead-letters/redrive` bring it back.
 * @param body the delivery message, or the raw body when it is not one
 */
export async function deadLetter(body: DeliveryMessage | string, reason: string): Promise<void> {
  await sqsRequest('SendMessage', {
    QueueUrl: config.deliveryDeadLetterQueueUrl,
    MessageBody: typeof body === 'string' ? body : sqsJson(body),
    MessageAttributes: { reason: { DataType: 'String', StringValue: reason.slice(0, 1000) || 'unknown' } },
  });
}

/**
 * Hide a received message for `seconds` (ChangeMessageVisibility), so that it comes back only then; the sender's
 * retry delay ("Amazon SQS visibility timeout", SQS developer guide). At most 12 hours from the receive.
 */
export async function postponeDelivery(receiptHandle: string, seconds: number): Promise<void> {
  await sqsRequest('ChangeMessageVisibility', {
    QueueUrl: config.deliveryQueueUrl,
    ReceiptHandle: receiptHandle,
    VisibilityTimeout: Math.min(Math.max(0, Math.round(seconds)), 43_200),
  });
}
