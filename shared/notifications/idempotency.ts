/**
 * "At most once per key" for deliveries, with Powertools idempotency (`makeIdempotent`) and its DynamoDB
 * persistence layer on the service's one table (PRODUCT: "a redelivered stream record never sends twice").
 *
 * Records are keyed by the delivery key (`pk = IDEMPOTENCY#notifier#<md5 of the key>`, `sk = IDEMPOTENCY`), with `status`,
 * `data` (the cached outcome), `in_progress_expiration` and `expiresAt` (the table's TTL attribute). They carry no
 * entity name, so entity queries and the notifier's own stream rules ignore them (`shared/platform/idempotency.ts`).
 *
 * Semantics (Powertools): the first call with a key writes an INPROGRESS record (conditional put), runs the
 * attempt and stores its result as COMPLETED; later calls with the key return the stored result without running
 * anything. If the attempt throws, the record is deleted and the error rethrown, so a later call tries again. A
 * call while another holds the key (or a crashed attempt's lock until the Lambda's remaining time runs out) throws
 * `IdempotencyAlreadyInProgressError`.
 */
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { Context } from 'aws-lambda';
import { deliveryQueueSettings } from '#shared/notifications/delivery-queue.ts';
import { idempotencyStore } from '#shared/platform/idempotency.ts';

/**
 * How long a delivery is remembered, seconds (18 days): as long as any copy of its message can still arrive. A
 * message stays on the delivery queue for at most its retention (4 days) and then in the dead-letter queue for at
 * most 14 days, from where a redrive brings it back; the stream's copies come within 24 hours. So no copy can
 * come after its key expired and send again.
 */
export const deliveryMemorySeconds =
  deliveryQueueSettings.retentionSeconds + deliveryQueueSettings.deadLetterRetentionSeconds;

/** JSON-serialisable results only (they are stored); no `undefined` properties (DynamoDB marshalling refuses them). */
export type StoredResult =
  | string
  | number
  | boolean
  | null
  | { [key: string]: StoredResult }
  | StoredResult[];

/**
 * Runs `attempt` unless a call with the same key already completed, in which case it returns that call's result.
 * @throws what `attempt` throws (and the key is released), or a Powertools idempotency error
 */
export type Once = <T extends StoredResult>(key: string, attempt: () => Promise<T>) => Promise<T>;

const idempotencyConfig = new IdempotencyConfig({
  expiresAfterSeconds: deliveryMemorySeconds,
  throwOnNoIdempotencyKey: true,
});

/**
 * Give the idempotency utility the invocation's context, once per invocation: an INPROGRESS lock then expires with
 * the invocation, so a crashed attempt does not hold its key for 24 hours.
 */
export function registerInvocation(context: Context): void {
  idempotencyConfig.registerLambdaContext(context);
}

/**
 * A {@link Once} over any Powertools persistence layer (the table in Lambda; an in-memory one in unit tests).
 * Keys are hashed (md5) under the prefix `notifier`; only the key is hashed, never the attempt.
 */
export function onceWith(persistenceStore: BasePersistenceLayer): Once {
  const runOnce = makeIdempotent(
    (_key: string, attempt: () => Promise<StoredResult>): Promise<StoredResult> => attempt(),
    { persistenceStore, config: idempotencyConfig, keyPrefix: 'notifier', dataIndexArgument: 0 },
  );
  return <T extends StoredResult>(key: string, attempt: () => Promise<T>) =>
    runOnce(key, attempt) as Promise<T>;
}

let once: Once | undefined;

/**
 * The {@link Once} backed by the table (created on first use, so importing this module needs no environment).
 * Needs `dynamodb:GetItem`, `PutItem`, `UpdateItem`, `DeleteItem` on the table.
 */
export function deliverOnce(): Once {
  once ??= onceWith(idempotencyStore('notifier'));
  return once;
}
