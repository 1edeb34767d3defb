/**
 * Ticket operations over the table: open, list (`listing.ts`), find, read a thread, change (`PATCH`, `PUT`, take),
 * delete (the rest goes in `cleanup.ts`); the audit trail is read in `audit-trail.ts`. Each takes plain values (the actor,
 * ids, the changes, an expected version), applies the rules of `lifecycle.ts` and `policy.ts`, and throws domain
 * errors, never HTTP; a route, a macro or a timer can call it alike. Writes that touch several items are one
 * TransactWriteItems call, so a failed write leaves nothing half-written.
 */
import { ulid } from 'ulid';
import type * as z from 'zod';
import type { CommentItem } from '#shared/comments/comment.entity.ts';
import { listComments } from '#shared/comments/operations.ts';
import {
  customerLinkWrites,
  linkableCustomer,
  linkRefused,
  unknownCustomer,
} from '#shared/customers/links.ts';
import { type ImageItem, imagePrefix } from '#shared/images/image.entity.ts';
import { formatLength } from '#shared/inventory/cable.ts';
import { cableApproverGroup } from '#shared/inventory/config.ts';
import { writeTicketChangeWithStock } from '#shared/inventory/fulfilment.ts';
import {
  attributesEqual,
  both,
  type Condition,
  getItem,
  itemExists,
  itemIsNew,
  queryPage,
  type TransactionWrite,
  transactWrite,
} from '#shared/platform/db.ts';
import { nowIso } from '#shared/platform/entity.ts';
import {
  Conflict,
  InvalidInput,
  NotAllowed,
  VersionConflict,
  VersionRequired,
} from '#shared/platform/errors.ts';
import { logger } from '#shared/platform/logger.ts';
import type { Actor } from '#shared/roles/actor.ts';
import { canApprove } from '#shared/roles/roles.ts';
import { TicketNotFound, TransitionNotAllowed } from '#shared/tickets/errors.ts';
import { initialStatus, type TicketStatus } from '#shared/tickets/lifecycle.ts';
import {
  approvedContentFields,
  assignmentFrozenReason,
  canSeeTicket,
  checkTransition,
  contentFrozenReason,
  deleteRefusal,
  fieldChangeRefusal,
  groupApproverIds,
  maxGroupApprovers,
  requestDetailsChangeRefusal,
  requestDetailsTypeRefusal,
} from '#shared/tickets/policy.ts';
import type {
  CreateTicketBody,
  ReplaceTicketInput,
  RequestDetailsInput,
  UpdateTicketInput,
} from '#shared/tickets/schemas.ts';
import {
  type RequestDetailsItem,
  requestDetailsRecord,
  sameRequestDetails,
  type TicketItem,
  ticketIndexKeyChanges,
  ticketKey,
  ticketRecord,
} from '#shared/tickets/ticket.entity.ts';
import {
  type TicketEventField,
  type TicketEventItem,
  ticketEventRecord,
} from '#shared/tickets/ticket-event.entity.ts';
import { nextTicketNumber } from '#shared/tickets/ticket-numbers.ts';
import { threadCommentsPage, threadImagesLimit } from '#shared/tickets/views.ts';
import { membersOf } from '#shared/users/group-members.ts';
import { findUser } from '#shared/users/profiles.ts';
import { userKey } from '#shared/users/user.entity.ts';

/** How an approver group's setting is stored on a ticket (`approverGroup`): as it is written, `role:<name>` or ids. */
const groupSetting = (group: ReturnType<typeof cableApproverGroup>) =>
  group.kind === 'role' ? `role:${group.role}` : group.userIds.join(',');

/**
 * Who approves a cable request that names no approver: the configured group (`cableApproverGroup`), its enabled
 * members now less the requester, at most {@link maxGroupApprovers} (`groupApproverIds`).
 * @throws InvalidInput (`/approverId`) when nobody is left
 */
