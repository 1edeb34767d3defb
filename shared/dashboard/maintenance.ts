/**
 * The table-maintenance stream consumer's work (`functions/tickets/on-ticket-removed.ts`; one of the table stream's
 * two readers, the notifier being the other): for each record of a ticket or an optics request, in shard order,
 * - keep the dashboard counters exact (`counting.ts`: read the counted state, then one transaction that puts the
 *   next counted state on the condition that it is still the one read and adds the deltas; a lost race is read and
 *   planned again);
 * - after a ticket's REMOVE, delete what belonged to it (`shared/tickets/cleanup.ts`).
 * Both are idempotent, so a retried batch or a redelivered record does no harm. At the first failure the consumer
 * stops and reports that record (and so the rest of the batch) in `batchItemFailures`: the event source retries
 * from it (bisection, bounded retries, then its dead-letter queue: `lib/stacks/notifications-stack.ts`).
 */
import type { DynamoDBBatchResponse, DynamoDBRecord } from 'aws-lambda';
import type { CountedKind, CountedState } from '#shared/dashboard/counters.entity.ts';
import {
  type CountedChange,
  type CountPlan,
  countedChangeOf,
  planCount,
} from '#shared/dashboard/counting.ts';
import { removedTicketId } from '#shared/tickets/cleanup.ts';

/** What counting needs of the table (`counters-aws.ts`). */
export interface CounterStore {
  /** The counted state of an item, strongly consistent; `undefined` when there is none. */
  readCounted(kind: CountedKind, id: string): Promise<CountedState | undefined>;
  /**
   * Writes a plan in one transaction: the next counted state on the condition that the state is still the one the
   * plan was made from, the global deltas into shard `shard`, each person's deltas into their counters.
   * @returns false when the condition failed or another transaction conflicted (read again and retry)
   */
  writePlan(kind: CountedKind, id: string, plan: CountPlan, shard: number): Promise<boolean>;
}

/** How one counted change ended. */
export type CountOutcome = 'counted' | 'unchanged';

/** Attempts at one change before the record is failed (and retried by the event source). */
export const maxCountAttempts = 8;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Counts one change exactly once (see the module comment).
 * @param shard picks the global shard of an attempt (random in the consumer: `0 .. statsShards − 1`)
 * @param nowSeconds epoch seconds
 * @throws Error after {@link maxCountAttempts} lost races in a row
 */
export async function countChange(
  change: CountedChange,
  store: CounterStore,
  options: { shard: () => number; nowSeconds: () => number; backoffMs?: (attempt: number) => number },
): Promise<CountOutcome> {
  const backoff = options.backoffMs ?? ((attempt) => Math.random() * Math.min(20 * 2 ** attempt, 1000));
  for (let attempt = 0; attempt < maxCountAttempts; attempt++) {
    if (attempt > 0) await sleep(backoff(attempt));
    const counted = await store.readCounted(change.kind, change.id);
    const plan = planCount(counted, change.change, options.nowSeconds());
    if (!plan) return 'unchanged';
    if (await store.writePlan(change.kind, change.id, plan, options.shard())) return 'counted';
  }
  throw new Error(`The counts of ${change.kind} ${change.id} lost ${maxCountAttempts} races in a row`);
}

/** What the consumer does per record besides counting: the cleanup after a removed ticket. */
export interface MaintenancePorts {
  readonly counters: CounterStore;
  cleanUpTicket(ticketId: string): Promise<Record<string, unknown>>;
  readonly shard: () => number;
  readonly nowSeconds: () => number;
}

/**
 * The consumer: counts, then cleans up, record by record in order; stops at the first failure and reports it.
 * @param log where each cleanup and failure is reported
 */
export async function maintainTable(
  records: readonly DynamoDBRecord[],
  ports: MaintenancePorts,
  log: {
    info(message: string, facts: Record<string, unknown>): void;
    error(message: string, facts: Record<string, unknown>): void;
  },
): Promise<DynamoDBBatchResponse> {
  for (const record of records) {
    try {
      const change = countedChangeOf(record);
      if (change) await countChange(change, ports.counters, ports);
      const ticketId = removedTicketId(record);
      if (ticketId) {
        const result = await ports.cleanUpTicket(ticketId);
        log.info('Deleted ticket cleaned up', { ticketId, ...result });
      }
    } catch (error) {
      log.error('Table maintenance of a stream record failed; it will be retried', {
        eventName: record.eventName,
        sequenceNumber: record.dynamodb?.SequenceNumber,
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      });
      return { batchItemFailures: [{ itemIdentifier: record.dynamodb?.SequenceNumber ?? '' }] };
    }
  }
  return { batchItemFailures: [] };
}
