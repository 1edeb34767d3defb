/**
 * The counting rules of the dashboard (pure: no AWS, no clock; `test/unit/dashboard-counting.test.ts`). Which
 * buckets a ticket or an optics request is counted in, and what one stream record changes
 * (`docs/data-model.md`, "Dashboard counters"):
 *
 * - A ticket counts once in the global buckets of its status, priority and type; in its requester's
 *   `created_<status>`; in its assignee's `assigned_<status>` (when assigned); and, while `pending_approval`, in
 *   `waitingOnMe` of every approver it names (`approverId` and each of `approverIds`, once each), except its
 *   requester (nobody approves a ticket they requested).
 * - An optics request counts once in the global `opticsStatus_<status>` and in its requester's `optics_<status>`.
 * - A record counts only if it is newer than what is counted: an INSERT or MODIFY whose item `version` is greater
 *   than the counted state's version, on an item whose removal was not counted yet. It moves the counts out of the
 *   buckets the counted state holds (never the stream's old image, which may be older than what was counted) and
 *   into the new image's buckets. A REMOVE moves them out of the counted buckets and marks the state deleted. So a
 *   redelivered record, a retried batch and a record that arrives after a newer one change nothing, and a removal
 *   that arrives before the item's last changes keeps them from counting it again.
 */
import type { DynamoDBRecord } from 'aws-lambda';
import {
  type Bucket,
  bucketAttribute,
  type CountedKind,
  type CountedState,
  decodeBucket,
  deletedStateTtlSeconds,
  encodeBucket,
} from '#shared/dashboard/counters.entity.ts';

/** The fields of a ticket the counts depend on. */
export interface CountedTicket {
  readonly status: string;
  readonly priority: string;
  readonly type: string;
  readonly requesterId: string;
  readonly assigneeId?: string | undefined;
  readonly approverId?: string | undefined;
  /** Group approvals: every person the ticket waits on. */
  readonly approverIds?: readonly string[] | undefined;
}

/** The fields of an optics request the counts depend on. */
export interface CountedOpticsRequest {
  readonly status: string;
  readonly requesterId: string;
}

/**
 * The most approvers one ticket is counted as waiting on. One item's plan must fit a transaction of at most 100
 * writes (its counted state, a global shard, and one per person whose counts move: `maintenance.ts`); a ticket
 * naming more approvers than this counts in the first of them by id only.
 */
export const maxCountedApprovers = 40;

/** The people a `pending_approval` ticket waits on: distinct, without its requester, sorted, at most 40. */
export function waitingApprovers(ticket: CountedTicket): string[] {
  const named = new Set([
    ...(ticket.approverId ? [ticket.approverId] : []),
    ...(ticket.approverIds ?? []).filter((id) => typeof id === 'string' && id.length > 0),
  ]);
  named.delete(ticket.requesterId);
  return [...named].sort().slice(0, maxCountedApprovers);
}

/** The buckets a ticket is counted in (encoded, see {@link encodeBucket}). */
export function ticketBuckets(ticket: CountedTicket): string[] {
  const buckets: Bucket[] = [
    { attribute: bucketAttribute.ticketStatus(ticket.status) },
    { attribute: bucketAttribute.ticketPriority(ticket.priority) },
    { attribute: bucketAttribute.ticketType(ticket.type) },
    { owner: ticket.requesterId, attribute: bucketAttribute.created(ticket.status) },
  ];
  if (ticket.assigneeId) {
    buckets.push({ owner: ticket.assigneeId, attribute: bucketAttribute.assigned(ticket.status) });
  }
  if (ticket.status === 'pending_approval') {
    for (const approver of waitingApprovers(ticket)) {
      buckets.push({ owner: approver, attribute: bucketAttribute.waitingOnMe });
    }
  }
  return buckets.map(encodeBucket);
}

/** The buckets an optics request is counted in. */
export function opticsBuckets(request: CountedOpticsRequest): string[] {
  return [
    { attribute: bucketAttribute.opticsStatus(request.status) },
    { owner: request.requesterId, attribute: bucketAttribute.ownOptics(request.status) },
  ].map(encodeBucket);
}

/** What one stream record says about a counted item. */
export interface CountedChange {
  readonly kind: CountedKind;
  /** The ticket id or the optics request id. */
  readonly id: string;
  /** `present`: an INSERT or MODIFY with the new image's version and buckets; `removed`: a REMOVE. */
  readonly change:
    | { readonly type: 'present'; readonly version: number; readonly buckets: readonly string[] }
    | { readonly type: 'removed'; readonly version: number };
}

type Image = NonNullable<NonNullable<DynamoDBRecord['dynamodb']>['NewImage']>;

const text = (image: Image, name: string): string | undefined => image[name]?.S;
const numberOf = (image: Image, name: string): number | undefined => {
  const value = image[name]?.N;
  return value === undefined ? undefined : Number(value);
};
/** A list of strings stored as a List of S or as a String Set. */
const texts = (image: Image, name: string): string[] => {
  const value = image[name];
  if (!value) return [];
  if (value.SS) return [...value.SS];
  return (value.L ?? []).flatMap((entry) => (entry.S ? [entry.S] : []));
};

