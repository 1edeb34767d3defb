/**
 * Ticket operations over the table: open, list, read a thread, change, comment. Each function is one domain
 * operation a route handler calls; the rules they apply come from `shared/domain/ticket.ts`. Writes that touch
 * several items are one TransactWriteItems call, so a failed write leaves nothing half-written.
 */
import { ulid } from 'ulid';
import type * as z from 'zod';
import type { CreateCommentBody, CreateTicketBody, UpdateTicketBody } from '#shared/api/schemas.ts';
import { findUser } from '#shared/auth/accounts.ts';
import { type CommentItem, db, type ImageItem, type TicketItem } from '#shared/data/entities.ts';
import { canApprove } from '#shared/domain/roles.ts';
import {
  canSeeInternalNotes,
  canSeeTicket,
  checkTransition,
  commentKindFor,
  initialStatus,
} from '#shared/domain/ticket.ts';
import type { Caller } from '#shared/http/caller.ts';
import { decodeCursor, encodeCursor } from '#shared/http/cursor.ts';
import {
  conflict,
  forbidden,
  notFound,
  Problem,
  preconditionFailed,
  validationProblem,
} from '#shared/http/problem.ts';

const isoNow = () => new Date().toISOString();

/** The next human ticket number: an atomic ADD on the `ticketNumber` counter item (one UpdateItem). */
async function nextTicketNumber(): Promise<number> {
  const { data } = await db()
    .entities.Counter.update({ name: 'ticketNumber' })
    .add({ value: 1 })
    .go({ response: 'all_new' });
  return data.value as number;
}

/**
 * Open a ticket for the caller (the requester). With an `approverId` it starts `pending_approval` (S4) and the
 * stream notifier mails the approver a link.
 * @throws Problem 403 when the caller's role may not create tickets (S2); 400 when the approver is unknown, not an
 *   agent or admin, or the caller themself
 */
