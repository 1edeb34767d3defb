/**
 * The table-maintenance stream consumer's work (`functions/tickets/on-ticket-removed.ts`; one of the table stream's
 * two readers, the notifier being the other), per batch of records of tickets and optics requests:
 * - keep the dashboard counters exact (`counting.ts`), a batch at a time: one strongly consistent BatchGetItem of
 *   the counted states of the batch's items; each item's records folded in shard order into one plan (its next
 *   counted state and its net deltas); the plans written in as few transactions as fit 100 writes, each putting
 *   every plan's next counted state on the condition that it is still the one read, with the plans' deltas summed
 *   per counter item. A lost race (a condition failed, another transaction conflicted) is read and planned again
 *   for the items of that transaction only;
 * - after a ticket's REMOVE, delete what belonged to it (`shared/tickets/cleanup.ts`), record by record in order.
 * Both are idempotent, so a retried batch or a redelivered record does no harm. When counting fails, the whole batch
 * is reported in `batchItemFailures` (its first record); when a cleanup fails, that record and the rest of the
 * batch are: the event source retries from it (bisection, bounded retries, then its dead-letter queue:
 * `lib/stacks/notifications-stack.ts`).
 */
import type { DynamoDBBatchResponse, DynamoDBRecord } from 'aws-lambda';
import type { CountedKind, CountedState } from '#shared/dashboard/counters.entity.ts';
import {
  bucketDeltas,
  type CountedChange,
  type CounterDelta,
  countedChangeOf,
  planCount,
} from '#shared/dashboard/counting.ts';
import { removedTicketId } from '#shared/tickets/cleanup.ts';

/** A counted item: a ticket or an optics request. */
export interface CountedRef {
  readonly kind: CountedKind;
  readonly id: string;
}

/** The map key of a counted item in {@link CounterStore.readCounted}'s result. */
export const countedRefKey = (ref: CountedRef): string => `${ref.kind}#${ref.id}`;

/** What one item's records of a batch change, folded into one write. */
export interface ItemPlan extends CountedRef {
  /** The counted state after the last record that counts. */
  readonly next: CountedState;
  /** The counted state's version as read, or `null` when there was none (the put then needs it absent). */
  readonly expectedVersion: number | null;
  /** The net change of the item's counters from the state read to `next` (zeros left out). */
  readonly deltas: readonly CounterDelta[];
}

/** What counting needs of the table (`counters-aws.ts`). */
export interface CounterStore {
  /** The counted states of items, strongly consistent, by {@link countedRefKey}; items without one are absent. */
  readCounted(refs: readonly CountedRef[]): Promise<Map<string, CountedState>>;
  /**
   * Writes plans in one transaction (at most {@link maxTransactionWrites} writes, see {@link transactionWrites}):
   * each plan's next counted state on the condition that the state is still the one the plan was made from; the
   * plans' global deltas summed into shard `shard`; each person's summed deltas into their counters.
   * @returns false when a condition failed or another transaction conflicted (read again and retry)
   */
  writePlans(plans: readonly ItemPlan[], shard: number): Promise<boolean>;
}

/** How a batch's counting ended. */
export interface CountOutcome {
  /** Items whose counts moved (or whose counted state advanced). */
  readonly counted: number;
  /** Items none of whose records were newer than what was counted (redelivered, late). */
  readonly unchanged: number;
  /** Transactions written. */
  readonly transactions: number;
}

/** Attempts at one item's plan before the batch is failed (and retried by the event source). */
export const maxCountAttempts = 8;

/** The most writes of one TransactWriteItems ("Amazon DynamoDB service quotas", transactions). */
export const maxTransactionWrites = 100;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One item's records folded over its counted state: each record planned (`planCount`) on the state the previous
 * one left; the net deltas from the state read to the last. `undefined` when no record counts.
 * @param nowSeconds epoch seconds
 */
export function planItem(
  ref: CountedRef,
  counted: CountedState | undefined,
  changes: readonly CountedChange['change'][],
  nowSeconds: number,
): ItemPlan | undefined {
  let state = counted;
  let moved = false;
  for (const change of changes) {
    const plan = planCount(state, change, nowSeconds);
    if (!plan) continue;
    state = plan.next;
    moved = true;
  }
  if (!moved || !state) return undefined;
  return {
    ...ref,
    next: state,
    expectedVersion: counted ? counted.version : null,
    deltas: bucketDeltas(counted?.buckets ?? [], state.buckets),
  };
}

/**
 * The writes a transaction of these plans makes: one counted-state put per plan, one global shard update when the
 * summed global deltas are not all zero, one update per person whose summed deltas are not all zero.
 */