async function cableApprovers(
  requesterId: string,
): Promise<{ approverGroup: string; approverIds: string[] }> {
  const group = cableApproverGroup();
  const approverIds = groupApproverIds(await membersOf(group), requesterId);
  if (approverIds.length === 0) {
    throw new InvalidInput(
      [
        {
          in: 'body',
          pointer: '/approverId',
          detail:
            `Nobody can approve this cable request: the approver group ${groupSetting(group)} has no enabled ` +
            'member other than you. Name an approver (approverId).',
        },
      ],
      'No approver for this cable request.',
    );
  }
  return { approverGroup: groupSetting(group), approverIds };
}

/**
 * Open a ticket for the actor (its requester). With an `approverId` it starts `pending_approval` and the stream
 * notifier mails the approver a link. A cable request (type `request` with `requestDetails`) always needs
 * approval: without an `approverId` it goes to the cable approver group (`cableApproverGroup`: `approverGroup`, and
 * `approverIds` = its enabled members less the requester, at most {@link maxGroupApprovers}), each member mailed a
 * link of their own.
 * @throws NotAllowed when the actor's role may not create tickets; InvalidInput when the approver is unknown,
 *   disabled, not an agent or admin, or the actor themself (separation of duties), when `requestDetails` come with
 *   another type than `request` (`/requestDetails`), or when the approver group has nobody but the actor
 *   (`/approverId`)
 */
export async function openTicket(
  actor: Actor,
  input: z.output<typeof CreateTicketBody>,
): Promise<TicketItem> {
  if (!actor.permissions.canCreateTickets) throw new NotAllowed('Your role may not create tickets.');
  const detailsRefused = requestDetailsTypeRefusal(input.type, input.requestDetails !== undefined);
  if (detailsRefused) {
    throw new InvalidInput([{ in: 'body', pointer: '/requestDetails', detail: detailsRefused }]);
  }
  if (input.customerId) await linkableCustomer(actor, input.customerId);
  if (input.approverId) {
    const approver = input.approverId === actor.userId ? undefined : await findUser(input.approverId);
    if (!approver || approver.disabled || !canApprove(approver.role)) {
      throw new InvalidInput([
        {
          in: 'body',
          pointer: '/approverId',
          detail: 'The approver must be another existing, enabled agent or admin.',
        },
      ]);
    }
  }
  const group = input.requestDetails && !input.approverId ? await cableApprovers(actor.userId) : undefined;
  const now = nowIso();
  const ticket: TicketItem = {
    ticketId: ulid(),
    number: await nextTicketNumber(),
    title: input.title,
    description: input.description,
    type: input.type,
    priority: input.priority,
    status: group ? 'pending_approval' : initialStatus(input.approverId),
    requesterId: actor.userId,
    approverId: input.approverId,
    ...(group ?? {}),
    ...(input.requestDetails ? { requestDetails: requestDetailsRecord(input.requestDetails) } : {}),
    customerId: input.customerId,
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
    // The customer's ticketCount, conditioned on the customer existing (`shared/customers/links.ts`).
    ...customerLinkWrites(undefined, input.customerId),
  ]);
  if (!created.ok && linkRefused(created.reasons, 3)) throw unknownCustomer('/customerId');
  if (!created.ok)
    throw new Error(`Ticket ${ticket.ticketId} could not be created: ${created.reasons.join(', ')}`);
  return ticket;
}

export { listTickets, type Page, type TicketFilters } from '#shared/tickets/listing.ts';

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
const unaudited = /* @__PURE__ */ new Set([
  'updatedAt',
  'version',
  'decidedAt',
  'decidedBy',
  'requestChangedAt',
]);

