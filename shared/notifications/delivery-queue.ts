/**
 * The delivery queue between the notifier (which plans) and the sender (which sends): its settings, its message
 * shape and the retry schedule. Pure: no SDK, read by the functions, the CDK stack and the local stack alike.
 *
 * Why a queue (docs/notifications.md): a stream record can be retried only a few times before the shard must move
 * on, so a provider outage longer than seconds lost approvals. A queue message waits out an outage of hours: the
 * sender hides a message it could not deliver for a growing delay (`ChangeMessageVisibility`, "Amazon SQS
 * visibility timeout", SQS developer guide) and SQS moves it to the dead-letter queue after
 * {@link deliveryQueueSettings.maxReceiveCount} receives ("Using dead-letter queues in Amazon SQS").
 */
import type { DynamoDBRecord } from 'aws-lambda';
import {
  type ChannelName,
  type NotificationIntent,
  notificationTypes,
} from '#shared/notifications/intents.ts';

/** The deployed settings (CDK reads them; the functions read the same values from their environment). */
export const deliveryQueueSettings = {
  /** Messages per sender invocation. */
  batchSize: 10,
  /** Sender timeout: the idempotency lock of a crashed send lasts at most this long. */
  senderTimeoutSeconds: 30,
  /**
   * Visibility timeout of the queue: how long a received message stays hidden if the sender dies with it. Six times
   * the sender timeout, as Lambda recommends for SQS event sources; longer than the idempotency lock, so a
   * redelivered message never finds its delivery still locked by the crashed attempt.
   */
  visibilityTimeoutSeconds: 180,
  /** Receives before SQS moves a message to the dead-letter queue. */
  maxReceiveCount: 40,
  /** First retry delay, seconds; doubles per receive up to {@link retryCapSeconds}. */
  retryBaseSeconds: 30,
  /** Longest retry delay, seconds (SQS allows up to 12 hours). */
  retryCapSeconds: 3600,
  /** How long the queue keeps a message: longer than the whole retry schedule (about 27 to 34 hours). */
  retentionSeconds: 4 * 24 * 3600,
  /** How long the dead-letter queue keeps a message (the SQS maximum). */
  deadLetterRetentionSeconds: 14 * 24 * 3600,
  /**
   * How long a direct messages' unread digest waits on the queue before the sender sees it (SQS `DelaySeconds`, at
   * most 900): the "few minutes" a message must wait unread before its recipient is mailed.
   */
  messageDigestDelaySeconds: 300,
} as const;

/**
 * The `DelaySeconds` of a message on the delivery queue: the unread digest's delay for a direct messages' digest
 * (`MESSAGE_DIGEST_DELAY_SECONDS`, the local stack shortens it for tests; else
 * {@link deliveryQueueSettings.messageDigestDelaySeconds}, at most SQS's 900), 0 for every other message.
 */
export function deliveryDelaySeconds(message: DeliveryMessage, env: NodeJS.ProcessEnv = process.env): number {
  if (message.kind !== 'intent' || message.intent.type !== 'message_digest') return 0;
  return Math.min(
    900,
    positive(env.MESSAGE_DIGEST_DELAY_SECONDS, deliveryQueueSettings.messageDigestDelaySeconds),
  );
}

/** The retry schedule as the sender reads it: from its environment, else the deployed defaults. */
export interface RetrySchedule {
  readonly baseSeconds: number;
  readonly capSeconds: number;
  /** The queue's `maxReceiveCount`: the receive at which a still-failing delivery is final. */
  readonly maxReceiveCount: number;
}

const positive = (value: string | undefined, fallback: number) => {
  const number = Number(value);
  return Number.isFinite(number) && number > 0 ? number : fallback;
};

/**
 * The schedule from `DELIVERY_RETRY_BASE_SECONDS`, `DELIVERY_RETRY_CAP_SECONDS` and `DELIVERY_MAX_RECEIVE_COUNT`
 * (the local stack shortens it for tests), else {@link deliveryQueueSettings}.
 */
export function retrySchedule(env: NodeJS.ProcessEnv = process.env): RetrySchedule {
  return {
    baseSeconds: positive(env.DELIVERY_RETRY_BASE_SECONDS, deliveryQueueSettings.retryBaseSeconds),
    capSeconds: positive(env.DELIVERY_RETRY_CAP_SECONDS, deliveryQueueSettings.retryCapSeconds),
    maxReceiveCount: positive(env.DELIVERY_MAX_RECEIVE_COUNT, deliveryQueueSettings.maxReceiveCount),
  };
}