export function transactionWrites(plans: readonly ItemPlan[]): {
  readonly global: Readonly<Record<string, number>> | undefined;
  readonly people: ReadonlyMap<string, Readonly<Record<string, number>>>;
  readonly count: number;
} {
  const sums = new Map<string, Record<string, number>>();
  for (const plan of plans) {
    for (const delta of plan.deltas) {
      const key = delta.owner ?? '';
      const sum = sums.get(key) ?? {};
      for (const [name, n] of Object.entries(delta.add)) sum[name] = (sum[name] ?? 0) + n;
      sums.set(key, sum);
    }
  }
  const nonZero = (sum: Record<string, number>) => {
    const kept = Object.fromEntries(Object.entries(sum).filter(([, n]) => n !== 0));
    return Object.keys(kept).length > 0 ? kept : undefined;
  };
  const global = nonZero(sums.get('') ?? {});
  const people = new Map<string, Record<string, number>>();
  for (const [owner, sum] of [...sums.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const kept = owner === '' ? undefined : nonZero(sum);
    if (kept) people.set(owner, kept);
  }
  return { global, people, count: plans.length + (global ? 1 : 0) + people.size };
}

/** The plans split, in order, into groups whose transactions stay within {@link maxTransactionWrites} writes. */
export function transactionGroups(plans: readonly ItemPlan[]): ItemPlan[][] {
  const groups: ItemPlan[][] = [];
  let group: ItemPlan[] = [];
  let owners = new Set<string>();
  for (const plan of plans) {
    const planOwners = plan.deltas.map((delta) => delta.owner ?? '');
    const union = new Set([...owners, ...planOwners]);
    // Upper bound: a counted-state put per plan and one update per counter item any of them moves.
    if (group.length > 0 && group.length + 1 + union.size > maxTransactionWrites) {
      groups.push(group);
      group = [];
      owners = new Set(planOwners);
    } else {
      owners = union;
    }
    group.push(plan);
  }
  if (group.length > 0) groups.push(group);
  return groups;
}

/**
 * Counts a batch's changes exactly once (see the module comment).
 * @param shard picks the global shard of a transaction (random in the consumer: `0 .. statsShards − 1`)
 * @param nowSeconds epoch seconds
 * @throws Error when the plans of some item lost {@link maxCountAttempts} races in a row
 */
export async function countChanges(
  changes: readonly CountedChange[],
  store: CounterStore,
  options: { shard: () => number; nowSeconds: () => number; backoffMs?: (attempt: number) => number },
): Promise<CountOutcome> {
  const backoff = options.backoffMs ?? ((attempt) => Math.random() * Math.min(20 * 2 ** attempt, 1000));
  const byItem = new Map<string, { ref: CountedRef; changes: CountedChange['change'][] }>();
  for (const change of changes) {
    const key = countedRefKey(change);
    const item = byItem.get(key) ?? { ref: { kind: change.kind, id: change.id }, changes: [] };
    item.changes.push(change.change);
    byItem.set(key, item);
  }
  let pending = [...byItem.values()];
  let counted = 0;
  let unchanged = 0;
  let transactions = 0;
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt >= maxCountAttempts) {
      const names = pending.slice(0, 5).map(({ ref }) => countedRefKey(ref));
      throw new Error(`The counts of ${names.join(', ')} lost ${maxCountAttempts} races in a row`);
    }
    if (attempt > 0) await sleep(backoff(attempt));
    const states = await store.readCounted(pending.map(({ ref }) => ref));
    const plans: ItemPlan[] = [];
    for (const item of pending) {
      const plan = planItem(
        item.ref,
        states.get(countedRefKey(item.ref)),
        item.changes,
        options.nowSeconds(),
      );
      if (plan) plans.push(plan);
      else unchanged += 1;
    }
    const lost = new Set<string>();
    for (const group of transactionGroups(plans)) {
      transactions += 1;
      if (await store.writePlans(group, options.shard())) counted += group.length;
      else for (const plan of group) lost.add(countedRefKey(plan));
    }
    pending = pending.filter(({ ref }) => lost.has(countedRefKey(ref)));
  }
  return { counted, unchanged, transactions };
}

/** What the consumer does per record besides counting: the cleanup after a removed ticket. */
export interface MaintenancePorts {
  readonly counters: CounterStore;
  cleanUpTicket(ticketId: string): Promise<Record<string, unknown>>;
  readonly shard: () => number;
  readonly nowSeconds: () => number;
  readonly backoffMs?: (attempt: number) => number;
}

type Log = {
  info(message: string, facts: Record<string, unknown>): void;
  error(message: string, facts: Record<string, unknown>): void;
};

const failure = (record: DynamoDBRecord | undefined): DynamoDBBatchResponse => ({
  batchItemFailures: [{ itemIdentifier: record?.dynamodb?.SequenceNumber ?? '' }],
});

const reason = (error: unknown) =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

/**
 * The consumer: counts the batch, then cleans up after each removed ticket in order; reports the first record
 * to retry from (see the module comment).
 * @param log where each cleanup and failure is reported
 */
export async function maintainTable(
  records: readonly DynamoDBRecord[],
  ports: MaintenancePorts,
  log: Log,
): Promise<DynamoDBBatchResponse> {
  const changes = records.flatMap((record) => countedChangeOf(record) ?? []);
  if (changes.length > 0) {
    try {
      await countChanges(changes, ports.counters, ports);
    } catch (error) {
      log.error('Counting a batch of stream records failed; the batch will be retried', {
        records: records.length,
        firstSequenceNumber: records[0]?.dynamodb?.SequenceNumber,
        error: reason(error),
      });
      return failure(records[0]);
    }
  }
  for (const record of records) {
    const ticketId = removedTicketId(record);
    if (!ticketId) continue;
    try {
      const result = await ports.cleanUpTicket(ticketId);
      log.info('Deleted ticket cleaned up', { ticketId, ...result });
    } catch (error) {
      log.error('Cleaning up after a deleted ticket failed; it will be retried', {
        ticketId,
        sequenceNumber: record.dynamodb?.SequenceNumber,
        error: reason(error),
      });
      return failure(record);
    }
  }
  return { batchItemFailures: [] };
}
