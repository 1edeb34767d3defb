/**
 * Ticket lists (`GET /tickets`): which index partitions serve a set of filters ({@link listPlan}, pure), and one
 * page read from them, newest first ({@link listTickets}). No list scans: every combination of filters is served
 * by the key of an index partition, and one that is not is refused with the supported ones.
 *
 * What serves what (`docs/data-model.md`, access patterns 4, 5, 5b-5f):
 * - no filter: every ticket, gsi1, the {@link ticketListShards} shards `TICKETS#<shard>` merged;
 * - exactly one of `status`, `priority`, `type`: gsi7 `STATUS#<status>#<shard>`, gsi8 `PRIORITY#<priority>#<shard>`,
 *   gsi9 `TYPE#<type>#<shard>`, the shards merged;
 * - a person, `requesterId` (or `mine`) or `assigneeId` (or `assigned`): that person's partition, gsi2
 *   `REQUESTER#<id>` or gsi3 `ASSIGNEE#<id>`, with any of `status`, `priority`, `type` and the other person as
 *   conditions on it. A person's partition holds only that person's tickets, so such a page reads at most
 *   {@link filteredReadLimit} summaries of them and keeps those that match (a page may then hold fewer than
 *   `limit` items, even none, with a `nextCursor`);
 * - two or more of `status`, `priority`, `type` without a person: not served (InvalidInput, a 422, naming the
 *   supported ones).
 *
 * Who sees what: `canViewAll` every ticket; anyone else only their own (requested by them, or assigned to them):
 * without a person filter their own requests are listed, and naming another person is refused.
 */
import { decodeCursor, encodeCursor } from '#shared/platform/cursor.ts';
import { queryPage } from '#shared/platform/db.ts';
import { InvalidInput, NotAllowed } from '#shared/platform/errors.ts';
import type { Actor } from '#shared/roles/actor.ts';
import { listCustomerTickets } from '#shared/tickets/customer-tickets.ts';
import type { Priority, TicketStatus, TicketType } from '#shared/tickets/lifecycle.ts';
import {
  allTicketsPartition,
  assigneeTicketsPartition,
  priorityTicketsPartition,
  requesterTicketsPartition,
  statusTicketsPartition,
  ticketKey,
  ticketListShards,
  typeTicketsPartition,
} from '#shared/tickets/ticket.entity.ts';
import type { TicketSummary } from '#shared/tickets/views.ts';

/** The filters of a ticket list (`GET /tickets` query). */
export interface TicketFilters {
  readonly status?: TicketStatus | undefined;
  readonly priority?: Priority | undefined;
  readonly type?: TicketType | undefined;
  readonly requesterId?: string | undefined;
  readonly assigneeId?: string | undefined;
  /** Tickets the actor opened: `requesterId` = the actor. */
  readonly mine?: boolean | undefined;
  /** Tickets assigned to the actor: `assigneeId` = the actor. */
  readonly assigned?: boolean | undefined;
  /** Tickets linked to this customer (`customer-tickets.ts`, gsi12); no other filter with it. */
  readonly customerId?: string | undefined;
}

/** The summary fields a list may be narrowed by, with the value each must have. */
export type TicketMatch = Partial<
  Pick<TicketSummary, 'status' | 'priority' | 'type' | 'requesterId' | 'assigneeId'>
>;

/** One partition a list reads: an index, its partition key, and its sort key attribute. */
export interface ListPartition {
  readonly index: string;
  readonly partition: Readonly<Record<string, string>>;
  readonly sortKey: string;
}

/** How a list is read: the partitions merged, the conditions on what they hold, the cursor scope. */
export interface ListPlan {
  readonly partitions: readonly ListPartition[];
  /** Conditions on the summaries read (only for a person's partition); empty when the key selects exactly. */
  readonly match: TicketMatch;
  /** The cursor scope: a cursor of one list is refused by every other. */
  readonly scope: string;
}

/** Summaries a page of a person's list reads at most when it has conditions (each ≈ 0.3 KB). */
export const filteredReadLimit = 100;

/** What the refusal (InvalidInput: 422) of an unsupported combination says. */
export const supportedFilterCombinations =
  'Supported: no filter; exactly one of status, priority, type; or one person (requesterId or mine, ' +
  'assigneeId or assigned) with any of status, priority, type and the other person.';

