/**
 * Fills the bench's table with synthetic tickets, straight into DynamoDB with BatchWriteItem (25 items per call,
 * several calls in flight, unprocessed items retried with backoff, a bound on the total time, progress lines).
 * Items are exactly what the service stores: `ticketRecord()` of the data layer (keys and index keys included).
 *
 * The tickets are spread over 1,000 synthetic requesters plus the bench's demo requester, over every status,
 * priority and type, with `createdAt` over the past year (ids are ULIDs of that time). Every loaded ticket has the
 * same item size and the same list-index entry size (the title and the description are padded to fixed sizes),
 * so a page of any list costs the same whichever tickets it holds: consumed capacity can then only grow with the
 * table if a request reads more items, never by chance of item sizes. The newest tickets ({@link newestPageIds})
 * match every list filter the bench measures, so every first page is full already at 1,000 tickets.
 *
 * The loader's client is its own (not the counted shared client). Tickets in `pending_approval` get no approver,
 * so the stream notifier, which sees every insert, mails nobody about them.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { globalSecondaryIndexes, tableKeys } from '#shared/platform/table.ts';
import { priorities, ticketStatuses, ticketTypes } from '#shared/tickets/lifecycle.ts';
import {
  type TicketItem,
  ticketListShards,
  ticketRecord,
  ticketShard,
} from '#shared/tickets/ticket.entity.ts';
import { itemSize } from './aws-calls.ts';
import { int, seededRandom } from './stats.ts';

/** Synthetic requesters besides the demo requester. */
export const syntheticRequesters = 1000;
/** Synthetic agents besides the demo agent (assignees and approvers). */
const syntheticAgents = 50;
/** Stored size of every loaded ticket item, and of its list-index entry (bytes, DynamoDB's rules). */
export const loadedItemBytes = 900;
export const loadedIndexEntryBytes = 360;

const categories = ['hardware', 'software', 'network', 'access', 'facilities', 'purchasing'];
const yearMs = 365 * 24 * 3600 * 1000;

/** A UUID-shaped id (Cognito `sub`s are UUIDs), the same for the same `n`. */
const syntheticId = (kind: number, n: number) =>
  `00000000-0000-4000-8${kind}00-${String(n).padStart(12, '0')}`;

export interface LoadPeople {
  readonly requesterId: string;
  readonly agentId: string;
}

/** The list-index entry of a stored ticket: table keys, the index's keys and its projection (gsi1). */
function indexEntrySize(record: Record<string, unknown>): number {
  const index = globalSecondaryIndexes[0];
  const names = new Set<string>([
    tableKeys.partitionKey,
    tableKeys.sortKey,
    index.partitionKey,
    index.sortKey,
    ...index.projection,
  ]);
  return itemSize(Object.fromEntries(Object.entries(record).filter(([name]) => names.has(name))));
}

const definedOnly = (record: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));

/**
 * The `i`-th synthetic ticket (deterministic), padded to the fixed sizes.
 * @param createdAtMs creation time; `undefined`: somewhere in the past year
 */
export function syntheticTicket(
  i: number,
  people: LoadPeople,
  random: () => number,
  createdAtMs?: number,
  overrides: Partial<TicketItem> = {},
): TicketItem {
  const pick = <T>(values: readonly T[]) => values[Math.floor(random() * values.length)] as T;
  const created = createdAtMs ?? Date.now() - 3_600_000 - Math.floor(random() * (yearMs - 3_600_000));
  const status = pick(ticketStatuses);
  const agent = () =>
    random() < 0.1 ? people.agentId : syntheticId(2, Math.floor(random() * syntheticAgents));
  const assigned = !['open', 'pending_approval', 'canceled'].includes(status);
  const approved = ['approved', 'rejected', 'fulfilled'].includes(status);
  const answered = ['resolved', 'closed', 'fulfilled', 'unresolved'].includes(status) || random() < 0.5;
  const base: TicketItem = {
    ticketId: ulid(created),
    number: 1_000_000 + i,
    title: `Loaded ticket ${String(i).padStart(6, '0')}`,
    description: '',
    type: approved ? 'request' : pick(ticketTypes),
    priority: pick(priorities),
    status,
    requesterId:
      random() < 1 / (syntheticRequesters + 1)
        ? people.requesterId
        : syntheticId(1, Math.floor(random() * syntheticRequesters)),
    assigneeId: assigned ? agent() : undefined,
    approverId: approved ? agent() : undefined,
    category: random() < 0.8 ? pick(categories) : undefined,
    agentResponded: answered,
    createdAt: new Date(created).toISOString(),
    updatedAt: new Date(created + Math.floor(random() * 72 * 3_600_000)).toISOString(),
    version: 1 + Math.floor(random() * 5),
    ...overrides,
  };
  const titlePad = loadedIndexEntryBytes - indexEntrySize(definedOnly(ticketRecord(base)));
  const titled = { ...base, title: `${base.title} ${'x'.repeat(Math.max(0, titlePad - 1))}` };
  const descriptionPad = loadedItemBytes - itemSize(definedOnly(ticketRecord(titled)));
  return { ...titled, description: 'd'.repeat(Math.max(1, descriptionPad)) };
}

