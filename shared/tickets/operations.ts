/**
 * Ticket operations over the table: open, list, find, read a thread, change. Each takes plain values (the actor,
 * ids, the changes, an expected version), applies the rules of `lifecycle.ts` and `policy.ts`, and throws domain
 * errors, never HTTP; a route, a macro or a timer can call it alike. Writes that touch several items are one
 * TransactWriteItems call, so a failed write leaves nothing half-written.
 */
import { ulid } from 'ulid';
import type * as z from 'zod';
import type { CommentItem } from '#shared/comments/comment.entity.ts';
import { canSeeInternalNotes } from '#shared/comments/policy.ts';
import type { ImageItem } from '#shared/images/image.entity.ts';
import { decodeCursor, encodeCursor } from '#shared/platform/cursor.ts';
import { db } from '#shared/platform/db.ts';
import { nowIso } from '#shared/platform/entity.ts';
import { Conflict, InvalidInput, NotAllowed, VersionConflict } from '#shared/platform/errors.ts';
import type { Actor } from '#shared/roles/actor.ts';
import { canApprove } from '#shared/roles/roles.ts';
import { TicketNotFound, TransitionNotAllowed } from '#shared/tickets/errors.ts';
import { initialStatus } from '#shared/tickets/lifecycle.ts';
import { canSeeTicket, checkTransition, fieldChangeRefusal } from '#shared/tickets/policy.ts';
import type { CreateTicketBody, UpdateTicketBody } from '#shared/tickets/schemas.ts';
import type { TicketItem } from '#shared/tickets/ticket.entity.ts';
import type { TicketEventItem } from '#shared/tickets/ticket-event.entity.ts';
import { findUser } from '#shared/users/profiles.ts';

/** The next human ticket number: an atomic ADD on the `ticketNumber` counter item (one UpdateItem). */
async function nextTicketNumber(): Promise<number> {
  const { data } = await db()
    .entities.Counter.update({ name: 'ticketNumber' })
    .add({ value: 1 })
    .go({ response: 'all_new' });
  return data.value as number;
}

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
  await db()
    .transaction.write(({ Ticket, TicketEvent }) => [
      Ticket.create(ticket).commit(),
      TicketEvent.create({
        ticketId: ticket.ticketId,
        eventId: ulid(),
        actorId: actor.userId,
        field: 'created',
        to: ticket.status,
        at: now,
      }).commit(),
    ])
    .go();
  return ticket;
}

export interface Page<T> {
  readonly items: T[];
  /** Opaque cursor of the next page, or null at the end. */
  readonly nextCursor: string | null;
}

/**
 * Tickets the actor may see, newest first: every ticket for `canViewAll` (gsi1), else the actor's own (gsi2).
 * One Query per page.
 * @throws InvalidInput for a cursor from another listing, or altered
 */
export async function listTickets(
  actor: Actor,
  page: { limit: number; cursor?: string | undefined },
): Promise<Page<TicketItem>> {
  const { Ticket } = db().entities;
  const scope = actor.permissions.canViewAll ? 'tickets:all' : `tickets:requester:${actor.userId}`;
  const options = {
    order: 'desc' as const,
    limit: page.limit,
    cursor: decodeCursor(page.cursor, scope) ?? null,
  };
  const result = actor.permissions.canViewAll
    ? await Ticket.query.all({}).go(options)
    : await Ticket.query.byRequester({ requesterId: actor.userId }).go(options);
  return { items: result.data, nextCursor: encodeCursor(result.cursor, scope) };
}

/** A ticket by id, whoever asks (one GetItem): for the notifier and the approval links. */
export async function findTicket(ticketId: string): Promise<TicketItem | undefined> {
  const { data } = await db().entities.Ticket.get({ ticketId }).go();
  return data ?? undefined;
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

export interface TicketThread {
  readonly ticket: TicketItem;
  /** Oldest first; internal notes only for agents. */
  readonly comments: CommentItem[];
  readonly images: ImageItem[];
}

/**
 * A ticket with its comments and images: one Query on the ticket's partition (the `thread` collection).
 * @throws TicketNotFound as {@link findVisibleTicket}
 */
export async function readThread(actor: Actor, ticketId: string): Promise<TicketThread> {
  const { data } = await db().collections.thread({ ticketId }).go({ pages: 'all' });
  const ticket = data.Ticket[0];
  if (!ticket || !canSeeTicket(actor, ticket)) throw new TicketNotFound();
  const comments = data.Comment.filter((comment) => comment.kind !== 'note' || canSeeInternalNotes(actor));
  return { ticket, comments, images: data.Image };
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

/** The entities a `db().transaction.write` callback receives. */
type TransactionEntities = Parameters<Parameters<ReturnType<typeof db>['transaction']['write']>[0]>[0];

/**
 * The transaction items of a ticket change: the ticket patched (bumping its version, only if the version is still
 * the one read, plus any extra `condition`) and its audit events. Every writer of a ticket change (the PATCH
 * route, approval links) goes through this, so a change and its audit trail are always written together.
 */
export function ticketChangeWrites(
  { Ticket, TicketEvent }: Pick<TransactionEntities, 'Ticket' | 'TicketEvent'>,
  ticket: TicketItem,
  set: Partial<TicketItem>,
  events: readonly TicketEventItem[],
) {
  return [
    Ticket.patch({ ticketId: ticket.ticketId })
      .set({ ...set, version: ticket.version + 1 })
      .where((attr, op) => op.eq(attr.version, ticket.version))
      .commit(),
    ...events.map((event) => TicketEvent.create(event).commit()),
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
  const set: Partial<TicketItem> = { ...stripUndefined(fields), updatedAt: now };
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
  const result = await db()
    .transaction.write((entities) => ticketChangeWrites(entities, ticket, set, events))
    .go();
  if (result.canceled) {
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
