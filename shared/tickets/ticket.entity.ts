/**
 * A ticket. Stored at `pk = TICKET#<ticketId>`, `sk = TICKET`; its comments, images, audit events and
 * notification log share the partition (`COMMENT#`, `IMAGE#`, `EVENT#`, `NOTIFICATION#` sort keys).
 *
 * Lists (`docs/data-model.md`):
 * - every ticket, newest first: gsi1, partition `TICKETS#<shard>` with the shard (0 to {@link ticketListShards}
 *   − 1) derived from the ticket id, so new tickets spread over that many index partitions instead of one; a list
 *   reads the shards in parallel and merges them;
 * - a requester's tickets, newest first: gsi2, partition `REQUESTER#<requesterId>`;
 * - an assignee's tickets, newest first: gsi3, partition `ASSIGNEE#<assigneeId>` (unassigned tickets have no gsi3
 *   keys, so they are not in that index at all);
 * - every ticket with one status, priority or type, newest first: gsi7 `STATUS#<status>#<shard>`, gsi8
 *   `PRIORITY#<priority>#<shard>`, gsi9 `TYPE#<type>#<shard>`, sharded like gsi1 (a change of status, priority or
 *   type moves the ticket to another partition of that index);
 * - a customer's tickets, newest first: gsi12 (keys only), partition `CUSTOMER#<customerId>`, linked tickets only.
 * All sort by `<createdAt>#<ticketId>` and project the summary (`listProjection` in `shared/platform/table.ts`).
 * {@link ticketIndexKeys} derives every index key from the ticket's fields; writers of a change set the keys it
 * alters ({@link ticketIndexKeyChanges}), so the indexes never disagree with the item.
 */
import { createHash } from 'node:crypto';
import { type CableType, type LengthUnit, toMillimetres } from '#shared/inventory/cable.ts';
import type { Priority, TicketStatus, TicketType } from '#shared/tickets/lifecycle.ts';
import type { RequestDetailsInput } from '#shared/tickets/schemas.ts';

/**
 * A cable request's details as stored on its ticket (type `request` only): the length as given (`length`) and in
 * whole millimetres (`lengthMm`, `toMillimetres` in `shared/inventory/cable.ts`), so stock is taken exactly
 * (`lengthMm * quantity` when the ticket becomes `fulfilled`).
 */
export interface RequestDetailsItem {
  readonly cableType: CableType;
  /** One piece's length as the requester gave it. */
  readonly length: { readonly value: number; readonly unit: LengthUnit };
  /** The same length in whole millimetres (1 to `maxLengthMm`). */
  readonly lengthMm: number;
  /** How many pieces, 1 to 1,000. */
  readonly quantity: number;
  /** E.g. `23AWG`. */
  readonly gauge?: string | undefined;
  readonly location?: string | undefined;
  readonly notes?: string | undefined;
}

export interface TicketItem {
  /** ULID. */
  readonly ticketId: string;
  /** Human ticket number (`ticket-numbers.ts`). */
  readonly number: number;
  readonly title: string;
  readonly description: string;
  readonly type: TicketType;
  readonly priority: Priority;
  readonly status: TicketStatus;
  readonly requesterId: string;
  readonly assigneeId?: string | undefined;
  readonly approverId?: string | undefined;
  /**
   * A request approved by a group instead of one approver (a cable request without `approverId`): the group
   * setting it went to (`CABLE_APPROVER_GROUP`, e.g. `role:inventory`), and its enabled members then, less the
   * requester, at most `maxGroupApprovers` (`shared/users/group-members.ts`). Any of them who is still enabled and in
   * the group decides; the first decision wins.
   */
  readonly approverGroup?: string | undefined;
  readonly approverIds?: readonly string[] | undefined;
  /** A cable request's details (type `request` only). */
  readonly requestDetails?: RequestDetailsItem | undefined;
  readonly category?: string | undefined;
  readonly tags?: readonly string[] | undefined;
  /** The customer the ticket is for (`shared/customers/`): its `ticketCount` counts the link. */
  readonly customerId?: string | undefined;
  /**
   * Comments ever posted on the ticket (a delete does not decrement it), kept by `shared/comments/operations.ts`;
   * absent before the first. A comment does not bump `version`.
   */
  readonly commentCount?: number | undefined;
  /** True once an agent posted a `response` comment (nobody resolves a ticket no agent answered). */
  readonly agentResponded?: boolean | undefined;
  /** Reason given with an approval decision. */
  readonly decisionReason?: string | undefined;
  readonly decidedBy?: string | undefined;
  readonly decidedAt?: string | undefined;
  /**
   * ISO 8601: when the approved content (`approvedContentFields` in `policy.ts`) last changed while
   * `pending_approval`. The approval request is then sent again; links made before this instant are superseded.
   */
  readonly requestChangedAt?: string | undefined;
  /** ISO 8601. */
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Optimistic-locking version, starts at 1, +1 per change (`ETag`/`If-Match`). */
  readonly version: number;
}

export const ticketEntity = 'ticket';

/**
 * The stored request details of validated input: the length also in whole millimetres (`toMillimetres`), optional
 * fields only when given.
 */
