/**
 * Ticket operations over the table: open, list, find, read a thread, change. Each takes plain values (the actor,
 * ids, the changes, an expected version), applies the rules of `lifecycle.ts` and `policy.ts`, and throws domain
 * errors, never HTTP; a route, a macro or a timer can call it alike. Writes that touch several items are one
 * TransactWriteItems call, so a failed write leaves nothing half-written.
 */
import { ulid } from 'ulid';
import type * as z from 'zod';
import type { CommentItem } from '#shared/comments/comment.entity.ts';
import { listComments } from '#shared/comments/operations.ts';
import { type ImageItem, imagePrefix } from '#shared/images/image.entity.ts';
import { decodeCursor, encodeCursor } from '#shared/platform/cursor.ts';
import {
  attributesEqual,
  getItem,
  itemExists,
  itemIsNew,
  queryPage,
  type TransactionWrite,
  transactWrite,
} from '#shared/platform/db.ts';
import { nowIso } from '#shared/platform/entity.ts';
import { Conflict, InvalidInput, NotAllowed, VersionConflict } from '#shared/platform/errors.ts';
import type { Actor } from '#shared/roles/actor.ts';
import { canApprove } from '#shared/roles/roles.ts';
import { TicketNotFound, TransitionNotAllowed } from '#shared/tickets/errors.ts';
import { initialStatus } from '#shared/tickets/lifecycle.ts';
import { canSeeTicket, checkTransition, fieldChangeRefusal } from '#shared/tickets/policy.ts';
import type { CreateTicketBody, UpdateTicketBody } from '#shared/tickets/schemas.ts';
import {
  allTicketsPartition,
  requesterTicketsPartition,
  type TicketItem,
  ticketIndexKeyChanges,
  ticketKey,
  ticketListShards,
  ticketRecord,
} from '#shared/tickets/ticket.entity.ts';
import { type TicketEventItem, ticketEventRecord } from '#shared/tickets/ticket-event.entity.ts';
import { nextTicketNumber } from '#shared/tickets/ticket-numbers.ts';
import type { TicketSummary } from '#shared/tickets/views.ts';
import { findUser } from '#shared/users/profiles.ts';
import { userKey } from '#shared/users/user.entity.ts';

/**
 * Open a ticket for the actor (its requester). With an `approverId` it starts `pending_approval` and the stream
 * notifier mails the approver a link.
 * @throws NotAllowed when the actor's role may not create tickets; InvalidInput when the approver is unknown, not
 *   an agent or admin, or the actor themself
 */
export async function openTicket(
  actor: Actor,
  input: z.output<typeof CreateTicketBody>,
): Promise<TicketItem> {
  if (!actor.permissions.canCreateTickets) throw new NotAllowed('Your role may not create tickets.');
  if (input.approverId) {
    const approver = input.approverId === actor.userId ? undefined : await findUser(input.approverId);
    if (!approver || !canApprove(approver.role)) {
      throw new InvalidInput([
        {
          in: 'body',
          pointer: '/approverId',
          detail: 'The approver must be another existing agent or admin.',
        },
      ]);
    }
  }
  const now = nowIso();
  const ticket: TicketItem = {
    ticketId: ulid(),
    number: await nextTicketNumber(),
    title: input.title,
    description: input.description,
    type: input.type,
    priority: input.priority,
    status: initialStatus(input.approverId),
    requesterId: actor.userId,
    approverId: input.approverId,
    category: input.category,
    tags: input.tags && input.tags.length > 0 ? input.tags : undefined,
    agentResponded: false,
    createdAt: now,
    updatedAt: now,
    version: 1,
  };
  const created = await transactWrite([
    { put: ticketRecord(ticket), condition: itemIsNew },
    // The requester's count of tickets opened (users are listed by it).
    { update: userKey(actor.userId), changes: { add: { ticketsCount: 1 } }, condition: itemExists },
    {
      put: ticketEventRecord({
        ticketId: ticket.ticketId,
        eventId: ulid(),
        actorId: actor.userId,
        field: 'created',
        to: ticket.status,
        at: now,
      }),
    },
  ]);
  if (!created.ok)
    throw new Error(`Ticket ${ticket.ticketId} could not be created: ${created.reasons.join(', ')}`);
  return ticket;
}

export interface Page<T> {
  readonly items: T[];
  /** Opaque cursor of the next page, or null at the end. */
  readonly nextCursor: string | null;
}

/** One partition a list reads: an index, its partition key, and its sort key attribute. */
interface ListPartition {
  readonly index: string;
  readonly partition: Readonly<Record<string, string>>;
  readonly sortKey: string;
}

/** The index key to resume a ticket list after the item with this list sort key (`<createdAt>#<ticketId>`). */
function resumeKey(list: ListPartition, sortKey: string): Record<string, unknown> {
  const ticketId = sortKey.slice(sortKey.lastIndexOf('#') + 1);
  return { ...list.partition, [list.sortKey]: sortKey, ...ticketKey(ticketId) };
}

