/**
 * Ticket vocabulary and the lifecycle: one state machine as a data table, mirrored row for row in
 * `docs/lifecycle.md`. Pure: no AWS, unit-tested in `test/unit/ticket-rules.test.ts`. Who may make a transition is
 * decided in `policy.ts`.
 */

/** Ticket types. */
export const ticketTypes = ['incident', 'question', 'problem', 'task', 'request'] as const;
export type TicketType = (typeof ticketTypes)[number];

/** Priorities; `emergency` is accepted as `urgent` at the API edge. */
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
export type Party = 'agent' | 'requester' | 'approver';

/**
 * The lifecycle (PRODUCT "Lifecycle"): `open → in_progress → resolved → closed` with `pending` (waiting on the
 * requester) and `unresolved`; `canceled` only by the ticket's requester; the approval path
 * `pending_approval → approved | rejected`, then `approved → in_progress → fulfilled → closed`. Keyed by current
 * status, then target status.
 */
export const transitions: Readonly<Record<TicketStatus, Partial<Record<TicketStatus, readonly Party[]>>>> = {
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
  // `in_progress`: an agent undoes the fulfilment; a cable request's stock goes back (shared/inventory/fulfilment.ts).
  fulfilled: { closed: ['agent', 'requester'], in_progress: ['agent'] },
};

/** The fields of a ticket these rules read. */
export interface TicketFacts {
  readonly status: TicketStatus;
  readonly requesterId: string;
  readonly assigneeId?: string | undefined;
  readonly approverId?: string | undefined;
  readonly agentResponded?: boolean | undefined;
  /** ISO 8601, set once the approver decided (approved or rejected): the approved content is frozen from then on. */
  readonly decidedAt?: string | undefined;
}

/** The status a new ticket starts in: `pending_approval` when it names an approver, else `open`. */
export const initialStatus = (approverId: string | undefined): TicketStatus =>
  approverId ? 'pending_approval' : 'open';