export function requestDetailsRecord(input: RequestDetailsInput): RequestDetailsItem {
  const { cableType, length, quantity, gauge, location, notes } = input;
  return {
    cableType,
    length: { value: length.value, unit: length.unit },
    lengthMm: toMillimetres(length.value, length.unit),
    quantity,
    ...(gauge !== undefined ? { gauge } : {}),
    ...(location !== undefined ? { location } : {}),
    ...(notes !== undefined ? { notes } : {}),
  };
}

/**
 * Whether two sets of request details ask for the same thing (the stored map's key order is not kept by DynamoDB,
 * so they are compared field by field; `lengthMm` follows from `length`).
 */
export function sameRequestDetails(
  a: RequestDetailsItem | undefined | null,
  b: RequestDetailsItem | undefined | null,
): boolean {
  const fields = (d: RequestDetailsItem | undefined | null) =>
    d
      ? JSON.stringify([d.cableType, d.length.value, d.length.unit, d.quantity, d.gauge, d.location, d.notes])
      : null;
  return fields(a) === fields(b);
}

/**
 * How many gsi1 partitions hold the every-ticket list. Each index partition takes about 1,000 writes per second,
 * so new tickets can be indexed at about this many thousand per second; a list page reads this many partitions.
 * Changing it needs the index keys of existing tickets rewritten.
 */
export const ticketListShards = 8;

/** The list shard of a ticket: stable, uniform over {@link ticketListShards}. */
export function ticketShard(ticketId: string): number {
  return (createHash('sha256').update(ticketId).digest()[0] ?? 0) % ticketListShards;
}

/** The key of a ticket. */
export const ticketKey = (ticketId: string) => ({ pk: `TICKET#${ticketId}`, sk: 'TICKET' });

/** The partition of one shard of the every-ticket list (gsi1). */
export const allTicketsPartition = (shard: number) => ({ gsi1pk: `TICKETS#${shard}` });

/** The partition of a requester's tickets (gsi2). */
export const requesterTicketsPartition = (requesterId: string) => ({ gsi2pk: `REQUESTER#${requesterId}` });

/** The partition of an assignee's tickets (gsi3). */
export const assigneeTicketsPartition = (assigneeId: string) => ({ gsi3pk: `ASSIGNEE#${assigneeId}` });

/** The partition of one shard of the tickets with this status (gsi7). */
export const statusTicketsPartition = (status: TicketStatus, shard: number) => ({
  gsi7pk: `STATUS#${status}#${shard}`,
});

/** The partition of one shard of the tickets with this priority (gsi8). */
export const priorityTicketsPartition = (priority: Priority, shard: number) => ({
  gsi8pk: `PRIORITY#${priority}#${shard}`,
});

/** The partition of one shard of the tickets of this type (gsi9). */
export const typeTicketsPartition = (type: TicketType, shard: number) => ({
  gsi9pk: `TYPE#${type}#${shard}`,
});

/** The partition of a customer's tickets (gsi12, keys only): linked tickets only. */
export const customerTicketsPartition = (customerId: string) => ({ gsi12pk: `CUSTOMER#${customerId}` });

/** The list sort key: newest first when read descending. */
const listSortKey = (ticket: Pick<TicketItem, 'createdAt' | 'ticketId'>) =>
  `${ticket.createdAt}#${ticket.ticketId}`;

/**
 * The index keys of a ticket, from its fields; `undefined` for an index the ticket is not in (a sparse index: an
 * unassigned ticket has no gsi3 keys).
 */
export function ticketIndexKeys(ticket: TicketItem): Record<string, string | undefined> {
  const sortKey = listSortKey(ticket);
  const shard = ticketShard(ticket.ticketId);
  return {
    ...allTicketsPartition(shard),
    gsi1sk: sortKey,
    ...requesterTicketsPartition(ticket.requesterId),
    gsi2sk: sortKey,
    ...(ticket.assigneeId ? { ...assigneeTicketsPartition(ticket.assigneeId), gsi3sk: sortKey } : {}),
    ...(ticket.assigneeId ? {} : { gsi3pk: undefined, gsi3sk: undefined }),
    ...statusTicketsPartition(ticket.status, shard),
    gsi7sk: sortKey,
    ...priorityTicketsPartition(ticket.priority, shard),
    gsi8sk: sortKey,
    ...typeTicketsPartition(ticket.type, shard),
    gsi9sk: sortKey,
    // A customer's tickets (gsi12, keys only): sparse, like gsi3.
    ...(ticket.customerId
      ? { ...customerTicketsPartition(ticket.customerId), gsi12sk: sortKey }
      : { gsi12pk: undefined, gsi12sk: undefined }),
  };
}

/**
 * The index keys a change alters: those that differ between the ticket before and after, `undefined` for keys to
 * remove. Merge them into the update's `set`.
 */
export function ticketIndexKeyChanges(
  before: TicketItem,
  after: TicketItem,
): Record<string, string | undefined> {
  const was = ticketIndexKeys(before);
  const is = ticketIndexKeys(after);
  return Object.fromEntries(Object.entries(is).filter(([name, value]) => was[name] !== value));
}

/** The complete stored item of a ticket, as PutItem writes it: keys, index keys, entity name and fields. */
export function ticketRecord(ticket: TicketItem) {
  const indexKeys = Object.fromEntries(
    Object.entries(ticketIndexKeys(ticket)).filter(([, value]) => value !== undefined),
  );
  return { ...ticket, ...ticketKey(ticket.ticketId), entityType: ticketEntity, ...indexKeys };
}