/**
 * One page of tickets, newest first, merged from several list partitions read in parallel (one Query each, at
 * most `limit` items each). The cursor holds, per partition, the sort key of the last ticket shown from it, or
 * `null` once the partition is exhausted.
 */
async function mergedTicketPage(
  lists: readonly ListPartition[],
  page: { limit: number; cursor?: string | undefined },
  scope: string,
): Promise<Page<TicketSummary>> {
  const positions = (page.cursor ? JSON.parse(decodeCursor(page.cursor, scope) as string) : {}) as Record<
    string,
    string | null
  >;
  const reads = await Promise.all(
    lists.map(async (list, n) => {
      const position = positions[n];
      if (position === null)
        return { n, items: [] as (TicketSummary & Record<string, string>)[], more: false };
      const { items, lastKey } = await queryPage<TicketSummary & Record<string, string>>({
        index: list.index,
        partition: list.partition,
        descending: true,
        limit: page.limit,
        startKey: position === undefined ? undefined : resumeKey(list, position),
      });
      return { n, items, more: lastKey !== undefined };
    }),
  );
  const merged = reads
    .flatMap(({ n, items }) =>
      items.map((item) => ({ n, item, sortKey: item[lists[n]?.sortKey ?? ''] ?? '' })),
    )
    .sort((a, b) => (a.sortKey < b.sortKey ? 1 : a.sortKey > b.sortKey ? -1 : 0))
    .slice(0, page.limit);
  // Per partition: where to resume (the last ticket shown from it), unchanged when none was shown, or null when
  // everything it holds has been shown.
  const next: Record<string, string | null> = {};
  for (const { n, items, more: unread } of reads) {
    const shown = merged.filter((entry) => entry.n === n);
    const exhausted = positions[n] === null || (shown.length === items.length && !unread);
    const resumeAfter = shown.at(-1)?.sortKey ?? positions[n];
    if (exhausted) next[n] = null;
    else if (resumeAfter !== undefined) next[n] = resumeAfter;
  }
  const more = Object.keys(next).length < lists.length || Object.values(next).some((value) => value !== null);
  return {
    items: merged.map(({ item }) => item),
    nextCursor: more ? encodeCursor(JSON.stringify(next), scope) : null,
  };
}

/**
 * Tickets the actor may see, newest first, as summaries: every ticket for `canViewAll` (gsi1, its
 * {@link ticketListShards} shards read in parallel and merged), else the actor's own (gsi2, one Query).
 * @throws InvalidInput for a cursor from another listing, or altered
 */
export async function listTickets(
  actor: Actor,
  page: { limit: number; cursor?: string | undefined },
): Promise<Page<TicketSummary>> {
  if (actor.permissions.canViewAll) {
    const shards = Array.from({ length: ticketListShards }, (_, shard) => ({
      index: 'gsi1',
      partition: allTicketsPartition(shard),
      sortKey: 'gsi1sk',
    }));
    return mergedTicketPage(shards, page, 'tickets:all');
  }
  const own = { index: 'gsi2', partition: requesterTicketsPartition(actor.userId), sortKey: 'gsi2sk' };
  return mergedTicketPage([own], page, `tickets:requester:${actor.userId}`);
}

/** A ticket by id, whoever asks (one GetItem): for the notifier and the approval links. */
export async function findTicket(ticketId: string): Promise<TicketItem | undefined> {
  return getItem<TicketItem>(ticketKey(ticketId));
}

/**
 * The ticket, if the actor may see it (one GetItem).
 * @throws TicketNotFound when it does not exist or the actor may not see it (same answer: no existence oracle)
 */
export async function findVisibleTicket(actor: Actor, ticketId: string): Promise<TicketItem> {
  const ticket = await findTicket(ticketId);
  if (!ticket || !canSeeTicket(actor, ticket)) throw new TicketNotFound();
  return ticket;
}

/** Comments shown with a ticket; the rest through the comment list. */
export const threadCommentsPage = 50;

/** Images read with a ticket, at most (pending, ready and rejected together). */
export const threadImagesLimit = 100;

export interface TicketThread {
  readonly ticket: TicketItem;
  /** The first {@link threadCommentsPage} comments, oldest first; internal notes only for agents. */
  readonly comments: CommentItem[];
  /** Cursor of the next comments (`GET /tickets/{ticketId}/comments?cursor=`), or null. */
  readonly commentsNextCursor: string | null;
  readonly images: ImageItem[];
}

/**
 * A ticket with the first page of its comments and its images: a GetItem and two Queries on the ticket's
 * partition, in parallel, each bounded, so the read costs the same however long the thread grows.
 * @throws TicketNotFound as {@link findVisibleTicket}
 */
export async function readThread(actor: Actor, ticketId: string): Promise<TicketThread> {
  const [ticket, comments, images] = await Promise.all([
    findTicket(ticketId),
    listComments(actor, { ticketId }, { limit: threadCommentsPage }),
    queryPage<ImageItem>({
      partition: { pk: ticketKey(ticketId).pk },
      beginsWith: ['sk', imagePrefix],
      limit: threadImagesLimit,
    }),
  ]);
  if (!ticket || !canSeeTicket(actor, ticket)) throw new TicketNotFound();
  return { ticket, comments: comments.items, commentsNextCursor: comments.nextCursor, images: images.items };
}

