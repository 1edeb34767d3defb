/**
 * The counters' store on the table (`maintenance.ts`, {@link CounterStore}): a strongly consistent BatchGetItem of
 * the counted states of a batch's items, and one TransactWriteItems per group of plans (IAM: `dynamodb:BatchGetItem`,
 * `PutItem`, `UpdateItem` on the `COUNTED#` and `STATS#` items, `lib/stacks/notifications-stack.ts`).
 */
import {
  type CountedState,
  countedStateEntity,
  countedStateKey,
  globalStatsKey,
  statsShardEntity,
  userStatsEntity,
  userStatsKey,
} from '#shared/dashboard/counters.entity.ts';
import { type CounterStore, countedRefKey, transactionWrites } from '#shared/dashboard/maintenance.ts';
import {
  attributesEqual,
  both,
  type Condition,
  getItems,
  itemIsNew,
  type TransactionWrite,
  transactWrite,
} from '#shared/platform/db.ts';

/** Cancellation codes after which reading again and retrying can succeed. */
const retriable = new Set(['ConditionalCheckFailed', 'TransactionConflict', 'None']);

/** The counted state still as read: absent, or this version and not deleted. */
const stillAsRead = (expectedVersion: number | null): Condition =>
  expectedVersion === null
    ? itemIsNew
    : both(attributesEqual({ version: expectedVersion }), {
        expression: 'attribute_not_exists(#deleted)',
        names: { '#deleted': 'deleted' },
      });

/** The counters on the table (`TABLE_NAME`). */
export function awsCounterStore(): CounterStore {
  return {
    async readCounted(refs) {
      const items = await getItems<CountedState & { pk: string }>(
        refs.map((ref) => countedStateKey(ref.kind, ref.id)),
        { consistent: true },
      );
      const byPartition = new Map(items.map((item) => [item.pk, item]));
      const states = new Map<string, CountedState>();
      for (const ref of refs) {
        const item = byPartition.get(countedStateKey(ref.kind, ref.id).pk);
        if (item) states.set(countedRefKey(ref), { ...item, buckets: item.buckets ?? [] });
      }
      return states;
    },
    async writePlans(plans, shard) {
      const writes: TransactionWrite[] = plans.map((plan) => ({
        put: {
          ...countedStateKey(plan.kind, plan.id),
          entityType: countedStateEntity,
          version: plan.next.version,
          buckets: [...plan.next.buckets],
          ...(plan.next.deleted ? { deleted: true, expiresAt: plan.next.expiresAt } : {}),
        },
        condition: stillAsRead(plan.expectedVersion),
      }));
      const { global, people } = transactionWrites(plans);
      if (global) {
        writes.push({
          update: globalStatsKey(shard),
          changes: { add: global, setIfMissing: { entityType: statsShardEntity, shard } },
        });
      }
      for (const [owner, add] of people) {
        writes.push({
          update: userStatsKey(owner),
          changes: { add, setIfMissing: { entityType: userStatsEntity, userId: owner } },
        });
      }
      const result = await transactWrite(writes);
      if (result.ok) return true;
      if (result.reasons.every((reason) => retriable.has(reason))) return false;
      const first = plans[0];
      throw new Error(
        `Counting ${plans.length} items (${first ? countedRefKey(first) : ''}, ...) was refused: ${result.reasons.join(', ')}`,
      );
    },
  };
}