/**
 * The audit events of a change: one per field whose value differs from the ticket's, each stamped with the
 * version the change makes (`ticket.version + 1`), so "what changed since version n" is the events above n.
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
    .filter(
      ([field, value]) =>
        (stringOrUndefined(ticket[field as keyof TicketItem]) ?? '') !== (stringOrUndefined(value) ?? ''),
    )
    .map(([field, value]) => ({
      ticketId: ticket.ticketId,
      eventId: ulid(),
      actorId,
      // The keys of a change's `set`, less the unaudited ones: editable fields, assigneeId, status, decisionReason.
      field: field as TicketEventField,
      from: stringOrUndefined(ticket[field as keyof TicketItem]),
      to: stringOrUndefined(value),
      at,
      version: ticket.version + 1,
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
  /** What else the same update does to the ticket item (a macro's reply: `ADD commentCount`), and its condition. */
  extra: { readonly add?: Readonly<Record<string, number>>; readonly condition?: Condition } = {},
): TransactionWrite[] {
  const indexKeys = ticketIndexKeyChanges(ticket, { ...ticket, ...set });
  const unchanged = attributesEqual({ version: ticket.version });
  return [
    {
      update: ticketKey(ticket.ticketId),
      changes: {
        set: { ...set, ...indexKeys, version: ticket.version + 1 },
        ...(extra.add ? { add: extra.add } : {}),
      },
      condition: extra.condition ? both(unchanged, extra.condition) : unchanged,
    },
    ...events.map((event) => ({ put: ticketEventRecord(event) })),
  ];
}

/** The fields a person edits (the rest is the lifecycle, the assignee, decisions and bookkeeping). */
const editableFields = [
  'title',
  'description',
  'type',
  'priority',
  'category',
  'tags',
  'requestDetails',
] as const;
type EditableField = (typeof editableFields)[number];

/** A change of a ticket, as the operations below apply it. */
export interface TicketChange {
  /** A move along the lifecycle; `reason` goes with a decision. */
  readonly status?: TicketStatus | undefined;
  readonly reason?: string | undefined;
  /** The new values of editable fields; a field present with `undefined` is removed (emptied). */
  readonly fields: Partial<Record<EditableField, unknown>>;
  /** The new assignee; `null` unassigns; `undefined` leaves the assignee as it is. */
  readonly assigneeId?: string | null | undefined;
  /** The customer the ticket is for; `null` unlinks; `undefined` leaves it as it is. Needs `canManageTickets`. */
  readonly customerId?: string | null | undefined;
}