const attributeIndexes = {
  status: (value: string, shard: number) => ({
    index: 'gsi7',
    partition: statusTicketsPartition(value as TicketStatus, shard),
    sortKey: 'gsi7sk',
  }),
  priority: (value: string, shard: number) => ({
    index: 'gsi8',
    partition: priorityTicketsPartition(value as Priority, shard),
    sortKey: 'gsi8sk',
  }),
  type: (value: string, shard: number) => ({
    index: 'gsi9',
    partition: typeTicketsPartition(value as TicketType, shard),
    sortKey: 'gsi9sk',
  }),
} as const;

const shards = () => Array.from({ length: ticketListShards }, (_, shard) => shard);

/** `a=1,b=2` of the defined entries, sorted: the conditions' part of a cursor scope. */
const scopeOf = (match: TicketMatch) =>
  Object.entries(match)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => `${name}=${value}`)
    .sort()
    .join(',');

/**
 * The person `mine`/`requesterId` (or `assigned`/`assigneeId`) names, if any.
 * @throws InvalidInput when the shortcut and the id name two different people
 */
function personNamed(
  actor: Actor,
  shortcut: boolean | undefined,
  id: string | undefined,
  names: readonly [shortcut: string, id: string],
): string | undefined {
  if (shortcut && id !== undefined && id !== actor.userId) {
    throw new InvalidInput([
      {
        in: 'query',
        pointer: `/${names[1]}`,
        detail: `${names[0]}=true and ${names[1]} name two different people; send one of them.`,
      },
    ]);
  }
  return shortcut ? actor.userId : id;
}

/**
 * How the list the filters ask for is read (pure).
 * @throws InvalidInput for a combination no index serves (the detail names the supported ones), or `mine` with
 *   another `requesterId` (`assigned` with another `assigneeId`); NotAllowed when an actor without `canViewAll`
 *   names another person
 */
export function listPlan(actor: Actor, filters: TicketFilters): ListPlan {
  let requesterId = personNamed(actor, filters.mine, filters.requesterId, ['mine', 'requesterId']);
  const assigneeId = personNamed(actor, filters.assigned, filters.assigneeId, ['assigned', 'assigneeId']);
  if (!actor.permissions.canViewAll) {
    if ((requesterId ?? actor.userId) !== actor.userId || (assigneeId ?? actor.userId) !== actor.userId) {
      throw new NotAllowed(
        'You may list only your own tickets: those you opened or that are assigned to you.',
      );
    }
    if (requesterId === undefined && assigneeId === undefined) requesterId = actor.userId;
  }
  const attributes = { status: filters.status, priority: filters.priority, type: filters.type };
  if (requesterId !== undefined || assigneeId !== undefined) {
    const byRequester = requesterId !== undefined;
    const partition: ListPartition = byRequester
      ? { index: 'gsi2', partition: requesterTicketsPartition(requesterId as string), sortKey: 'gsi2sk' }
      : { index: 'gsi3', partition: assigneeTicketsPartition(assigneeId as string), sortKey: 'gsi3sk' };
    const match: TicketMatch = Object.fromEntries(
      Object.entries({ ...attributes, ...(byRequester ? { assigneeId } : {}) }).filter(
        ([, value]) => value !== undefined,
      ),
    );
    const person = byRequester ? `requester:${requesterId}` : `assignee:${assigneeId}`;
    return { partitions: [partition], match, scope: `tickets:${person}:${scopeOf(match)}` };
  }
  const given = (Object.keys(attributes) as (keyof typeof attributes)[]).filter(
    (name) => attributes[name] !== undefined,
  );
  if (given.length === 0) {
    const partitions = shards().map((shard) => ({
      index: 'gsi1',
      partition: allTicketsPartition(shard),
      sortKey: 'gsi1sk',
    }));
    return { partitions, match: {}, scope: 'tickets:all' };
  }
  const [name] = given;
  if (given.length > 1 || name === undefined) {
    throw new InvalidInput(
      given.map((field) => ({
        in: 'query' as const,
        pointer: `/${field}`,
        detail: `No index serves ${given.join(' with ')} together. ${supportedFilterCombinations}`,
      })),
      `No index serves ${given.join(' with ')} together. ${supportedFilterCombinations}`,
    );
  }
  const value = attributes[name] as string;
  return {
    partitions: shards().map((shard) => attributeIndexes[name](value, shard)),
    match: {},
    scope: `tickets:${name}=${value}`,
  };
}

