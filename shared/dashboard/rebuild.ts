/**
 * Rebuilding the dashboard counters from the items themselves (pure; the repair `npm run dashboard:rebuild`,
 * `scripts/rebuild-dashboard.ts`, reads the table with a Scan and writes what this computes; no request path does).
 * Every live ticket and optics request is counted in the buckets of `counting.ts` at its current version, so the
 * result is what the stream consumer would hold had it counted every record exactly once.
 */
import {
  type CountedKind,
  type CountedState,
  countedStateEntity,
  decodeBucket,
  statsShardEntity,
  userStatsEntity,
} from '#shared/dashboard/counters.entity.ts';
import { opticsBuckets, ticketBuckets } from '#shared/dashboard/counting.ts';
import { opticsRequestEntity } from '#shared/optics/optics.entity.ts';
import { ticketEntity } from '#shared/tickets/ticket.entity.ts';

/** The entity types a rebuild reads: what it counts, and the counter items it replaces. */
export const rebuildEntityTypes = [
  ticketEntity,
  opticsRequestEntity,
  statsShardEntity,
  userStatsEntity,
  countedStateEntity,
] as const;

/** The counters as they should be. */
export interface RebuiltCounters {
  /** The global counters (summed over every shard). */
  readonly global: Readonly<Record<string, number>>;
  /** Each person's counters, by user id (people with no count left out). */
  readonly people: ReadonlyMap<string, Readonly<Record<string, number>>>;
  /** The counted state of each live ticket and optics request. */
  readonly counted: readonly { kind: CountedKind; id: string; state: CountedState }[];
}

const stringOf = (value: unknown) => (typeof value === 'string' && value.length > 0 ? value : undefined);

/**
 * The counters the items call for.
 * @param items stored items as the document client reads them (any entity; only tickets and optics requests count)
 */
export function rebuildCounters(items: Iterable<Record<string, unknown>>): RebuiltCounters {
  const global: Record<string, number> = {};
  const people = new Map<string, Record<string, number>>();
  const counted: { kind: CountedKind; id: string; state: CountedState }[] = [];
  for (const item of items) {
    let kind: CountedKind;
    let id: string | undefined;
    let buckets: string[];
    if (item.entityType === ticketEntity) {
      kind = 'TICKET';
      id = stringOf(item.ticketId);
      const status = stringOf(item.status);
      const priority = stringOf(item.priority);
      const type = stringOf(item.type);
      const requesterId = stringOf(item.requesterId);
      if (!id || !status || !priority || !type || !requesterId) continue;
      buckets = ticketBuckets({
        status,
        priority,
        type,
        requesterId,
        assigneeId: stringOf(item.assigneeId),
        approverId: stringOf(item.approverId),
        approverIds: Array.isArray(item.approverIds)
          ? item.approverIds.filter((each): each is string => typeof each === 'string')
          : item.approverIds instanceof Set
            ? [...item.approverIds].filter((each): each is string => typeof each === 'string')
            : [],
      });
    } else if (item.entityType === opticsRequestEntity) {
      kind = 'OPTICS';
      id = stringOf(item.requestId);
      const status = stringOf(item.status);
      const requesterId = stringOf(item.requesterId);
      if (!id || !status || !requesterId) continue;
      buckets = opticsBuckets({ status, requesterId });
    } else {
      continue;
    }
    for (const encoded of buckets) {
      const bucket = decodeBucket(encoded);
      let counters = global;
      if (bucket.owner !== undefined) {
        counters = people.get(bucket.owner) ?? {};
        people.set(bucket.owner, counters);
      }
      counters[bucket.attribute] = (counters[bucket.attribute] ?? 0) + 1;
    }
    const version = typeof item.version === 'number' ? item.version : 0;
    counted.push({ kind, id, state: { version, buckets } });
  }
  return { global, people, counted };
}