/** Whether two field values are the same (missing, null and an empty list are all "empty"). */
function sameValue(a: unknown, b: unknown): boolean {
  const empty = (value: unknown) =>
    value === undefined || value === null || (Array.isArray(value) && value.length === 0);
  if (empty(a) || empty(b)) return empty(a) && empty(b);
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The assignee a change names may work tickets: an existing agent or admin (a role that may approve and be
 * assigned), not disabled.
 * @throws InvalidInput (`/assigneeId`) otherwise
 */
async function checkAssignee(assigneeId: string): Promise<void> {
  const assignee = await findUser(assigneeId);
  if (!assignee || !canApprove(assignee.role) || (assignee as { disabled?: boolean }).disabled) {
    throw new InvalidInput([
      { in: 'body', pointer: '/assigneeId', detail: 'The assignee must be an existing agent or admin.' },
    ]);
  }
}

/**
 * Apply a change to a ticket the actor can see. Only what differs from the ticket is a change, and each needs
 * its permission: an editable field `canEditAll` (the requester changes title, description and priority of their
 * own ticket), the assignee `canAssignTickets` (and an agent or admin to assign to), the status the lifecycle's
 * party (`policy.ts`). The change and its audit events are one transaction conditioned on the version read.
 * @param expectedVersion the version the client last read (from `If-Match`), if it sent one
 * @param options `assigneeChecked`: the caller already knows the assignee may work tickets (taking a ticket)
 * @returns the ticket after the change (unchanged when nothing differs)
 * @throws VersionRequired (an approval decision without `expectedVersion`, see {@link requireDecisionVersion});
 *   VersionConflict (stale `expectedVersion`, or a concurrent change when one was given); NotAllowed (a
 *   field or the assignee the actor may not change); TransitionNotAllowed with `allowed`; InvalidInput (rejecting
 *   without a reason, an assignee who is not an agent or admin); Conflict (the content is frozen in this status for
 *   this actor, see `contentFrozenReason`; the assignee of a closed or canceled ticket, `assignmentFrozenReason`;
 *   or a concurrent change). A change of the approved content while `pending_approval` stamps `requestChangedAt`,
 *   which re-sends the approval request and supersedes its older links.
 */
export async function applyTicketChange(
  actor: Actor,
  ticket: TicketItem,
  change: TicketChange,
  expectedVersion: number | undefined,
  options: { assigneeChecked?: boolean } = {},
): Promise<TicketItem> {
  if (expectedVersion !== undefined && expectedVersion !== ticket.version) throw new VersionConflict();
  const { set, events, at } = await planTicketChange(actor, ticket, change, options);
  requireDecisionVersion(set, expectedVersion);
  if (events.length === 0) return ticket;
  set.updatedAt = at;
  const changeWrites = ticketChangeWrites(ticket, set, events);
  const links = 'customerId' in set ? customerLinkWrites(ticket.customerId, set.customerId) : [];
  // A cable request's stock moves with its fulfilment (and back with its undoing), in the same transaction.
  const result = await writeTicketChangeWithStock(
    ticket,
    set.status,
    actor.userId,
    [...changeWrites, ...links],
    change.reason,
  );
  if (!result.ok) {
    if (linkRefused(result.reasons, changeWrites.length)) throw unknownCustomer('/customerId');
    if (expectedVersion !== undefined) throw new VersionConflict();
    throw new Conflict('The ticket changed while you were editing it; read it again and retry.');
  }
  return { ...ticket, ...set, version: ticket.version + 1 };
}

/**
 * An approval decision (a change to `approved` or `rejected`) binds to the version the decider saw, so it needs
 * that version (`If-Match`), checked after the decider's permission and the lifecycle (a caller who may not decide
 * learns that first). Every other change may omit it (then it applies to the ticket as it is).
 * @param set the change's new values ({@link planTicketChange})
 * @param expectedVersion the version the client read, if it sent one (`*` sends none)
 * @throws VersionRequired (428) for a decision without a version
 */
export function requireDecisionVersion(set: TicketSet, expectedVersion: number | undefined): void {
  if (expectedVersion === undefined && (set.status === 'approved' || set.status === 'rejected')) {
    throw new VersionRequired();
  }
}

/** The new values of a ticket change's fields, as {@link planTicketChange} computes them. */
export type TicketSet = { -readonly [K in keyof TicketItem]?: TicketItem[K] };

/**
 * What a change does to a ticket, without writing it: the rules of {@link applyTicketChange} (permissions by field,
 * frozen content, the assignee, the lifecycle), the new values (`set`) and the audit events, at the instant `at`.
 * A macro composes it with other writes in one transaction (`shared/macros/operations.ts`).
 * @returns `events` empty when nothing differs
 * @throws as {@link applyTicketChange}, but never VersionConflict (the caller compares versions)
 */
export async function planTicketChange(
  actor: Actor,
  ticket: TicketItem,
  change: TicketChange,
  options: { assigneeChecked?: boolean } = {},
): Promise<{ set: TicketSet; events: TicketEventItem[]; at: string }> {
  const now = nowIso();
  const set: TicketSet = {};
  const frozen = contentFrozenReason(actor, ticket);
  for (const field of editableFields) {
    if (!(field in change.fields)) continue;
    let value = change.fields[field];
    if (field === 'requestDetails') {
      // Validated input (`RequestDetails`), stored with its length in millimetres; `null` removes them.
      value = value ? requestDetailsRecord(value as RequestDetailsInput) : undefined;
      if (sameRequestDetails(ticket.requestDetails, value as RequestDetailsItem | undefined)) continue;
    } else if (sameValue(ticket[field], value)) continue;
    if (frozen) throw new Conflict(frozen, { ticketStatus: ticket.status });
    const refusal = fieldChangeRefusal(actor, ticket, field);
    if (refusal) throw new NotAllowed(refusal);
    if (field === 'requestDetails') {
      const detailsRefusal = requestDetailsChangeRefusal(ticket);
      if (detailsRefusal) {
        throw new InvalidInput([{ in: 'body', pointer: '/requestDetails', detail: detailsRefusal }]);
      }
    }
    Object.assign(set, {
      [field]: value === null || (Array.isArray(value) && value.length === 0) ? undefined : value,
    });
  }
  const typeAfter = 'type' in set ? (set.type ?? 'question') : ticket.type;
  const detailsAfter = 'requestDetails' in set ? set.requestDetails : ticket.requestDetails;
  const detailsRefused = requestDetailsTypeRefusal(typeAfter, detailsAfter !== undefined);
  if (detailsRefused) {
    throw new InvalidInput([{ in: 'body', pointer: '/requestDetails', detail: detailsRefused }]);
  }
  if (change.assigneeId !== undefined && (change.assigneeId ?? undefined) !== ticket.assigneeId) {
    if (!actor.permissions.canAssignTickets) throw new NotAllowed('You may not assign tickets.');
    const assignmentFrozen = assignmentFrozenReason(ticket);
    if (assignmentFrozen) throw new Conflict(assignmentFrozen, { ticketStatus: ticket.status });
    if (change.assigneeId !== null && !options.assigneeChecked) await checkAssignee(change.assigneeId);
    set.assigneeId = change.assigneeId ?? undefined;
  }
  if (change.customerId !== undefined && (change.customerId ?? undefined) !== ticket.customerId) {
    if (!actor.permissions.canManageTickets) throw new NotAllowed('Only agents link tickets to customers.');
    if (change.customerId !== null) await linkableCustomer(actor, change.customerId);
    set.customerId = change.customerId ?? undefined;
  }
  // An edit of the content an approver is asked to approve re-sends the request with the new content (new links;
  // links made before this instant decide nothing: `inspectLink` in `shared/approvals/operations.ts`).
  if (
    ticket.status === 'pending_approval' &&
    Object.keys(set).some((field) => approvedContentFields.has(field))
  ) {
    set.requestChangedAt = now;
  }
  const { status, reason } = change;
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
  return { set, events: auditEventsOf(ticket, set, actor.userId, now), at: now };
}

/**
 * `PATCH`: change the fields sent, leave the others (see {@link applyTicketChange} for the rules and errors).
 * @param ticket the ticket as read by {@link findVisibleTicket}
 */
export function changeTicket(
  actor: Actor,
  ticket: TicketItem,
  changes: UpdateTicketInput,
  expectedVersion: number | undefined,
): Promise<TicketItem> {
  const { status, reason, assigneeId, customerId, ...fields } = changes;
  return applyTicketChange(
    actor,
    ticket,
    {
      status,
      reason,
      assigneeId,
      customerId,
      fields: Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)),
    },
    expectedVersion,
  );
}

