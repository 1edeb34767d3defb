/**
 * The operator side of the delivery dead-letter queue (`shared/notifications/delivery-queue.ts`): look at what
 * died, and move it back to the delivery queue once the cause is fixed. Plain values in, domain errors out; SQS
 * through `sqsRequest` (signed fetch, as the notification functions call it), the queue URLs from `config`
 * (`DELIVERY_QUEUE_URL`, `DELIVERY_DEAD_LETTER_QUEUE_URL`).
 * Used by the admin routes (`functions/notifications/*-dead-letters.ts`) and by `npm run notifications:redrive`.
 *
 * Rule: a dead letter is summarised, never returned whole. Approval tokens are never in a body, but ticket
 * descriptions and comment bodies are.
 */
import type {
  DeleteMessageBatchResult,
  GetQueueAttributesResult,
  Message,
  ReceiveMessageResult,
  SendMessageBatchResult,
} from '@aws-sdk/client-sqs';
import type * as z from 'zod/mini';
import { readDeliveryMessage } from '#shared/notifications/delivery-queue.ts';
import type {
  DeadLetterListView,
  DeadLetterView,
  RedriveResultView,
} from '#shared/notifications/responses.ts';
import { deadLetterListLimits, deadLetterTextLimits, redriveLimits } from '#shared/notifications/schemas.ts';
import { config } from '#shared/platform/config.ts';
import { sqsRequest } from '#shared/platform/sqs-requests.ts';

/** One dead letter, summarised (`DeadLetter` in the OpenAPI document): `intent`, `record` or `unreadable`. */
export type DeadLetter = z.output<typeof DeadLetterView>;
/** A look at the dead-letter queue: `{ approximateNumberOfMessages, items }`. */
export type DeadLetterList = z.output<typeof DeadLetterListView>;
/** What one redrive did: `{ moved, failed, remaining }`. */
export type RedriveResult = z.output<typeof RedriveResultView>;

/** Most ReceiveMessage calls one listing makes (each returns at most 10 messages, the SQS maximum). */
const maxPeekCalls = 10;
/**
 * How long a message received by a redrive stays hidden, seconds: long enough to send and delete a batch; a message
 * whose move failed shows up in the dead-letter queue again after it.
 */
export const redriveVisibilitySeconds = 60;
/**
 * Long-poll wait of a receive, seconds, when the queue holds messages. A short poll samples only some SQS servers
 * and, on a queue of a few messages, may answer empty while they wait; a long poll asks them all and returns as soon
 * as a message is there ("Amazon SQS short and long polling", SQS developer guide). So receives long-poll when
 * `ApproximateNumberOfMessages` says there is something (only the last, empty receive then waits) and short-poll
 * when it says the queue is empty (an empty queue answers at once).
 */
const receiveWaitSeconds = (approximateCount: number) => (approximateCount > 0 ? 1 : 0);
/** A text cut to at most `max` characters, ending in `…` when it was cut. */
const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
const clipReason = (text: string) => clip(text, deadLetterTextLimits.reason);
const clipId = (text: string) => clip(text, deadLetterTextLimits.id);

/** An SQS count attribute as a number: a safe integer, 0 when SQS gave none or no count. */
function countOf(value: string | undefined): number {
  const number = Number(value ?? 0);
  return Number.isSafeInteger(number) && number > 0 ? number : 0;
}

/**
 * The summary of one received message: SQS's attributes and what its body says, never the body itself. The body is
 * read with `readDeliveryMessage`, the sender's own reader, so `unreadable` is what the sender cannot read either;
 * its reason names fields, never their values.
 */
