/**
 * The planner: turns one table stream record into the messages it calls for (the features' stream rules, through
 * `notificationsFor` in `plan.ts`) and puts them on the delivery queue, one message per intent. It sends nothing
 * itself and reads nothing but the record, so a provider outage never holds the stream back; the sender
 * (`sender.ts`) consumes the queue and waits the outage out.
 *
 * A record whose rules throw (a poison record: an item of a known entity without the fields its rules need, or a
 * bug in a rule) is dead-lettered at once, whole, with the error as its reason, and logged as such: planning is
 * a pure function of the record, so a retry would fail the same way and only hold back the records behind it.
 * Redriven after a fix, the sender plans it again.
 */
import type { DynamoDBRecord } from 'aws-lambda';
import type { DeliveryMessage } from '#shared/notifications/delivery-queue.ts';
import { notificationsFor } from '#shared/notifications/plan.ts';
import type { PlannedIntent } from '#shared/notifications/sender.ts';
import { errorText } from '#shared/platform/errors.ts';
import { logger } from '#shared/platform/logger.ts';

/** Where planned messages go. */
export interface PlannerDependencies {
  /** Put messages on the delivery queue; throws when any was not accepted (the record is then retried). */
  enqueue(messages: readonly DeliveryMessage[]): Promise<void>;
  /** Put a message on the dead-letter queue with the reason. */
  deadLetter(message: DeliveryMessage, reason: string): Promise<void>;
  now?: () => Date;
}

/** What planning one record came to. */
export type PlanOutcome =
  | { readonly status: 'planned'; readonly messages: number }
  | { readonly status: 'poison'; readonly reason: string };

/**
 * The intents of a record, each with the record's `eventID` and time (the stream's `ApproximateCreationDateTime`,
 * the same on every redelivery of the record, so its deliveries keep their ids).
 * @throws what the stream rules throw (`UnreadableRecordError`, or a bug)
 */
export function plannedIntentsOf(
  record: DynamoDBRecord,
  now: () => Date = () => new Date(),
): PlannedIntent[] {
  const eventId = record.eventID ?? record.dynamodb?.SequenceNumber ?? 'unknown';
  const created = record.dynamodb?.ApproximateCreationDateTime;
  const plannedAt = (created ? new Date(created * 1000) : now()).toISOString();
  return notificationsFor(record).map((intent) => ({ eventId, plannedAt, intent }));
}

/**
 * A planner over the given queue.
 * @returns `plan(record)`: resolves with what it did; rejects only when the queue refused a message (SQS error),
 *   so the stream retries the record (copies already enqueued are harmless: each delivery sends at most once)
 */
export function createPlanner(deps: PlannerDependencies) {
  return async function plan(record: DynamoDBRecord): Promise<PlanOutcome> {
    let planned: PlannedIntent[];
    try {
      planned = plannedIntentsOf(record, deps.now);
    } catch (error) {
      const reason = errorText(error);
      logger.error(
        'Poison stream record: its notifications cannot be planned; sent to the dead-letter queue',
        {
          eventId: record.eventID,
          eventName: record.eventName,
          keys: record.dynamodb?.Keys,
          reason,
        },
      );
      await deps.deadLetter({ kind: 'record', record, reason }, reason);
      return { status: 'poison', reason };
    }
    if (planned.length > 0)
      await deps.enqueue(planned.map((intent) => ({ kind: 'intent', ...intent }) satisfies DeliveryMessage));
    return { status: 'planned', messages: planned.length };
  };
}

export type Plan = ReturnType<typeof createPlanner>;