/**
 * `PUT`: replace every editable field and the assignee with the body's (the schema fills in the defaults of
 * those left out: `type` question, `priority` medium, no category, no tags, unassigned); `status` moves only when
 * sent. Same rules and errors as {@link applyTicketChange}: a field sent as it is needs no permission.
 * @param ticket the ticket as read by {@link findVisibleTicket}
 */
export function replaceTicket(
  actor: Actor,
  ticket: TicketItem,
  body: ReplaceTicketInput,
  expectedVersion: number | undefined,
): Promise<TicketItem> {
  const { status, reason, assigneeId, customerId, ...fields } = body;
  return applyTicketChange(
    actor,
    ticket,
    {
      status,
      reason,
      assigneeId: assigneeId ?? null,
      customerId: customerId ?? null,
      fields: { category: undefined, requestDetails: undefined, ...fields },
    },
    expectedVersion,
  );
}

/**
 * Take a ticket: assign it to the actor, who works tickets (the route requires `canManageTickets`). A ticket
 * already theirs stays as it is; one assigned to someone else is taken over only with `canAssignTickets`.
 * @param ticket the ticket as read by {@link findVisibleTicket}
 * @throws Conflict (assigned to someone else, and the actor may not reassign); VersionConflict (stale
 *   `expectedVersion`); as {@link applyTicketChange}
 */