function summarise(message: Message, messageId: string): DeadLetter {
  const sent = new Date(Number(message.Attributes?.SentTimestamp));
  const envelope = {
    messageId,
    sentAt: Number.isNaN(sent.valueOf()) ? '' : sent.toISOString(),
    receiveCount: countOf(message.Attributes?.ApproximateReceiveCount),
  };
  const body = readDeliveryMessage(message.Body ?? '');
  if ('problem' in body) return { ...envelope, kind: 'unreadable', reason: clipReason(body.problem) };
  if (body.kind === 'intent') {
    const { recipient } = body.intent;
    return {
      ...envelope,
      kind: 'intent',
      type: body.intent.type,
      // The direct messages' digest and the operations messages belong to no ticket.
      ticketId: clipId(
        body.intent.ticketId ??
          ('about' in body.intent
            ? `none (${body.intent.about.kind} ${body.intent.about.id})`
            : 'none (direct messages)'),
      ),
      recipient: clipId(
        typeof recipient === 'string'
          ? recipient
          : 'userId' in recipient
            ? recipient.userId
            : 'address' in recipient
              ? recipient.address
              : `group ${recipient.group}`,
      ),
      eventId: clipId(body.eventId),
    };
  }
  // The reader checks a record's outer shape only: the stream fields are read as they come.
  const { eventID, eventName } = body.record as { eventID?: unknown; eventName?: unknown };
  const named = (value: unknown) => (typeof value === 'string' && value !== '' ? clipId(value) : null);
  return {
    ...envelope,
    kind: 'record',
    eventId: named(eventID),
    eventName: named(eventName),
    reason: clipReason(body.reason || '(no reason given)'),
  };
}

/** `ApproximateNumberOfMessages` of a queue (one GetQueueAttributes). */
async function approximateNumberOfMessages(queueUrl: string): Promise<number> {
  const { Attributes } = await sqsRequest<GetQueueAttributesResult>('GetQueueAttributes', {
    QueueUrl: queueUrl,
    AttributeNames: ['ApproximateNumberOfMessages'],
  });
  return countOf(Attributes?.ApproximateNumberOfMessages);
}

const inRange = (value: number, limits: { min: number; max: number }) =>
  Number.isInteger(value) && value >= limits.min && value <= limits.max;

/**
 * Peek at the dead-letter queue without consuming it: up to `limit` messages, oldest `sentAt` first, each
 * summarised ({@link DeadLetter}: `intent`, `record` or `unreadable`), and the queue's
 * `ApproximateNumberOfMessages`.
 *
 * One GetQueueAttributes, then ReceiveMessage calls (10 messages each, long or short poll: `receiveWaitSeconds`)
 * with `VisibilityTimeout: 0`, so each message stays visible to everyone else ("Amazon SQS visibility timeout", SQS
 * developer guide). A receive may answer messages already seen (deduplicated by message id); the listing stops at
 * `limit` messages, at a receive that brings nothing new, or after 10 receives. Each peek counts as a receive in `ApproximateReceiveCount`; the
 * dead-letter queue has no redrive policy, so that moves nothing.
 * @param page.limit 1-50 (the route's query schema and the script's options check it)
 * @throws RangeError for a limit outside 1-50: a caller's mistake, never a client's
 */
export async function listDeadLetters(page: { limit: number }): Promise<DeadLetterList> {
  if (!inRange(page.limit, deadLetterListLimits)) {
    throw new RangeError(`listDeadLetters: limit ${page.limit} is not an integer from 1 to 50.`);
  }
  const queueUrl = config.deliveryDeadLetterQueueUrl;
  const count = await approximateNumberOfMessages(queueUrl);
  const seen = new Map<string, DeadLetter>();
  for (let call = 0; call < maxPeekCalls && seen.size < page.limit; call++) {
    const { Messages = [] } = await sqsRequest<ReceiveMessageResult>('ReceiveMessage', {
      QueueUrl: queueUrl,
      MaxNumberOfMessages: 10,
      VisibilityTimeout: 0,
      WaitTimeSeconds: receiveWaitSeconds(count),
      MessageSystemAttributeNames: ['SentTimestamp', 'ApproximateReceiveCount'],
    });
    const before = seen.size;
    for (const message of Messages) {
      if (message.MessageId && !seen.has(message.MessageId))
        seen.set(message.MessageId, summarise(message, message.MessageId));
    }
    if (seen.size === before) break;
  }
  const items = [...seen.values()]
    .sort((a, b) => a.sentAt.localeCompare(b.sentAt) || a.messageId.localeCompare(b.messageId))
    .slice(0, page.limit);
  return { approximateNumberOfMessages: count, items };
}