/** The fields that change the ticket item but are not changes a person makes (no audit event of their own). */
const unaudited = new Set(['updatedAt', 'version', 'decidedAt', 'decidedBy']);

/**
 * The audit events of a change: one per field whose value differs from the ticket's.
 * @param set the new values of the changed fields
 * @param at ISO 8601, the instant of the change
 */
export function auditEventsOf(
  ticket: TicketItem,
  set: Partial<TicketItem>,
  actorId: string,
  at: string,
): TicketEventItem[] {
  return Object.entries(set)
    .filter(([field]) => !unaudited.has(field))
    .filter(([field, value]) => String(ticket[field as keyof TicketItem] ?? '') !== String(value ?? ''))
    .map(([field, value]) => ({
      ticketId: ticket.ticketId,
      eventId: ulid(),
      actorId,
      field,
      from: stringOrUndefined(ticket[field as keyof TicketItem]),
      to: stringOrUndefined(value),
      at,
    }));
}

/**
 * The transaction writes of a ticket change: the ticket updated (bumping its version, only if the version is
 * still the one read) and its audit events. Every writer of a ticket change (the PATCH route, approval links) goes
 * through this, so a change and its audit trail are always written together.
 */
export function ticketChangeWrites(
  ticket: TicketItem,
  set: Partial<TicketItem>,
  events: readonly TicketEventItem[],
): TransactionWrite[] {
  const indexKeys = ticketIndexKeyChanges(ticket, { ...ticket, ...set });
  return [
    {
      update: ticketKey(ticket.ticketId),
      changes: { set: { ...set, ...indexKeys, version: ticket.version + 1 } },
      condition: attributesEqual({ version: ticket.version }),
    },
    ...events.map((event) => ({ put: ticketEventRecord(event) })),
  ];
}

type Changes = z.output<typeof UpdateTicketBody>;

/**
 * Change a ticket the actor can see: status along the lifecycle, and its fields. Requesters may change title,
 * description and priority of their own ticket; other fields need `canEditAll`, the assignee `canAssignTickets`.
 * The change and its audit events are one transaction conditioned on the version read.
 * @param ticket the ticket as read by {@link findVisibleTicket}
 * @param expectedVersion the version the client last read (from `If-Match`), if it sent one
 * @returns the ticket after the change (unchanged when nothing differs)
 * @throws NotAllowed (a field the actor may not change); TransitionNotAllowed with `allowed`; VersionConflict
 *   (stale `expectedVersion`, or a concurrent change when one was given); Conflict (a concurrent change otherwise);
 *   InvalidInput (rejecting without a reason, an assignee who is not an agent or admin)
 */
export async function changeTicket(
  actor: Actor,
  ticket: TicketItem,
  changes: Changes,
  expectedVersion: number | undefined,
): Promise<TicketItem> {
  if (expectedVersion !== undefined && expectedVersion !== ticket.version) throw new VersionConflict();
  const { status, reason, assigneeId, ...fields } = changes;
  for (const [field, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    const refusal = fieldChangeRefusal(actor, ticket, field);
    if (refusal) throw new NotAllowed(refusal);
  }
  if (assigneeId !== undefined) {
    if (!actor.permissions.canAssignTickets) throw new NotAllowed('You may not assign tickets.');
    const assignee = await findUser(assigneeId);
    if (!assignee || !canApprove(assignee.role)) {
      throw new InvalidInput([
        { in: 'body', pointer: '/assigneeId', detail: 'The assignee must be an agent or admin.' },
      ]);
    }
  }
  const now = nowIso();
  const set: { -readonly [K in keyof TicketItem]?: TicketItem[K] } = {
    ...stripUndefined(fields),
    updatedAt: now,
  };
  if (assigneeId !== undefined) set.assigneeId = assigneeId;
  if (status !== undefined && status !== ticket.status) {
    const check = checkTransition(actor, ticket, status);
    if (!check.ok) throw new TransitionNotAllowed(check.reason, ticket.status, status, check.allowed);
    if (status === 'rejected' && !reason) {
      throw new InvalidInput([{ in: 'body', pointer: '/reason', detail: 'Give a reason to reject.' }]);
    }
    set.status = status;
    if (status === 'approved' || status === 'rejected') {
      set.decidedBy = actor.userId;
      set.decidedAt = now;
      if (reason) set.decisionReason = reason;
    }
  }
  const events = auditEventsOf(ticket, set, actor.userId, now);
  if (events.length === 0) return ticket;
  const result = await transactWrite(ticketChangeWrites(ticket, set, events));
  if (!result.ok) {
    if (expectedVersion !== undefined) throw new VersionConflict();
    throw new Conflict('The ticket changed while you were editing it; read it again and retry.');
  }
  return { ...ticket, ...set, version: ticket.version + 1 };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function stringOrUndefined(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  return Array.isArray(value) ? value.join(',') : String(value);
}
