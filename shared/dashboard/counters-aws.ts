/**
 * The counters' store on the table (`maintenance.ts`, {@link CounterStore}): a strongly consistent GetItem of the
 * counted state, and one TransactWriteItems per counted change (IAM: `dynamodb:GetItem`, `PutItem`, `UpdateItem` on
 * the `COUNTED#` and `STATS#` items, `lib/stacks/notifications-stack.ts`).
 */
import {
  type CountedKind,
  type CountedState,
  countedStateEntity,
  countedStateKey,
  globalStatsKey,
  statsShardEntity,
  userStatsEntity,
  userStatsKey,
} from '#shared/dashboard/counters.entity.ts';
import type { CounterStore } from '#shared/dashboard/maintenance.ts';
import {
  attributesEqual,
  both,
  type Condition,
  getItem,
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
    async readCounted(kind, id) {
      const item = await getItem<CountedState>(countedStateKey(kind, id), { consistent: true });
      return item ? { ...item, buckets: item.buckets ?? [] } : undefined;
    },
    async writePlan(kind: CountedKind, id, plan, shard) {
      const writes: TransactionWrite[] = [
        {
          put: {
            ...countedStateKey(kind, id),
            entityType: countedStateEntity,
            version: plan.next.version,
            buckets: [...plan.next.buckets],
            ...(plan.next.deleted ? { deleted: true, expiresAt: plan.next.expiresAt } : {}),
          },
          condition: stillAsRead(plan.expectedVersion),
        },
      ];
      for (const delta of plan.deltas) {
        writes.push(
          delta.owner === undefined
            ? {
                update: globalStatsKey(shard),
                changes: { add: delta.add, setIfMissing: { entityType: statsShardEntity, shard } },
              }
            : {
                update: userStatsKey(delta.owner),
                changes: {
                  add: delta.add,
                  setIfMissing: { entityType: userStatsEntity, userId: delta.owner },
                },
              },
        );
      }
      const result = await transactWrite(writes);
      if (result.ok) return true;
      if (result.reasons.every((reason) => retriable.has(reason))) return false;
      throw new Error(`Counting ${kind} ${id} was refused: ${result.reasons.join(', ')}`);
    },
  };
}
