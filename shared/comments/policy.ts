/**
 * Who writes which kind of comment, who reads internal notes, who edits and deletes a comment. Pure: no AWS,
 * unit-tested in `test/unit/comment-rules.test.ts` and `test/unit/ticket-rules.test.ts`.
 */
import type { CommentItem } from '#shared/comments/comment.entity.ts';
import type { FieldError } from '#shared/platform/errors.ts';
import type { Actor } from '#shared/roles/actor.ts';
import type { TicketStatus } from '#shared/tickets/lifecycle.ts';

/** Whether the actor sees internal notes: agents (`canManageTickets`) do, requesters never. */
export const canSeeInternalNotes = (actor: Actor) => actor.permissions.canManageTickets;

/**
 * Whether the actor may see this comment of a ticket they can see: every comment, except internal notes, which
 * only agents see.
 */
export const canSeeComment = (actor: Actor, comment: Pick<CommentItem, 'kind'>) =>
  comment.kind !== 'note' || canSeeInternalNotes(actor);

/**
 * The kind of a new comment: `request` from the requester, `response` from an agent; internal notes are agents'
 * only.
 * @returns the kind, or `undefined` when the actor may not write an internal note
 */
export function commentKindFor(actor: Actor, internal: boolean): 'request' | 'response' | 'note' | undefined {
  if (actor.permissions.canManageTickets) return internal ? 'note' : 'response';
  return internal ? undefined : 'request';
}

/**
 * Whether the actor may list comments across tickets (`GET /comments`): those who see every ticket
 * (`canViewAll`) or work tickets (`canManageTickets`).
 */
export const canListCommentsAcrossTickets = (actor: Actor) =>
  actor.permissions.canViewAll || actor.permissions.canManageTickets;

/** The one filter of a list across tickets, or why the query has none (a field error on the query). */
export type CommentListFilter =
  | { readonly ok: true; readonly by: 'author'; readonly authorId: string }
  | { readonly ok: true; readonly by: 'ticket'; readonly ticketId: string }
  | { readonly ok: false; readonly error: FieldError };

/**
 * The filter of `GET /comments`: exactly one of `authorId` and `ticketId`, each served by its own key (an
 * author's index partition, a ticket's partition). For one author on one ticket, list the ticket.
 */
export function commentListFilter(query: {
  readonly authorId?: string | undefined;
  readonly ticketId?: string | undefined;
}): CommentListFilter {
  if (query.authorId !== undefined && query.ticketId !== undefined) {
    return {
      ok: false,
      error: {
        in: 'query',
        pointer: '/ticketId',
        detail:
          'Filter by authorId or by ticketId, not both (for one author on one ticket, list the ticket).',
      },
    };
  }
  if (query.authorId !== undefined) return { ok: true, by: 'author', authorId: query.authorId };
  if (query.ticketId !== undefined) return { ok: true, by: 'ticket', ticketId: query.ticketId };
  return {
    ok: false,
    error: {
      in: 'query',
      pointer: '/authorId',
      detail: 'Filter by authorId or by ticketId: one of them is required.',
    },
  };
}

/**
 * The most comments a ticket takes: 1,000 (issue 9, OWASP API4 "unrestricted resource consumption": one
 * ticket's partition and thread must not grow without end). Counted by the ticket item's `commentCount` (comments
 * ever posted; a delete does not give the place back, its audit event stays in the partition too); the 1,001st
 * comment is a 409 with `maxComments`.
 */
export const MAX_COMMENTS_PER_TICKET = 1000;

/** Statuses in which a ticket's conversation no longer changes: no new comments, no edits, no deletes. */
export const frozenStatuses: ReadonlySet<TicketStatus> = new Set(['closed', 'canceled']);

export type CommentChangeCheck =
  | { readonly ok: true }
  | { readonly ok: false; readonly refusal: 'not-allowed' | 'frozen'; readonly reason: string };

/**
 * Whether the actor may edit or delete this comment (which they can see) of a ticket in `status`:
 * - edits: the author, or `canEditAll`; deletes: the author, or `canDeleteAll`;
 * - a closed or canceled ticket's conversation is frozen: no edits, and deletes only by `canDeleteAll` (to take
 *   out what must not stay, such as a password pasted into a reply).
 * The operation throws `NotAllowed` (`not-allowed`) or `Conflict` (`frozen`) with the reason.
 */
export function checkCommentChange(
  actor: Actor,
  comment: Pick<CommentItem, 'authorId'>,
  status: TicketStatus,
  change: 'edit' | 'delete',
): CommentChangeCheck {
  const isAuthor = comment.authorId === actor.userId;
  const overrides = change === 'edit' ? actor.permissions.canEditAll : actor.permissions.canDeleteAll;
  if (!isAuthor && !overrides) {
    return {
      ok: false,
      refusal: 'not-allowed',
      reason: `Only its author may ${change} this comment.`,
    };
  }
  if (frozenStatuses.has(status) && !(change === 'delete' && actor.permissions.canDeleteAll)) {
    return {
      ok: false,
      refusal: 'frozen',
      reason: `The ticket is ${status}; its comments can no longer be ${change === 'edit' ? 'edited' : 'deleted'}.`,
    };
  }
  return { ok: true };
}
