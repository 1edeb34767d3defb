/** What the API shows of a ticket. Timestamps are ISO 8601 UTC strings. */
import type { TicketItem } from '#shared/tickets/ticket.entity.ts';

/** A ticket as the API returns it; `tags` is always an array. */
export function ticketView(ticket: TicketItem) {
  return {
    ticketId: ticket.ticketId,
    number: ticket.number,
    title: ticket.title,
    description: ticket.description,
    type: ticket.type,
    priority: ticket.priority,
    status: ticket.status,
    requesterId: ticket.requesterId,
    assigneeId: ticket.assigneeId ?? null,
    approverId: ticket.approverId ?? null,
    category: ticket.category ?? null,
    tags: ticket.tags ?? [],
    decision:
      ticket.status === 'approved' || ticket.status === 'rejected' || ticket.decidedAt
        ? {
            by: ticket.decidedBy ?? null,
            at: ticket.decidedAt ?? null,
            reason: ticket.decisionReason ?? null,
          }
        : null,
    createdAt: ticket.createdAt,
    updatedAt: ticket.updatedAt,
    version: ticket.version,
  };
}
