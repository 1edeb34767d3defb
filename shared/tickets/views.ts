/**
 * What the API shows of a ticket. Timestamps are ISO 8601 UTC strings. The people a ticket names (requester,
 * assignee, approver) are embedded as `{ userId, name, email }` (or null), from profiles read once per response
 * ({@link ticketPeopleIds} into `findUsers`, one BatchGetItem), so a client needs no second call to show them; the
 * ids stay as `requesterId`, `assigneeId`, `approverId`. Whoever may see a ticket sees the people it names.
 */
import type * as z from 'zod/mini';
import type {
  RequestDetailsView,
  TicketEventView,
  TicketSummaryView,
  TicketView,
} from '#shared/tickets/responses.ts';
import type { RequestDetailsItem, TicketItem } from '#shared/tickets/ticket.entity.ts';
import type { TicketEventItem } from '#shared/tickets/ticket-event.entity.ts';
import type { UserItem } from '#shared/users/user.entity.ts';
import { personView } from '#shared/users/views.ts';

/** Messages shown with a ticket (`GET /tickets/{ticketId}`), the description included; the rest through the comment list. */
export const threadCommentsPage = 50;

/** Images read with a ticket, at most (pending, ready and rejected together; the ready ones are shown). */
export const threadImagesLimit = 100;

/** Profiles by user id, as `findUsers` answers them. */
export type People = ReadonlyMap<string, UserItem>;

/** The fields a ticket list shows: what the list indexes project (`listProjection`). */
export type TicketSummary = Pick<
  TicketItem,
  | 'ticketId'
  | 'number'
  | 'title'
  | 'type'
  | 'priority'
  | 'status'
  | 'requesterId'
  | 'assigneeId'
  | 'approverId'
  | 'category'
  | 'tags'
  | 'createdAt'
>;

/** The person a set id names (a requester, an actor): `personView`, which is null only without an id. */
const someone = (userId: string, people: People) =>
  personView(userId, people) ?? { userId, name: null, email: null };

/** The user ids the views of these tickets name, for one `findUsers` call. */
export const ticketPeopleIds = (
  tickets: readonly Pick<TicketSummary, 'requesterId' | 'assigneeId' | 'approverId'>[],
) => tickets.flatMap((ticket) => [ticket.requesterId, ticket.assigneeId, ticket.approverId]);

/** A ticket in a list (`GET /tickets`): the summary; read the ticket for its description and decision. */
export function ticketSummaryView(ticket: TicketSummary, people: People): z.output<typeof TicketSummaryView> {
  return {
    ticketId: ticket.ticketId,
    number: ticket.number,
    title: ticket.title,
    type: ticket.type,
    priority: ticket.priority,
    status: ticket.status,
    requesterId: ticket.requesterId,
    assigneeId: ticket.assigneeId ?? null,
    approverId: ticket.approverId ?? null,
    requester: someone(ticket.requesterId, people),
    assignee: personView(ticket.assigneeId, people),
    approver: personView(ticket.approverId, people),
    category: ticket.category ?? null,
    tags: [...(ticket.tags ?? [])],
    createdAt: ticket.createdAt,
  };
}

/** A cable request's details as a ticket shows them: the optional texts `null` when not given. */
export function requestDetailsView(details: RequestDetailsItem): z.output<typeof RequestDetailsView> {
  return {
    cableType: details.cableType,
    length: { value: details.length.value, unit: details.length.unit },
    lengthMm: details.lengthMm,
    quantity: details.quantity,
    gauge: details.gauge ?? null,
    location: details.location ?? null,
    notes: details.notes ?? null,
  };
}

/** A ticket as the API returns it; `tags` and `approverIds` are always arrays. */
export function ticketView(ticket: TicketItem, people: People): z.output<typeof TicketView> {
  return {
    ...ticketSummaryView(ticket, people),
    description: ticket.description,
    requestDetails: ticket.requestDetails ? requestDetailsView(ticket.requestDetails) : null,
    approverGroup: ticket.approverGroup ?? null,
    approverIds: [...(ticket.approverIds ?? [])],
    customerId: ticket.customerId ?? null,
    decision:
      ticket.status === 'approved' || ticket.status === 'rejected' || ticket.decidedAt
        ? {
            by: ticket.decidedBy ?? null,
            at: ticket.decidedAt ?? null,
            reason: ticket.decisionReason ?? null,
          }
        : null,
    updatedAt: ticket.updatedAt,
    version: ticket.version,
  };
}

/**
 * One event of a ticket's audit trail: who (`actor`, embedded), when, which field, from → to (`null` when the
 * field was empty before or after). `field` is `created` for the creation (`to` the initial status).
 */
export function ticketEventView(event: TicketEventItem, people: People): z.output<typeof TicketEventView> {
  return {
    eventId: event.eventId,
    ticketId: event.ticketId,
    at: event.at,
    actor: someone(event.actorId, people),
    field: event.field,
    from: event.from ?? null,
    to: event.to ?? null,
    internal: event.internal === true,
    macro: event.macro ? { macroId: event.macro.macroId, name: event.macro.name } : null,
  };
}
