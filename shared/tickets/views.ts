/** What the API shows of a ticket. Timestamps are ISO 8601 UTC strings. */
import type { TicketItem } from '#shared/tickets/ticket.entity.ts';

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

/** A ticket in a list (`GET /tickets`): the summary; read the ticket for its description and decision. */
export function ticketSummaryView(ticket: TicketSummary) {
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
    category: ticket.category ?? null,
    tags: ticket.tags ?? [],
    createdAt: ticket.createdAt,
  };
}

/** A ticket as the API returns it; `tags` is always an array. */
export function ticketView(ticket: TicketItem) {
  return {
    ...ticketSummaryView(ticket),
    description: ticket.description,
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
