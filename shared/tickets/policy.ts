/**
 * Who may see a ticket and move it along the lifecycle, from the actor's permission flags and their relation to
 * the ticket (requester, assignee, approver, member of its approver group). Pure: no AWS (the approver group's
 * setting is read from the environment, `shared/inventory/config.ts`), unit-tested in
 * `test/unit/ticket-rules.test.ts` and `test/unit/cable-request-rules.test.ts`.
 */
import { type ApproverGroup, cableApproverGroup } from '#shared/inventory/config.ts';
import type { Actor } from '#shared/roles/actor.ts';
import { approvesEverything } from '#shared/roles/roles.ts';
import { type Party, type TicketFacts, type TicketStatus, transitions } from '#shared/tickets/lifecycle.ts';

/** The ticket facts these rules read, with the members of its approver group, if a group approves it. */
export type GroupTicketFacts = TicketFacts & { readonly approverIds?: readonly string[] | undefined };

/** Most members of an approver group a ticket lists (`approverIds`): each is mailed, so the fan-out is bounded. */
export const maxGroupApprovers = 20;

/**
 * Whether a person is in an approver group now: for `role:<name>`, their role is that role; for a list of ids,
 * they are on it.
 */
export function inApproverGroup(
  person: { readonly userId: string; readonly role: string },
  group: ApproverGroup,
): boolean {
  return group.kind === 'role' ? person.role === group.role : group.userIds.includes(person.userId);
}

/**
 * Whether a person may decide a group-approved ticket (PRODUCT "Approvals": nobody approves a ticket they
 * requested): listed in its `approverIds`, not its requester, enabled, and still in the approver group as it is
 * configured now (`cableApproverGroup`: their role or the list may have changed since the request went out).
 * @param group the group to check against; default the configured cable approver group
 */
export function isGroupApprover(
  person: { readonly userId: string; readonly role: string; readonly disabled?: boolean | undefined },
  ticket: Pick<GroupTicketFacts, 'requesterId' | 'approverIds'>,
  group: ApproverGroup = cableApproverGroup(),
): boolean {
  return (
    !person.disabled &&
    person.userId !== ticket.requesterId &&
    (ticket.approverIds ?? []).includes(person.userId) &&
    inApproverGroup(person, group)
  );
}

/**
 * The approvers a group-approved ticket lists: the group's members less the requester (nobody approves their own
 * request), the first {@link maxGroupApprovers}.
 */
export const groupApproverIds = (members: readonly string[], requesterId: string): string[] =>
  members.filter((id) => id !== requesterId).slice(0, maxGroupApprovers);

/**
 * The parties the actor counts as for this ticket. Admins count as approver of every ticket but their own; a
 * member of the ticket's approver group as its approver while {@link isGroupApprover}.
 */
export function partiesFor(actor: Actor, ticket: GroupTicketFacts): Set<Party> {
  const parties = new Set<Party>();
  if (actor.permissions.canManageTickets) parties.add('agent');
  if (ticket.requesterId === actor.userId) parties.add('requester');
  // Separation of duties: nobody approves a ticket they requested, whatever their role.
  const mayApprove =
    ticket.approverId === actor.userId ||
    approvesEverything(actor.role) ||
    (ticket.approverIds?.includes(actor.userId) === true && isGroupApprover(actor, ticket));
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
 * Whether the actor may see the ticket: requesters see their own, `canViewAll` every ticket; the approver (or a
 * listed member of its approver group) and the assignee see it too. Actors who may not see a ticket get "not
 * found", never "not allowed", so ids cannot be probed.
 */
export function canSeeTicket(actor: Actor, ticket: GroupTicketFacts): boolean {
  return (
    actor.permissions.canViewAll ||
    ticket.requesterId === actor.userId ||
    ticket.approverId === actor.userId ||
    ticket.assigneeId === actor.userId ||
    ticket.approverIds?.includes(actor.userId) === true
  );
}

/** Fields a ticket's requester may change on their own ticket; every other field needs `canEditAll`. */
export const requesterEditableFields: ReadonlySet<string> = /* @__PURE__ */ new Set([
  'title',
  'description',
  'priority',
  'requestDetails',
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
  'requestDetails',
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
      `tags, approver, request details) is frozen for everyone; it may still be assigned and moved along the ` +
      `lifecycle.`
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
 * Why a ticket may not carry these request details, or `undefined` when it may: details belong to tickets of type
 * `request` only (the ticket's type after the change). The operation throws `InvalidInput` (422, `/requestDetails`).
 * @param type the ticket's type (after the change)
 * @param hasDetails whether the ticket has request details (after the change)
 */
export function requestDetailsTypeRefusal(type: string, hasDetails: boolean): string | undefined {
  if (!hasDetails || type === 'request') return undefined;
  return `Request details belong to tickets of type request, not ${type}: send type request, or leave them out.`;
}

/**
 * Why a change may not set, change or remove a ticket's request details now, or `undefined` when it may: they are
 * given when the request is opened, and change only while it waits for approval (`pending_approval`, before any
 * decision: a change re-sends the approval request). After a decision they are frozen ({@link contentFrozenReason},
 * checked first, 409); a ticket that never waited for approval takes none afterwards (422: a request with details
 * always needs approval, and adding them later would skip it).
 */
export function requestDetailsChangeRefusal(ticket: TicketFacts): string | undefined {
  if (ticket.status === 'pending_approval' && !ticket.decidedAt) return undefined;
  return (
    `Request details are given when the request is opened and change only while it waits for approval; ` +
    `this ticket is ${ticket.status}.`
  );
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
