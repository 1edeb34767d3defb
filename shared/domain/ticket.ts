/**
 * Ticket vocabulary and the rules of who sees and changes what. Pure: no AWS, unit-tested in
 * `test/unit/ticket-rules.test.ts`. The lifecycle table is documented in `docs/lifecycle.md`.
 */
import type { Caller } from '#shared/http/caller.ts';

/** S0 ticket types. */
export const ticketTypes = ['incident', 'question', 'problem', 'task', 'request'] as const;
export type TicketType = (typeof ticketTypes)[number];

/** Priorities; S1's `emergency` is accepted as `urgent` at the API edge. */
export const priorities = ['low', 'medium', 'high', 'urgent'] as const;
export type Priority = (typeof priorities)[number];

export const ticketStatuses = [
  'open',
  'in_progress',
  'pending',
  'unresolved',
  'resolved',
  'closed',
  'canceled',
  'pending_approval',
  'approved',
  'rejected',
  'fulfilled',
] as const;
export type TicketStatus = (typeof ticketStatuses)[number];

/** Who may make a transition: an agent (`canManageTickets`), the ticket's requester, or its approver. */
export type Actor = 'agent' | 'requester' | 'approver';

/**
 * The lifecycle (PRODUCT "Lifecycle"): `open → in_progress → resolved → closed` with `pending` and `unresolved`
 * (S3); `canceled` only by the requester (S3); the approval path `pending_approval → approved | rejected`, then
 * `approved → in_progress → fulfilled → closed` (S4). Keyed by current status, then target status.
 */
export const transitions: Readonly<Record<TicketStatus, Partial<Record<TicketStatus, readonly Actor[]>>>> = {
  open: {
    in_progress: ['agent'],
    pending: ['agent'],
    unresolved: ['agent'],
    resolved: ['agent'],
    canceled: ['requester'],
  },
  in_progress: {
    pending: ['agent'],
    unresolved: ['agent'],
    resolved: ['agent'],
    fulfilled: ['agent'],
    canceled: ['requester'],
  },
  pending: {
    open: ['agent', 'requester'],
    in_progress: ['agent'],
    resolved: ['agent'],
    canceled: ['requester'],
  },
  unresolved: { in_progress: ['agent'], closed: ['agent'] },
  resolved: { closed: ['agent', 'requester'], open: ['agent', 'requester'] },
  closed: {},
  canceled: {},
  pending_approval: { approved: ['approver'], rejected: ['approver'], canceled: ['requester'] },
  approved: { in_progress: ['agent'], canceled: ['requester'] },
  rejected: { closed: ['agent', 'requester'] },
  fulfilled: { closed: ['agent', 'requester'] },
};

/** The fields of a ticket these rules read. */
export interface TicketFacts {
  readonly status: TicketStatus;
  readonly requesterId: string;
  readonly assigneeId?: string | undefined;
  readonly approverId?: string | undefined;
  readonly agentResponded?: boolean | undefined;
}

/** The actors the caller counts as for this ticket. Admins count as approver of every ticket. */
export function actorsFor(caller: Caller, ticket: TicketFacts): Set<Actor> {
  const actors = new Set<Actor>();
  if (caller.permissions.canManageTickets) actors.add('agent');
  if (ticket.requesterId === caller.userId) actors.add('requester');
  if (ticket.approverId === caller.userId || caller.role === 'admin') actors.add('approver');
  return actors;
}

/** Targets the caller may move this ticket to now. */
export function allowedTransitions(caller: Caller, ticket: TicketFacts): TicketStatus[] {
  const actors = actorsFor(caller, ticket);
  return Object.entries(transitions[ticket.status])
    .filter(([, who]) => who?.some((actor) => actors.has(actor)))
    .map(([to]) => to as TicketStatus)
    .filter((to) => !(to === 'resolved' && !ticket.agentResponded));
}

export type TransitionCheck =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: string; readonly allowed: TicketStatus[] };

/**
 * Whether the caller may move the ticket to `to`.
 * Failure reasons: not a transition of the lifecycle, not this caller's to make, or (S3) resolving a ticket that
 * has no agent response yet. The handler answers 409 with `allowed`.
 */
export function checkTransition(caller: Caller, ticket: TicketFacts, to: TicketStatus): TransitionCheck {
  const allowed = allowedTransitions(caller, ticket);
  if (allowed.includes(to)) return { ok: true };
  const who = transitions[ticket.status][to];
  let reason: string;
  if (!who) reason = `A ticket cannot go from ${ticket.status} to ${to}.`;
  else if (to === 'resolved' && !ticket.agentResponded && who.some((a) => actorsFor(caller, ticket).has(a)))
    reason = 'A ticket cannot be resolved before an agent has responded to it.';
  else reason = `Only the ticket's ${who.join(' or ')} may move it from ${ticket.status} to ${to}.`;
  return { ok: false, reason, allowed };
}

/**
 * Whether the caller may see the ticket (S3: requesters see their own, agents all). The approver and assignee
 * see it too. Callers who may not see a ticket get 404, never 403, so ids cannot be probed.
 */
export function canSeeTicket(caller: Caller, ticket: TicketFacts): boolean {
  return (
    caller.permissions.canViewAll ||
    ticket.requesterId === caller.userId ||
    ticket.approverId === caller.userId ||
    ticket.assigneeId === caller.userId
  );
}

/** Whether the caller sees internal notes (Zendesk: never the requester). */
export const canSeeInternalNotes = (caller: Caller) => caller.permissions.canManageTickets;

/**
 * The kind of a new comment (S3: `request` from the requester, `response` from an agent; internal notes are
 * agents' only).
 * @returns the kind, or `undefined` when the caller may not write an internal note
 */
export function commentKindFor(
  caller: Caller,
  internal: boolean,
): 'request' | 'response' | 'note' | undefined {
  if (caller.permissions.canManageTickets) return internal ? 'note' : 'response';
  return internal ? undefined : 'request';
}

/** The status a new ticket starts in: `pending_approval` when it names an approver (S4), else `open`. */
export const initialStatus = (approverId: string | undefined): TicketStatus =>
  approverId ? 'pending_approval' : 'open';
