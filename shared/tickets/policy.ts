/**
 * Who may see a ticket and move it along the lifecycle, from the actor's permission flags and their relation to
 * the ticket (requester, assignee, approver). Pure: no AWS, unit-tested in `test/unit/ticket-rules.test.ts`.
 */
import type { Actor } from '#shared/roles/actor.ts';
import { approvesEverything } from '#shared/roles/roles.ts';
import { type Party, type TicketFacts, type TicketStatus, transitions } from '#shared/tickets/lifecycle.ts';

/** The parties the actor counts as for this ticket. Admins count as approver of every ticket but their own. */
export function partiesFor(actor: Actor, ticket: TicketFacts): Set<Party> {
  const parties = new Set<Party>();
  if (actor.permissions.canManageTickets) parties.add('agent');
  if (ticket.requesterId === actor.userId) parties.add('requester');
  // Separation of duties: nobody approves a ticket they requested, whatever their role.
  const mayApprove = ticket.approverId === actor.userId || approvesEverything(actor.role);
  if (mayApprove && ticket.requesterId !== actor.userId) parties.add('approver');
  return parties;
}

/** Targets the actor may move this ticket to now. */
export function allowedTransitions(actor: Actor, ticket: TicketFacts): TicketStatus[] {
  const parties = partiesFor(actor, ticket);
  return Object.entries(transitions[ticket.status])
    .filter(([, who]) => who?.some((party) => parties.has(party)))
    .map(([to]) => to as TicketStatus)
    .filter((to) => !(to === 'resolved' && !ticket.agentResponded));
}

export type TransitionCheck =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: string; readonly allowed: TicketStatus[] };

/**
 * Whether the actor may move the ticket to `to`.
 * Failure reasons: not a transition of the lifecycle, not this actor's to make, or resolving a ticket that has no
 * agent response yet (an agent cannot resolve what nobody answered). The operation throws `TransitionNotAllowed`
 * with `allowed`.
 */
export function checkTransition(actor: Actor, ticket: TicketFacts, to: TicketStatus): TransitionCheck {
  const allowed = allowedTransitions(actor, ticket);
  if (allowed.includes(to)) return { ok: true };
  const who = transitions[ticket.status][to];
  let reason: string;
  if (!who) reason = `A ticket cannot go from ${ticket.status} to ${to}.`;
  else if (
    to === 'resolved' &&
    !ticket.agentResponded &&
    who.some((party) => partiesFor(actor, ticket).has(party))
  )
    reason = 'A ticket cannot be resolved before an agent has responded to it.';
  else reason = `Only the ticket's ${who.join(' or ')} may move it from ${ticket.status} to ${to}.`;
  return { ok: false, reason, allowed };
}

/**
 * Whether the actor may see the ticket: requesters see their own, `canViewAll` every ticket; the approver and the
 * assignee see it too. Actors who may not see a ticket get "not found", never "not allowed", so ids cannot be
 * probed.
 */
export function canSeeTicket(actor: Actor, ticket: TicketFacts): boolean {
  return (
    actor.permissions.canViewAll ||
    ticket.requesterId === actor.userId ||
    ticket.approverId === actor.userId ||
    ticket.assigneeId === actor.userId
  );
}

/** Fields a ticket's requester may change on their own ticket; every other field needs `canEditAll`. */
export const requesterEditableFields: ReadonlySet<string> = /* @__PURE__ */ new Set([
  'title',
  'description',
  'priority',
]);

/**
 * Why the actor may not change `field` of this ticket, or `undefined` when they may: `canEditAll` changes any
 * field, the requester only {@link requesterEditableFields} of their own ticket.
 */
export function fieldChangeRefusal(actor: Actor, ticket: TicketFacts, field: string): string | undefined {
  if (actor.permissions.canEditAll) return undefined;
  if (ticket.requesterId === actor.userId && requesterEditableFields.has(field)) return undefined;
  return `You may not change ${field} of this ticket.`;
}

/** Statuses in which a ticket's requester may still edit its content: before any decision or work on it. */
export const requesterEditableStatuses: ReadonlySet<string> = /* @__PURE__ */ new Set([
  'open',
  'pending',
  'pending_approval',
]);