/**
 * Seconds to hide a message after its `receiveCount`-th receive failed: `base × 2^(receiveCount-1)`, at most
 * `cap` and 12 hours (the SQS maximum), times a jitter factor in [0.8, 1] so that messages failed together by one
 * outage do not all come back in the same second.
 * @param random a number in [0, 1)
 */
export function retryDelaySeconds(
  receiveCount: number,
  schedule: RetrySchedule,
  random = Math.random(),
): number {
  const exponent = Math.min(Math.max(receiveCount, 1) - 1, 30);
  const delay = Math.min(schedule.baseSeconds * 2 ** exponent, schedule.capSeconds, 43_200);
  return Math.max(1, Math.round(delay * (0.8 + 0.2 * random)));
}

/**
 * A message on the delivery queue (JSON body).
 * - `intent`: one planned message to one person, from stream record `eventId`; the sender finds the recipient and
 *   delivers it on each of their channels.
 * - `record`: a stream record the notifier could not plan (a poison record), kept whole in the dead-letter queue;
 *   redriven to the delivery queue, the sender plans it again.
 */
export type DeliveryMessage =
  | {
      readonly kind: 'intent';
      readonly eventId: string;
      /** ISO 8601: when the notifier planned it (the stream record's time when known). */
      readonly plannedAt: string;
      readonly intent: NotificationIntent;
      /** A retry of a failed delivery (`shared/notifications/log.ts`): the first attempt's log row. */
      readonly retryOf?: string | undefined;
      /** A retry: the one channel to send again. */
      readonly channel?: ChannelName | undefined;
    }
  | {
      readonly kind: 'record';
      readonly record: DynamoDBRecord;
      /** Why planning failed (the last error). */
      readonly reason: string;
    };

/** The operations messages' types: about no ticket, with their email rendered by the notifier. */
const operationsTypes: readonly unknown[] = ['optics_requested', 'optics_decided', 'low_stock'];

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isText = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

/**
 * The fields of a body that keep it from being a {@link DeliveryMessage}: the outer shape and the fields every
 * intent has (the rest of an intent is the planner's own output and is not re-checked).
 */
function deliveryMessageProblems(json: unknown): string[] {
  if (!isObject(json)) return ['(body)'];
  if (json.kind === 'record') {
    return [
      ...(isObject(json.record) ? [] : ['record']),
      ...(typeof json.reason === 'string' ? [] : ['reason']),
    ];
  }
  if (json.kind !== 'intent') return ['kind'];
  const problems = ['eventId', 'plannedAt'].filter((field) => !isText(json[field]));
  const intent = json.intent;
  if (!isObject(intent)) return [...problems, 'intent'];
  if (!(notificationTypes as readonly unknown[]).includes(intent.type)) problems.push('intent.type');
  // Every intent but the direct messages' digest and the operations messages (which say what they are `about`) is
  // about a ticket.
  if (intent.type === 'message_digest') {
    // about its recipient
  } else if (operationsTypes.includes(intent.type)) {
    const about = intent.about;
    if (!isObject(about) || !isText(about.kind) || !isText(about.id)) problems.push('intent.about');
    if (!isObject(intent.email)) problems.push('intent.email');
  } else if (!isText(intent.ticketId)) problems.push('intent.ticketId');
  const recipient = intent.recipient;
  if (
    !(
      recipient === 'requester' ||
      recipient === 'assignee' ||
      (isObject(recipient) &&
        (isText(recipient.userId) || isText(recipient.address) || isText(recipient.group)))
    )
  )
    problems.push('intent.recipient');
  return problems;
}

/**
 * A queue body read as a {@link DeliveryMessage}.
 * @returns the message, or `{ problem }` saying why the body is not one (not JSON, or which fields are wrong)
 */
export function readDeliveryMessage(body: string): DeliveryMessage | { readonly problem: string } {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { problem: 'The body is not JSON.' };
  }
  const fields = deliveryMessageProblems(json);
  if (fields.length === 0) return json as DeliveryMessage;
  return { problem: `The body is not a delivery message: ${fields.join(', ')}` };
}
