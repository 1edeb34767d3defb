/**
 * The dashboard's maintained counters (issue 11, "Dashboard"; `docs/data-model.md`, "Dashboard counters"). Three
 * kinds of item, written only by the table-maintenance stream consumer and by `npm run dashboard:rebuild`:
 *
 * - **global counter shards** `pk = STATS#GLOBAL`, `sk = SHARD#<n>` (n = 0 to {@link statsShards} − 1): one Number
 *   attribute per bucket (`ticketStatus_open`, `ticketPriority_high`, `ticketType_incident`,
 *   `opticsStatus_pending`, ...). Each transaction of counted changes adds to ONE shard picked at random, so no
 *   single item takes every ticket change; a read sums the shards of one Query. A shard may hold a negative number (a ticket counted
 *   into one shard and out of another): only the sum means anything.
 * - **a person's counters** `pk = STATS#USER#<userId>`, `sk = COUNTS`: `created_<status>` (tickets they requested),
 *   `assigned_<status>` (tickets assigned to them), `waitingOnMe` (tickets `pending_approval` that name them as
 *   approver), `optics_<status>` (their optics requests). Written only by changes of that person's own tickets and
 *   requests, so it is as hot as the person's ticket partition on gsi2 (≈ 1,000 changes a second).
 * - **a counted state** `pk = COUNTED#<kind>#<id>` (kind `TICKET` or `OPTICS`), `sk = COUNTED`: the buckets the item
 *   is counted in now and the item `version` they reflect; `deleted` once its removal was counted (then `expiresAt`,
 *   TTL, two days on: stream records are kept 24 hours, so none can still arrive). This is what makes the counters
 *   exact under redelivered, retried and reordered stream records (`counting.ts`).
 *
 * And one the inventory feature writes, read here: the cable **balances** `pk = INVENTORY`, `sk = BALANCE#<cableType>`.
 */

/** How many items the global counters are spread over (one random shard per transaction of counted changes). */
export const statsShards = 8;

export const statsShardEntity = 'statsShard';
export const userStatsEntity = 'userStats';
export const countedStateEntity = 'countedState';

/** The partition of the global counter shards: one Query reads every shard. */
export const globalStatsPartition = 'STATS#GLOBAL';

/** One shard of the global counters. */
export const globalStatsKey = (shard: number) => ({ pk: globalStatsPartition, sk: `SHARD#${shard}` });

/** A person's counters. */
export const userStatsKey = (userId: string) => ({ pk: `STATS#USER#${userId}`, sk: 'COUNTS' });

/** What a counted state counts. */
export type CountedKind = 'TICKET' | 'OPTICS';

/** The counted state of one ticket or optics request. */
export const countedStateKey = (kind: CountedKind, id: string) => ({
  pk: `COUNTED#${kind}#${id}`,
  sk: 'COUNTED',
});

/** The partition the inventory feature keeps its cable balances in, and their sort key prefix. */
export const inventoryPartition = 'INVENTORY';
export const balancePrefix = 'BALANCE#';

/** How long a deleted item's counted state is kept: 48 hours (seconds), twice the stream's retention. */
export const deletedStateTtlSeconds = 48 * 3600;

/** A counted state as stored (keys aside). */
export interface CountedState {
  /** The version of the item the buckets reflect (0: none counted yet, removal seen first). */
  readonly version: number;
  /** Encoded buckets (`counting.ts`, {@link Bucket}); empty once deleted. */
  readonly buckets: readonly string[];
  /** Its removal was counted: no later record counts it again. */
  readonly deleted?: boolean | undefined;
  /** Epoch seconds (TTL), on deleted states only. */
  readonly expiresAt?: number | undefined;
}

/** A bucket: one Number attribute of the global shards (`owner` absent) or of one person's counters. */
export interface Bucket {
  /** The person whose counters hold it; absent for the global counters. */
  readonly owner?: string | undefined;
  readonly attribute: string;
}

/** `G|<attribute>` or `U|<userId>|<attribute>` (user ids hold no `|`). */
export const encodeBucket = (bucket: Bucket): string =>
  bucket.owner === undefined ? `G|${bucket.attribute}` : `U|${bucket.owner}|${bucket.attribute}`;

/** The bucket a string of {@link encodeBucket} names. @throws Error for any other string */
export function decodeBucket(encoded: string): Bucket {
  const parts = encoded.split('|');
  if (parts[0] === 'G' && parts.length === 2 && parts[1]) return { attribute: parts[1] };
  if (parts[0] === 'U' && parts.length === 3 && parts[1] && parts[2]) {
    return { owner: parts[1], attribute: parts[2] };
  }
  throw new Error(`Not a counter bucket: ${encoded}`);
}

/** Attribute names of the buckets (the views read them back by these names). */
export const bucketAttribute = {
  ticketStatus: (status: string) => `ticketStatus_${status}`,
  ticketPriority: (priority: string) => `ticketPriority_${priority}`,
  ticketType: (type: string) => `ticketType_${type}`,
  opticsStatus: (status: string) => `opticsStatus_${status}`,
  created: (status: string) => `created_${status}`,
  assigned: (status: string) => `assigned_${status}`,
  waitingOnMe: 'waitingOnMe',
  ownOptics: (status: string) => `optics_${status}`,
} as const;

/** The partition keys the counter writers touch (IAM `dynamodb:LeadingKeys` patterns). */
export const dashboardCounterKeyPatterns = ['COUNTED#*', 'STATS#*'] as const;