/** How many index entries a typical loaded ticket has (the indexes whose both keys its record sets). */
export function indexEntriesPerTicket(people: LoadPeople): number {
  const random = seededRandom(7);
  let entries = 0;
  const sample = 200;
  for (let i = 0; i < sample; i++) {
    const record = definedOnly(ticketRecord(syntheticTicket(i, people, random)));
    entries += globalSecondaryIndexes.filter(
      (index) => record[index.partitionKey] !== undefined && record[index.sortKey] !== undefined,
    ).length;
  }
  return entries / sample;
}

export interface LoadOptions {
  readonly tableName: string;
  readonly people: LoadPeople;
  /** Tickets to write. */
  readonly count: number;
  /** Number of the first ticket (numbers and titles go on from run to run). */
  readonly first: number;
  /** BatchWriteItem calls in flight. */
  readonly concurrency?: number;
  /** Give up (throw) after this long. */
  readonly maxMs: number;
  readonly log: (line: string) => void;
  /** Every ticket created `createdAtMs` (e.g. the newest page); default spread over the past year. */
  readonly createdAtMs?: (i: number) => number;
  /** Fields every ticket of this load has (e.g. the newest page: what the measured list filters select). */
  readonly overrides?: Partial<TicketItem>;
  /** Ticket ids to use, in order (the newest page picks ids by list shard). */
  readonly ticketIds?: readonly string[];
}

export interface LoadResult {
  readonly written: number;
  readonly ms: number;
  readonly calls: number;
  /** Calls that came back with unprocessed items, and the items retried. */
  readonly partialCalls: number;
  readonly retriedItems: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Writes `count` synthetic tickets with BatchWriteItem. */
export async function loadTickets(options: LoadOptions): Promise<LoadResult> {
  const concurrency = options.concurrency ?? 6;
  const random = seededRandom(0x6e1d + options.first);
  const client = DynamoDBDocumentClient.from(new DynamoDBClient({ maxAttempts: 5 }), {
    marshallOptions: { removeUndefinedValues: true },
  });
  const started = performance.now();
  const deadline = started + options.maxMs;
  let next = 0;
  let written = 0;
  let calls = 0;
  let partialCalls = 0;
  let retriedItems = 0;
  let lastProgress = started;

  const makeBatch = () => {
    const items: Record<string, unknown>[] = [];
    while (items.length < 25 && next < options.count) {
      const i = options.first + next;
      const ticket = syntheticTicket(
        i,
        options.people,
        random,
        options.createdAtMs?.(next),
        options.overrides,
      );
      const id = options.ticketIds?.[next];
      items.push(ticketRecord(id ? { ...ticket, ticketId: id } : ticket));
      next++;
    }
    return items;
  };

  async function writeBatch(items: Record<string, unknown>[]): Promise<void> {
    let pending = items.map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (performance.now() > deadline) {
        throw new Error(
          `load: gave up after ${Math.round(options.maxMs / 1000)} s (${int(written)} written)`,
        );
      }
      if (attempt > 0) {
        retriedItems += pending.length;
        await sleep(Math.min(2_000, 50 * 2 ** (attempt - 1)) * (0.5 + Math.random()));
      }
      calls++;
      const result = await client.send(
        new BatchWriteCommand({ RequestItems: { [options.tableName]: pending } }),
      );
      const unprocessed = result.UnprocessedItems?.[options.tableName] ?? [];
      written += pending.length - unprocessed.length;
      if (unprocessed.length > 0) partialCalls++;
      pending = unprocessed as typeof pending;
    }
  }

  async function worker(): Promise<void> {
    for (let batch = makeBatch(); batch.length > 0; batch = makeBatch()) {
      await writeBatch(batch);
      const now = performance.now();
      if (now - lastProgress > 5_000) {
        lastProgress = now;
        const seconds = (now - started) / 1000;
        options.log(
          `  load: ${int(written)}/${int(options.count)} tickets in ${seconds.toFixed(0)} s ` +
            `(${int(written / seconds)}/s, ${concurrency} calls in flight, ${int(retriedItems)} items retried)`,
        );
      }
    }
  }

  try {
    await Promise.all(Array.from({ length: concurrency }, () => worker()));
  } finally {
    client.destroy();
  }
  return { written, ms: performance.now() - started, calls, partialCalls, retriedItems };
}

/**
 * `perShard` ticket ids for each list shard, newest last: the bench writes them as the newest tickets, with the
 * fields every measured list filter selects, so the first page of every list (every shard of the sharded indexes,
 * and the demo requester's and agent's lists) is full and holds loaded tickets of the fixed sizes only, at any
 * table size.
 */
export function newestPageIds(perShard: number, nowMs: number): { ids: string[]; createdAtMs: number[] } {
  const wanted = new Map<number, number>();
  const ids: string[] = [];
  const times: number[] = [];
  for (let t = nowMs - 10 * perShard * ticketListShards; ids.length < perShard * ticketListShards; t++) {
    const id = ulid(t);
    const shard = ticketShard(id);
    if ((wanted.get(shard) ?? 0) >= perShard) continue;
    wanted.set(shard, (wanted.get(shard) ?? 0) + 1);
    ids.push(id);
    times.push(t);
  }
  return { ids, createdAtMs: times };
}