export interface Page<T> {
  readonly items: T[];
  /** Opaque cursor of the next page, or null at the end. */
  readonly nextCursor: string | null;
}

/** The index key to resume a ticket list after the item with this list sort key (`<createdAt>#<ticketId>`). */
function resumeKey(list: ListPartition, sortKey: string): Record<string, unknown> {
  const ticketId = sortKey.slice(sortKey.lastIndexOf('#') + 1);
  return { ...list.partition, [list.sortKey]: sortKey, ...ticketKey(ticketId) };
}

const matches = (match: TicketMatch, summary: TicketSummary) =>
  Object.entries(match).every(([name, value]) => summary[name as keyof TicketSummary] === value);

/**
 * One page of tickets, newest first, merged from the plan's partitions read in parallel (one Query each, at most
 * `limit` items each, or {@link filteredReadLimit} when the plan has conditions). The cursor holds, per partition,
 * the sort key after which to resume (the last ticket shown from it, or the last one read when every match read
 * was shown), or `null` once the partition is exhausted.
 * @throws InvalidInput for a cursor from another list, or altered
 */
export async function readListPage(
  plan: ListPlan,
  page: { limit: number; cursor?: string | undefined },
): Promise<Page<TicketSummary>> {
  const { partitions, match, scope } = plan;
  const filtered = Object.keys(match).length > 0;
  const positions = (
    page.cursor ? JSON.parse((await decodeCursor(page.cursor, scope)) as string) : {}
  ) as Record<string, string | null>;
  type Summary = TicketSummary & Record<string, string>;
  const reads = await Promise.all(
    partitions.map(async (list, n) => {
      const position = positions[n];
      if (position === null) return { n, kept: [] as Summary[], lastRead: null };
      const { items, lastKey } = await queryPage<Summary>({
        index: list.index,
        partition: list.partition,
        descending: true,
        limit: filtered ? Math.max(page.limit, filteredReadLimit) : page.limit,
        startKey: position === undefined ? undefined : resumeKey(list, position),
      });
      const kept = filtered ? items.filter((item) => matches(match, item)) : items;
      return { n, kept, lastRead: lastKey ? String(lastKey[list.sortKey]) : null };
    }),
  );
  const merged = reads
    .flatMap(({ n, kept }) =>
      kept.map((item) => ({ n, item, sortKey: item[partitions[n]?.sortKey ?? ''] ?? '' })),
    )
    .sort((a, b) => (a.sortKey < b.sortKey ? 1 : a.sortKey > b.sortKey ? -1 : 0))
    .slice(0, page.limit);
  // Per partition: null once everything it holds was read and shown; after the last ticket shown when some read
  // were not shown; else after the last one read; unchanged when it showed nothing and holds more.
  const next: Record<string, string | null> = {};
  for (const { n, kept, lastRead } of reads) {
    const shown = merged.filter((entry) => entry.n === n);
    let resume: string | null | undefined;
    if (positions[n] === null) resume = null;
    else if (shown.length < kept.length) resume = shown.at(-1)?.sortKey ?? positions[n];
    else resume = lastRead;
    if (resume !== undefined) next[n] = resume;
  }
  const more =
    Object.keys(next).length < partitions.length || Object.values(next).some((value) => value !== null);
  return {
    items: merged.map(({ item }) => item),
    nextCursor: more ? await encodeCursor(JSON.stringify(next), scope) : null,
  };
}

/**
 * Tickets the actor may see, newest first, as summaries, narrowed by the filters: see the module comment for
 * which index serves which filters.
 * @throws InvalidInput (an unsupported combination, a cursor from another list); NotAllowed (another person's
 *   tickets without `canViewAll`)
 */
export function listTickets(
  actor: Actor,
  page: { limit: number; cursor?: string | undefined },
  filters: TicketFilters = {},
): Promise<Page<TicketSummary>> {
  if (filters.customerId !== undefined) return listCustomerTickets(actor, filters, page);
  return readListPage(listPlan(actor, filters), page);
}
