/**
 * Response shapes: what the API shows of each item. Timestamps are ISO 8601 UTC strings.
 */
import type { CommentItem, TicketItem, UserItem } from '#shared/data/entities.ts';
import type { Caller } from '#shared/http/caller.ts';

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

export function commentView(comment: CommentItem) {
  return {
    commentId: comment.commentId,
    ticketId: comment.ticketId,
    authorId: comment.authorId,
    kind: comment.kind,
    body: comment.body,
    createdAt: comment.createdAt,
    updatedAt: comment.updatedAt,
  };
}

/** The caller's own profile with role and permission flags (`GET /me`). */
export function meView(caller: Caller, profile: UserItem | undefined) {
  return {
    userId: caller.userId,
    email: profile?.email ?? null,
    name: profile?.name ?? null,
    phone: profile?.phone ?? null,
    smsOptIn: profile?.smsOptIn ?? false,
    role: caller.role,
    permissions: caller.permissions,
  };
}