/** The entity types whose items are counted (the maintenance consumer's event filter takes these). */
export const countedEntityTypes = ['ticket', 'opticsRequest'] as const;

/**
 * The counted change a stream record carries, or `undefined` for a record of anything else (or an image without
 * the fields a count needs).
 */
export function countedChangeOf(record: DynamoDBRecord): CountedChange | undefined {
  const removed = record.eventName === 'REMOVE';
  const image = removed ? record.dynamodb?.OldImage : record.dynamodb?.NewImage;
  if (!image) return undefined;
  const entityType = text(image, 'entityType');
  const version = numberOf(image, 'version') ?? 0;
  if (entityType === 'ticket') {
    const id = text(image, 'ticketId');
    if (!id) return undefined;
    if (removed) return { kind: 'TICKET', id, change: { type: 'removed', version } };
    const status = text(image, 'status');
    const priority = text(image, 'priority');
    const type = text(image, 'type');
    const requesterId = text(image, 'requesterId');
    if (!status || !priority || !type || !requesterId) return undefined;
    const buckets = ticketBuckets({
      status,
      priority,
      type,
      requesterId,
      assigneeId: text(image, 'assigneeId'),
      approverId: text(image, 'approverId'),
      approverIds: texts(image, 'approverIds'),
    });
    return { kind: 'TICKET', id, change: { type: 'present', version, buckets } };
  }
  if (entityType === 'opticsRequest') {
    const id = text(image, 'requestId');
    if (!id) return undefined;
    if (removed) return { kind: 'OPTICS', id, change: { type: 'removed', version } };
    const status = text(image, 'status');
    const requesterId = text(image, 'requesterId');
    if (!status || !requesterId) return undefined;
    return {
      kind: 'OPTICS',
      id,
      change: { type: 'present', version, buckets: opticsBuckets({ status, requesterId }) },
    };
  }
  return undefined;
}

/** How much each attribute of one counter item changes: the global shards (`owner` undefined) or a person's. */
export interface CounterDelta {
  readonly owner?: string | undefined;
  readonly add: Readonly<Record<string, number>>;
}

/**
 * The net change from being counted in `from` to being counted in `to`, per counter item, zeros left out: −1 per
 * bucket of `from`, +1 per bucket of `to` (a bucket in both does not move). Global buckets first, then people by id.
 */
export function bucketDeltas(from: readonly string[], to: readonly string[]): CounterDelta[] {
  const byOwner = new Map<string, Record<string, number>>();
  const move = (encoded: string, amount: number) => {
    const bucket = decodeBucket(encoded);
    const key = bucket.owner ?? '';
    const add = byOwner.get(key) ?? {};
    add[bucket.attribute] = (add[bucket.attribute] ?? 0) + amount;
    byOwner.set(key, add);
  };
  for (const bucket of from) move(bucket, -1);
  for (const bucket of to) move(bucket, 1);
  const deltas: CounterDelta[] = [];
  for (const key of [...byOwner.keys()].sort()) {
    const add = Object.fromEntries(Object.entries(byOwner.get(key) ?? {}).filter(([, n]) => n !== 0));
    if (Object.keys(add).length > 0) deltas.push({ ...(key === '' ? {} : { owner: key }), add });
  }
  return deltas;
}

/** What to write for one record: the next counted state (put on the condition `expected`), and the deltas. */
export interface CountPlan {
  readonly next: CountedState;
  /** The counted state's version as read, or `null` when there was none (the put then needs it absent). */
  readonly expectedVersion: number | null;
  readonly deltas: readonly CounterDelta[];
}

/**
 * What a record changes, given the counted state read (strongly consistent) before it; `undefined` when it
 * changes nothing (redelivered, older than what is counted, or about an item whose removal was counted).
 * @param nowSeconds epoch seconds, for the deleted state's `expiresAt`
 */
export function planCount(
  counted: CountedState | undefined,
  change: CountedChange['change'],
  nowSeconds: number,
): CountPlan | undefined {
  if (counted?.deleted) return undefined;
  const expectedVersion = counted ? counted.version : null;
  const countedBuckets = counted?.buckets ?? [];
  if (change.type === 'removed') {
    return {
      next: {
        version: Math.max(counted?.version ?? 0, change.version),
        buckets: [],
        deleted: true,
        expiresAt: nowSeconds + deletedStateTtlSeconds,
      },
      expectedVersion,
      deltas: bucketDeltas(countedBuckets, []),
    };
  }
  if (counted && change.version <= counted.version) return undefined;
  return {
    next: { version: change.version, buckets: [...change.buckets] },
    expectedVersion,
    deltas: bucketDeltas(countedBuckets, change.buckets),
  };
}