/**
 * Move up to `max` messages from the dead-letter queue back to the delivery queue, where the sender takes them
 * again with a fresh receive count (a `record` is planned again; what the sender still cannot read or plan it puts
 * straight back in the dead-letter queue, as a new message). One GetQueueAttributes (long or short poll:
 * `receiveWaitSeconds`), then rounds of 10: ReceiveMessage from the dead-letter queue (hidden for
 * {@link redriveVisibilitySeconds} s, message attributes included), SendMessageBatch of the same bodies and message
 * attributes to the delivery queue, DeleteMessageBatch from the dead-letter queue of only the entries the send
 * accepted (a batch call can succeed with some entries failed: "SendMessageBatch", SQS API reference). Stops when a
 * receive answers nothing, at `max` messages, or when `stopAfterMs` has passed; then one GetQueueAttributes for
 * `remaining`.
 *
 * Safe to repeat and to run twice at once: concurrent runs receive different messages (each hides what it
 * received), a message whose send failed reappears in the dead-letter queue after the visibility timeout, and one
 * sent but not deleted reappears and may be sent again. That is harmless because deliveries are idempotent
 * downstream: the sender runs each delivery once per key (stream record, channel, recipient and type: `deliveryKey`
 * in plan.ts, `shared/notifications/idempotency.ts`), so a redriven delivery that was already sent sends nothing.
 * @param options.max 1-1000, default 100 (the route's body schema and the script's options check it)
 * @param options.stopAfterMs start no new round after this many milliseconds (the route keeps within its function
 *   timeout); no limit when left out
 * @returns `moved` (sent and deleted), `failed` (not sent, or not deleted: back in the dead-letter queue within
 *   60 s), `remaining` (the dead-letter queue's `ApproximateNumberOfMessages` afterwards)
 * @throws RangeError for a max outside 1-1000: a caller's mistake, never a client's
 */
export async function redriveDeadLetters(
  options: { max?: number | undefined; stopAfterMs?: number | undefined } = {},
): Promise<RedriveResult> {
  const max = options.max ?? redriveLimits.default;
  if (!inRange(max, redriveLimits)) {
    throw new RangeError(`redriveDeadLetters: max ${max} is not an integer from 1 to 1000.`);
  }
  const deadLetterQueueUrl = config.deliveryDeadLetterQueueUrl;
  const deliveryQueueUrl = config.deliveryQueueUrl;
  const deadline = options.stopAfterMs === undefined ? Infinity : Date.now() + options.stopAfterMs;
  const waitSeconds = receiveWaitSeconds(await approximateNumberOfMessages(deadLetterQueueUrl));
  let moved = 0;
  let failed = 0;
  while (moved + failed < max && Date.now() < deadline) {
    const { Messages = [] } = await sqsRequest<ReceiveMessageResult>('ReceiveMessage', {
      QueueUrl: deadLetterQueueUrl,
      MaxNumberOfMessages: Math.min(10, max - moved - failed),
      VisibilityTimeout: redriveVisibilitySeconds,
      WaitTimeSeconds: waitSeconds,
      MessageAttributeNames: ['All'],
    });
    const received = Messages.filter(
      (message): message is Message & { Body: string; ReceiptHandle: string } =>
        message.Body !== undefined && message.ReceiptHandle !== undefined,
    );
    if (received.length === 0) break;
    const sent = await sqsRequest<SendMessageBatchResult>('SendMessageBatch', {
      QueueUrl: deliveryQueueUrl,
      Entries: received.map((message, index) => ({
        Id: String(index),
        MessageBody: message.Body,
        ...(message.MessageAttributes ? { MessageAttributes: message.MessageAttributes } : {}),
      })),
    });
    // Only what the delivery queue accepted leaves the dead-letter queue.
    const accepted = (sent.Successful ?? []).flatMap((entry) => {
      const message = entry.Id === undefined ? undefined : received[Number(entry.Id)];
      return message ? [{ Id: entry.Id, ReceiptHandle: message.ReceiptHandle }] : [];
    });
    let deleted = 0;
    if (accepted.length > 0) {
      const removal = await sqsRequest<DeleteMessageBatchResult>('DeleteMessageBatch', {
        QueueUrl: deadLetterQueueUrl,
        Entries: accepted,
      });
      deleted = removal.Successful?.length ?? 0;
    }
    moved += deleted;
    failed += received.length - deleted;
  }
  return { moved, failed, remaining: await approximateNumberOfMessages(deadLetterQueueUrl) };
}