/** Statuses in which a ticket changes only by reopening it, where the lifecycle allows. */
export const frozenStatuses: ReadonlySet<string> = /* @__PURE__ */ new Set(['closed', 'canceled']);

/**
 * The content an approver approves (PRODUCT "Approvals": a decision binds to what the approver saw): its editable
 * fields and the approver. Once decided it is frozen for everyone; a change of it while `pending_approval` re-sends
 * the approval request (`requestChangedAt`, `shared/approvals/stream-rules.ts`).
 */
export const approvedContentFields: ReadonlySet<string> = /* @__PURE__ */ new Set([
  'title',
  'description',
  'type',
  'priority',
  'category',
  'tags',
  'approverId',
]);

/**
 * Why the ticket's content fields ({@link approvedContentFields}) may not change now, whoever asks, or `undefined`
 * when they may (`docs/lifecycle.md` "Who may change a ticket's content, by status"):
 * - a closed or canceled ticket changes only by reopening it, where the lifecycle allows (for everyone);
 * - once an approver decided (`decidedAt`: approved or rejected, and every status after), the approved content is
 *   frozen for everyone, agents and admins included: what was approved stays what was approved;
 * - the requester edits only before any decision or work (`open`, `pending`, `pending_approval`).
 * The operation throws `Conflict` (409) with this reason.
 */
export function contentFrozenReason(actor: Actor, ticket: TicketFacts): string | undefined {
  if (frozenStatuses.has(ticket.status)) {
    return `A ${ticket.status} ticket changes only by reopening it, where the lifecycle allows.`;
  }
  if (ticket.decidedAt) {
    return (
      `The ticket's approval was decided: its approved content (title, description, type, priority, category, ` +
      `tags, approver) is frozen for everyone; it may still be assigned and moved along the lifecycle.`
    );
  }
  if (!actor.permissions.canEditAll && ticket.requesterId === actor.userId) {
    if (!requesterEditableStatuses.has(ticket.status)) {
      return `The ticket is ${ticket.status}: its content is frozen for its requester.`;
    }
  }
  return undefined;
}

/**
 * Why the ticket's assignee may not change now, or `undefined` when it may: a closed or canceled ticket changes
 * only by reopening it (for everyone). A decided ticket is still assigned and worked.
 */
export function assignmentFrozenReason(ticket: TicketFacts): string | undefined {
  if (frozenStatuses.has(ticket.status)) {
    return `A ${ticket.status} ticket changes only by reopening it, where the lifecycle allows.`;
  }
  return undefined;
}

/**
 * Whether nothing has happened to a ticket since it was created: it is still at version 1 and nobody commented on
 * it. Every change of the ticket's own fields bumps the version (a field edit, a status move, an assignment, an
 * approval decision); a comment does not (it does not contend on the version, `shared/comments/operations.ts`) but
 * counts in `commentCount`. So this also means: still in its initial status (`open`, or `pending_approval`), no
 * reply of anyone, no assignee, no decision, and not even an edit by the requester. Image uploads do not count.
 */
export const nothingHappened = (ticket: {
  readonly version: number;
  readonly commentCount?: number | undefined;
}) => ticket.version === 1 && !ticket.commentCount;

export type DeleteRefusal =
  | { readonly kind: 'not-allowed'; readonly reason: string }
  | { readonly kind: 'activity'; readonly reason: string };

/**
 * Why the actor may not delete this ticket (which they can see), or `undefined` when they may: `canDeleteAll`
 * deletes any ticket; its requester deletes it while {@link nothingHappened}; nobody else. The operation throws
 * `NotAllowed` for `not-allowed` and `Conflict` for `activity` (the requester, too late).
 */
export function deleteRefusal(
  actor: Actor,
  ticket: TicketFacts & { readonly version: number; readonly commentCount?: number | undefined },
): DeleteRefusal | undefined {
  if (actor.permissions.canDeleteAll) return undefined;
  if (ticket.requesterId !== actor.userId) {
    return {
      kind: 'not-allowed',
      reason: 'Only its requester, or a role that may delete any ticket, deletes it.',
    };
  }
  if (!nothingHappened(ticket)) {
    return {
      kind: 'activity',
      reason:
        'The ticket can no longer be deleted by its requester: it has changed since it was created ' +
        '(a reply, an edit, a status change or an assignment). Cancel it instead.',
    };
  }
  return undefined;
}