export async function openTicket(
  caller: Caller,
  input: z.output<typeof CreateTicketBody>,
): Promise<TicketItem> {
  if (!caller.permissions.canCreateTickets) throw forbidden('Your role may not create tickets.');
  if (input.approverId) {
    const approver = input.approverId === caller.userId ? undefined : await findUser(input.approverId);
    if (!approver || !canApprove(approver.role)) {
      throw validationProblem([
        {
          in: 'body',
          pointer: '/approverId',
          detail: 'The approver must be another existing agent or admin.',
        },
      ]);
    }
  }
  const now = isoNow();
  const ticket: TicketItem = {
    ticketId: ulid(),
    number: await nextTicketNumber(),
    title: input.title,
    description: input.description,
    type: input.type,
    priority: input.priority,
    status: initialStatus(input.approverId),
    requesterId: caller.userId,
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
        actorId: caller.userId,
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
  readonly nextCursor: string | null;
}

/**
 * Tickets the caller may see, newest first: every ticket for `canViewAll` (GSI1), else the caller's own (GSI2).
 * One Query per page.
 * @throws Problem 400 for a cursor from another listing or altered
 */
export async function listTickets(
  caller: Caller,
  page: { limit: number; cursor?: string | undefined },
): Promise<Page<TicketItem>> {
  const { Ticket } = db().entities;
  const scope = caller.permissions.canViewAll ? 'tickets:all' : `tickets:requester:${caller.userId}`;
  const options = {
    order: 'desc' as const,
    limit: page.limit,
    cursor: decodeCursor(page.cursor, scope) ?? null,
  };
  const result = caller.permissions.canViewAll
    ? await Ticket.query.all({}).go(options)
    : await Ticket.query.byRequester({ requesterId: caller.userId }).go(options);
  return { items: result.data, nextCursor: encodeCursor(result.cursor, scope) };
}

/**
 * The ticket, if the caller may see it (one GetItem).
 * @throws Problem 404 when it does not exist or the caller may not see it (same answer: no existence oracle)
 */
export async function loadVisibleTicket(caller: Caller, ticketId: string): Promise<TicketItem> {
  const { data } = await db().entities.Ticket.get({ ticketId }).go();
  if (!data || !canSeeTicket(caller, data)) throw notFound('Ticket');
  return data;
}

export interface TicketThread {
  readonly ticket: TicketItem;
  /** Oldest first; internal notes only for agents. */
  readonly comments: CommentItem[];
  readonly images: ImageItem[];
}

/**
 * A ticket with its comments and images: one Query on the ticket's partition (the `thread` collection).
 * @throws Problem 404 as {@link loadVisibleTicket}
 */
export async function readThread(caller: Caller, ticketId: string): Promise<TicketThread> {
  const { data } = await db().collections.thread({ ticketId }).go({ pages: 'all' });
  const ticket = data.Ticket[0];
  if (!ticket || !canSeeTicket(caller, ticket)) throw notFound('Ticket');
  const comments = data.Comment.filter((comment) => comment.kind !== 'note' || canSeeInternalNotes(caller));
  return { ticket, comments, images: data.Image };
}

type Update = z.output<typeof UpdateTicketBody>;

const requesterEditable = new Set(['title', 'description', 'priority']);

/**
 * Change a ticket: status along the lifecycle, and its fields. Requesters may change title, description and
 * priority of their own ticket; other fields need `canEditAll`, the assignee `canAssignTickets`. The change and
 * its audit events are one transaction conditioned on the version read.
 * @param ifMatch the `If-Match` header, if any
 * @throws Problem 404 (not visible), 403 (field not editable by the caller), 409 with `allowed` (invalid status
 *   transition, S3/S4 rules), 412 (stale `If-Match`), 400 (rejecting without a reason, unknown assignee)
 */
export async function changeTicket(
  caller: Caller,
  ticketId: string,
  update: () => Update,
  ifMatch: string | undefined,
): Promise<TicketItem> {
  const ticket = await loadVisibleTicket(caller, ticketId);
  if (ifMatch !== undefined && ifMatch !== '*' && ifMatch !== `"${ticket.ticketId}.${ticket.version}"`) {
    throw preconditionFailed();
  }
  const changes = update();
  const isOwner = ticket.requesterId === caller.userId;
  const { status, reason, assigneeId, ...fields } = changes;
  for (const [field, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    if (!caller.permissions.canEditAll && !(isOwner && requesterEditable.has(field))) {
      throw forbidden(`You may not change ${field} of this ticket.`);
    }
  }
  if (assigneeId !== undefined) {
    if (!caller.permissions.canAssignTickets) throw forbidden('You may not assign tickets.');
    const assignee = await findUser(assigneeId);
    if (!assignee || !canApprove(assignee.role)) {
      throw validationProblem([
        { in: 'body', pointer: '/assigneeId', detail: 'The assignee must be an agent or admin.' },
      ]);
    }
  }
  const now = isoNow();
  const set: Partial<TicketItem> = { ...stripUndefined(fields), updatedAt: now, version: ticket.version + 1 };
  if (assigneeId !== undefined) set.assigneeId = assigneeId;
  if (status !== undefined && status !== ticket.status) {
    const check = checkTransition(caller, ticket, status);
    if (!check.ok) {
      throw new Problem(409, 'invalid-transition', check.reason, {
        from: ticket.status,
        to: status,
        allowed: check.allowed,
      });
    }
    if (status === 'rejected' && !reason) {
      throw validationProblem([{ in: 'body', pointer: '/reason', detail: 'Give a reason to reject.' }]);
    }
    set.status = status;
    if (status === 'approved' || status === 'rejected') {
      set.decidedBy = caller.userId;
      set.decidedAt = now;
      if (reason) set.decisionReason = reason;
    }
  }
  const events = Object.entries(set)
    .filter(([field]) => !['updatedAt', 'version', 'decidedAt', 'decidedBy'].includes(field))
    .filter(([field, value]) => String(ticket[field as keyof TicketItem] ?? '') !== String(value ?? ''))
    .map(([field, value]) => ({
      ticketId,
      eventId: ulid(),
      actorId: caller.userId,
      field,
      from: stringOrUndefined(ticket[field as keyof TicketItem]),
      to: stringOrUndefined(value),
      at: now,
    }));
  if (events.length === 0) return ticket;
  const result = await db()
    .transaction.write(({ Ticket, TicketEvent }) => [
      Ticket.patch({ ticketId })
        .set(set)
        .where((attr, op) => op.eq(attr.version, ticket.version))
        .commit(),
      ...events.map((event) => TicketEvent.create(event).commit()),
    ])
    .go();
  if (result.canceled) {
    if (ifMatch !== undefined) throw preconditionFailed();
    throw conflict('The ticket changed while you were editing it; read it again and retry.');
  }
  return { ...ticket, ...set };
}

/**
 * Add a comment: `request` from the requester, `response` from an agent, `note` (internal) from an agent only
 * (S3, Zendesk). A first agent response marks the ticket `agentResponded`, which allows resolving it (S3). The
 * comment and the ticket's `updatedAt`/version are one transaction.
 * @throws Problem 404 (not visible), 403 (a requester writing an internal note), 409 (closed or canceled ticket)
 */
export async function addComment(
  caller: Caller,
  ticketId: string,
  body: () => z.output<typeof CreateCommentBody>,
): Promise<CommentItem> {
  const ticket = await loadVisibleTicket(caller, ticketId);
  const input = body();
  const kind = commentKindFor(caller, input.internal);
  if (!kind) throw forbidden('Only agents can write internal notes.');
  if (ticket.status === 'closed' || ticket.status === 'canceled') {
    throw conflict(`The ticket is ${ticket.status}; it takes no more comments.`);
  }
  const now = isoNow();
  const comment: CommentItem = {
    ticketId,
    commentId: ulid(),
    authorId: caller.userId,
    kind,
    body: input.body,
    createdAt: now,
    updatedAt: now,
  };
  const result = await db()
    .transaction.write(({ Ticket, Comment }) => [
      Comment.create(comment).commit(),
      Ticket.patch({ ticketId })
        .set({
          updatedAt: now,
          version: ticket.version + 1,
          ...(kind === 'response' ? { agentResponded: true } : {}),
        })
        .where((attr, op) => op.eq(attr.version, ticket.version))
        .commit(),
    ])
    .go();
  if (result.canceled) throw conflict('The ticket changed at the same time; retry.');
  return comment;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function stringOrUndefined(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  return Array.isArray(value) ? value.join(',') : String(value);
}
