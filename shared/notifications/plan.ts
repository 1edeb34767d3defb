/**
 * What the notifier sends for one DynamoDB stream record (PRODUCT "Approvals and notifications"): the features'
 * stream rules (`shared/stream-rules.ts`) decide the messages; this module picks the rules for a record, the
 * recipients and the channels. Pure: no AWS, no clock; unit-tested in `test/unit/notify-plan.test.ts`.
 * `docs/notifications.md` has the same rules as a table.
 *
 * Items are told apart by their `entityType` attribute; items without one (the idempotency records that share
 * the table) and entities no rule reads (users, approvals, the notification log itself, counters, images) plan
 * nothing, so the notifier never reacts to its own writes.
 */
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import type {
  ChannelName,
  NotificationIntent,
  NotificationType,
  StreamRule,
  TicketSummary,
} from '#shared/notifications/intents.ts';
import { entityNameAttribute } from '#shared/platform/entity.ts';
import { streamRules } from '#shared/stream-rules.ts';

type Image = Record<string, unknown>;

function imageOf(raw: unknown): Image | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  // aws-lambda's AttributeValue and the SDK's describe the same JSON shape.
  return unmarshall(raw as Parameters<typeof unmarshall>[0]);
}

/**
 * Lambda event filter patterns for the stream ("Lambda event filtering", AWS Lambda docs), generated from the
 * rules: one pattern per set of events, naming the entities whose rules read those events. Records no rule reads
 * (the notifier's own log and idempotency writes, approvals, counters) are dropped by the event source mapping, so
 * they cost no invocation. Patterns are ORed.
 */
export function filterPatternsFor(rules: readonly StreamRule[]) {
  const entitiesByEvents = new Map<string, Set<string>>();
  for (const rule of rules) {
    const events = [...rule.events].sort().join(',');
    entitiesByEvents.set(events, (entitiesByEvents.get(events) ?? new Set()).add(rule.entity));
  }
  return [...entitiesByEvents].map(([events, entities]) => ({
    eventName: events.split(','),
    dynamodb: { NewImage: { [entityNameAttribute]: { S: [...entities].sort() } } },
  }));
}

/** The event source's filter patterns for the service's rules. */
export const streamFilterPatterns = /* @__PURE__ */ filterPatternsFor(streamRules);

/**
 * The notifications one stream record calls for: every rule registered for the item's entity and the record's
 * event runs, in the order of `shared/stream-rules.ts`. REMOVE records (deletes, TTL expiry) and items no rule
 * reads plan nothing.
 * @param record a DynamoDB stream record with `NEW_AND_OLD_IMAGES`
 * @returns the intents, possibly none
 * @throws UnreadableRecordError when an item of a known entity lacks the fields a rule needs
 */
export function notificationsFor(
  record: DynamoDBRecord,
  rules: readonly StreamRule[] = streamRules,
): NotificationIntent[] {
  const { eventName } = record;
  if (eventName !== 'INSERT' && eventName !== 'MODIFY') return [];
  const newImage = imageOf(record.dynamodb?.NewImage);
  if (!newImage) return [];
  const entity = newImage[entityNameAttribute];
  const change = {
    eventName,
    eventId: record.eventID,
    newImage,
    oldImage: imageOf(record.dynamodb?.OldImage),
  };
  return rules
    .filter((rule) => rule.entity === entity && rule.events.includes(eventName))
    .flatMap((rule) => rule.plan(change));
}

/**
 * The user id an intent goes to, given its ticket, or `undefined` when nobody should get it: the recipient is
 * the person who acted, or the intent is for the assignee of a ticket nobody is assigned to.
 */
export function recipientIdFor(intent: NotificationIntent, ticket: TicketSummary): string | undefined {
  const { recipient } = intent;
  const userId =
    recipient === 'requester'
      ? ticket.requesterId
      : recipient === 'assignee'
        ? ticket.assigneeId || undefined
        : 'userId' in recipient
          ? recipient.userId
          : undefined;
  return userId === intent.actorId ? undefined : userId;
}

/** What the channel rules read of a recipient's profile. */
export interface RecipientContact {
  readonly email?: string | undefined;
  /** E.164 phone number. */
  readonly phone?: string | undefined;
  readonly smsOptIn?: boolean | undefined;
  /**
   * `false` until the number was verified with an SMS code: no SMS before (the sender skips, with the reason).
   * Absent on profiles written before phone verification (counted as verified).
   */
  readonly phoneVerified?: boolean | undefined;
  /** `false` until a self sign-up confirmed its email: nothing is sent to such an account (skipped). */
  readonly emailVerified?: boolean | undefined;
}

/**
 * The channels of an intent for this recipient: email always (a missing or invalid address is logged as
 * `skipped` by the sender), SMS too when the intent allows it and the recipient has a phone number AND opted in.
 * @param contact the recipient's profile, `undefined` when they have none (then only the email, to be skipped)
 */
export function channelsFor(
  intent: NotificationIntent,
  contact: RecipientContact | undefined,
): ChannelName[] {
  return intent.sms && contact?.phone && contact.smsOptIn === true ? ['email', 'sms'] : ['email'];
}

/**
 * The idempotency key of one delivery: stream record × channel × recipient (× type, so two messages of different
 * types to one person from one record could never collide). A redelivered record yields the same keys.
 * @param eventId the stream record's `eventID`
 */
export const deliveryKey = (
  eventId: string,
  channel: ChannelName,
  recipientId: string,
  type: NotificationType,
): string => `${eventId}#${channel}#${recipientId}#${type}`;