export async function takeTicket(
  actor: Actor,
  ticket: TicketItem,
  expectedVersion: number | undefined,
): Promise<TicketItem> {
  if (expectedVersion !== undefined && expectedVersion !== ticket.version) throw new VersionConflict();
  if (ticket.assigneeId === actor.userId) return ticket;
  if (ticket.assigneeId && !actor.permissions.canAssignTickets) {
    throw new Conflict('Someone else works this ticket; ask someone who may assign tickets to reassign it.');
  }
  // Taking is assigning to oneself: the route's canManageTickets is the permission, and the actor may work it.
  const asAssigner: Actor = { ...actor, permissions: { ...actor.permissions, canAssignTickets: true } };
  return applyTicketChange(asAssigner, ticket, { fields: {}, assigneeId: actor.userId }, expectedVersion, {
    assigneeChecked: true,
  });
}

/**
 * Delete a ticket the actor can see (`deleteRefusal` in `policy.ts`: `canDeleteAll`, or its requester while
 * nothing has happened to it). The ticket item goes at once, with the requester's `ticketsCount`, in one
 * transaction conditioned on the version read; its comments, images, audit events, notification log, approval
 * links and stored objects are removed afterwards by the stream consumer of its removal (`cleanup.ts`).
 * @param ticket the ticket as read by {@link findVisibleTicket}
 * @param expectedVersion the version the client last read (from `If-Match`), if it sent one
 * @throws NotAllowed (neither `canDeleteAll` nor its requester); Conflict (its requester, after something
 *   happened; or a concurrent change); VersionConflict (stale `expectedVersion`, or a change meanwhile when given)
 */
export async function deleteTicket(
  actor: Actor,
  ticket: TicketItem,
  expectedVersion: number | undefined,
): Promise<void> {
  const refusal = deleteRefusal(actor, ticket);
  if (refusal?.kind === 'not-allowed') throw new NotAllowed(refusal.reason);
  if (refusal) throw new Conflict(refusal.reason);
  if (expectedVersion !== undefined && expectedVersion !== ticket.version) throw new VersionConflict();
  const result = await transactWrite([
    { delete: ticketKey(ticket.ticketId), condition: attributesEqual({ version: ticket.version }) },
    { update: userKey(ticket.requesterId), changes: { add: { ticketsCount: -1 } }, condition: itemExists },
    ...customerLinkWrites(ticket.customerId, undefined),
  ]);
  if (!result.ok) {
    const [ticketReason] = result.reasons;
    const raced = result.reasons.includes('TransactionConflict');
    if (ticketReason !== 'ConditionalCheckFailed' && !raced) {
      throw new Error(`Ticket ${ticket.ticketId} could not be deleted: ${result.reasons.join(', ')}`);
    }
    if (expectedVersion !== undefined && !raced) throw new VersionConflict();
    throw new Conflict('The ticket changed while you were deleting it; read it again and retry.');
  }
  logger.info('Ticket deleted', { ticketId: ticket.ticketId, number: ticket.number, by: actor.userId });
}

function stringOrUndefined(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) return value.join(',');
  if (typeof value === 'object' && 'cableType' in value)
    return requestDetailsText(value as RequestDetailsItem);
  return String(value);
}

/** Request details in an audit event: `Cat6, 100 ft (30.48 m) × 2, gauge 23AWG, at Building A, notes: …`. */
function requestDetailsText(details: RequestDetailsItem): string {
  return [
    `${details.cableType}, ${formatLength(details.lengthMm)} × ${details.quantity}`,
    ...(details.gauge ? [`gauge ${details.gauge}`] : []),
    ...(details.location ? [`at ${details.location}`] : []),
    ...(details.notes ? [`notes: ${details.notes}`] : []),
  ].join(', ');
}
