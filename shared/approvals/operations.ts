/**
 * Approval links, made safe (PRODUCT "Approvals and notifications"): look a link up by the hash of its token and
 * decide with it. The decision is one transaction: the link is marked used (only if unused and unexpired) and the
 * ticket moves from `pending_approval` (only if still at the version read, hence still there, with the same
 * approver and content), with its audit events. A decision binds to what the approver saw: a link made before the
 * approved content last changed decides nothing (`changed`), nor does a form posted from a page that showed an
 * older version of the ticket (`stale`). A ticket an approver group approves (`approverIds`) sent each member a
 * link of their own: the first decision wins (the version condition), and the other links then show who decided
 * (`decided`, with `decider`) and decide nothing.
 */

import { type ApprovalItem, approvalKey } from '#shared/approvals/approval.entity.ts';
import { hashApprovalToken, looksLikeApprovalToken } from '#shared/approvals/token.ts';
import { getItem, queryPage, transactWrite } from '#shared/platform/db.ts';
import { nowIso } from '#shared/platform/entity.ts';
import { canApprove } from '#shared/roles/roles.ts';
import { auditEventsOf, findTicket, ticketChangeWrites } from '#shared/tickets/operations.ts';
import { approvedContentFields, isGroupApprover } from '#shared/tickets/policy.ts';
import { type TicketItem, ticketKey } from '#shared/tickets/ticket.entity.ts';
import { type TicketEventItem, ticketEventKey } from '#shared/tickets/ticket-event.entity.ts';
import { findUser } from '#shared/users/profiles.ts';
import type { UserItem } from '#shared/users/user.entity.ts';

/** Why a link cannot be used. `changed`: the approved content changed after the link was made (a new one was sent). */
export type LinkProblem = 'unknown' | 'expired' | 'used' | 'decided' | 'changed' | 'approver-unable';

/** One change of a ticket an approver is shown: the field, its old and new value (`undefined`: empty). */
export interface ShownChange {
  readonly field: string;
  readonly from?: string | undefined;
  readonly to?: string | undefined;
}

export type LinkState =
  | {
      readonly usable: true;
      readonly approval: ApprovalItem;
      readonly ticket: TicketItem;
    }
  | {
      readonly usable: false;
      readonly problem: LinkProblem;
      readonly ticket?: TicketItem;
      /** For `changed`: what changed since the link was made, oldest first. */
      readonly changes?: readonly ShownChange[];
      /** For `decided`: who decided (their profile, when it is still there). */
      readonly decider?: UserItem;
    };

/** The fields whose changes an approver is shown: the approved content and the assignee (not comments, status). */
const shownFields: ReadonlySet<string> = /* @__PURE__ */ new Set([...approvedContentFields, 'assigneeId']);

/** How many of a ticket's latest audit events are read to show what changed (one Query, newest first). */
export const shownChangesLimit = 50;

/**
 * What changed on a ticket since a version or an instant: its audit events made after it (one bounded Query of the
 * ticket's partition, newest first, {@link shownChangesLimit} events), oldest first, only {@link shownFields}.
 * @param since `version`: events that made a later version; `at` (ISO 8601): events after that instant
 */
export async function changesSince(
  ticketId: string,
  since: { readonly version: number } | { readonly at: string },
): Promise<ShownChange[]> {
  const { items } = await queryPage<TicketEventItem>({
    partition: { pk: ticketKey(ticketId).pk },
    beginsWith: ['sk', ticketEventKey(ticketId, '').sk],
    descending: true,
    limit: shownChangesLimit,
  });
  const after = (event: TicketEventItem) =>
    'version' in since ? (event.version ?? 0) > since.version : event.at > since.at;
  return items
    .filter((event) => after(event) && !event.internal && shownFields.has(event.field))
    .reverse()
    .map((event) => ({ field: event.field, from: event.from, to: event.to }));
}

/** Whether a link's approver is (still) asked to decide the ticket: its approver, or a listed group member. */
const asksApprover = (ticket: TicketItem, approverId: string) =>
  ticket.approverId === approverId ||
  (!ticket.approverId && ticket.approverIds?.includes(approverId) === true);

/**
 * The state of an approval link: 3 GetItem (link, ticket, the approver's profile), and for a superseded link one
 * Query (what changed), for a decided ticket one GetItem (the decider's profile). Reads only (GET must change
 * nothing: mail scanners fetch links). A link outlives nothing of its approver: when the approver's account is gone
 * or disabled, or their role may no longer approve, or the approver is the ticket's requester (separation of
 * duties), the link decides nothing (`approver-unable`); for a group-approved ticket the approver must still be
 * in the group as configured now (`isGroupApprover`: a member whose role or listing was removed decides nothing).
 * A link made before the approved content last changed (`requestChangedAt`) decides nothing either (`changed`):
 * the request was sent again with the new content and new links.
 * @param nowSeconds current time, epoch seconds
 */
export async function inspectLink(
  token: string,
  nowSeconds = Math.floor(Date.now() / 1000),
): Promise<LinkState> {
  if (!looksLikeApprovalToken(token)) return { usable: false, problem: 'unknown' };
  const approval = await getItem<ApprovalItem>(approvalKey(hashApprovalToken(token)));
  if (!approval) return { usable: false, problem: 'unknown' };
  const ticket = await findTicket(approval.ticketId);
  if (!ticket) return { usable: false, problem: 'unknown' };
  if (approval.usedAt) return { usable: false, problem: 'used', ticket };
  if (approval.expiresAt <= nowSeconds) return { usable: false, problem: 'expired', ticket };
  if (ticket.status !== 'pending_approval' || !asksApprover(ticket, approval.approverId)) {
    const decider = ticket.decidedBy ? await findUser(ticket.decidedBy) : undefined;
    return { usable: false, problem: 'decided', ticket, ...(decider ? { decider } : {}) };
  }
  if (ticket.requestChangedAt && approval.createdAt < ticket.requestChangedAt) {
    const changes = await changesSince(ticket.ticketId, { at: approval.createdAt });
    return { usable: false, problem: 'changed', ticket, changes };
  }
  const approver = await findUser(approval.approverId);
  const able = ticket.approverId
    ? approver !== undefined && !approver.disabled && canApprove(approver.role)
    : approver !== undefined && isGroupApprover(approver, ticket);
  if (!able || approval.approverId === ticket.requesterId) {
    return { usable: false, problem: 'approver-unable', ticket };
  }
  return { usable: true, approval, ticket };
}

export type Decision = 'approved' | 'rejected';

export type DecisionResult =
  | { readonly ok: true; readonly ticket: TicketItem }
  | {
      readonly ok: false;
      readonly problem: LinkProblem;
      readonly ticket?: TicketItem;
      readonly changes?: readonly ShownChange[];
      /** For `decided`: who decided. */
      readonly decider?: UserItem;
    }
  /** The page showed another version of the ticket: nothing decided; `changes` since the version shown. */
  | {
      readonly ok: false;
      readonly problem: 'stale';
      readonly ticket: TicketItem;
      readonly changes: ShownChange[];
    };

/**
 * Decide through a link. Single-use: of two concurrent posts, one wins and the other sees `used`.
 * @param shownVersion the ticket version the confirmation page showed (its hidden `version` field, required by the
 *   form's schema); when the ticket is at another version now, nothing is decided (`stale`, with what changed
 *   since). A decision is never made against the ticket as it happens to be.
 * @returns the ticket after the decision, or why nothing was decided
 */
export async function decideWithLink(
  token: string,
  decision: Decision,
  reason: string | undefined,
  shownVersion: number,
): Promise<DecisionResult> {
  const nowSeconds = Math.floor(Date.now() / 1000);
  const state = await inspectLink(token, nowSeconds);
  if (!state.usable) {
    const { problem, ticket, changes, decider } = state;
    return {
      ok: false,
      problem,
      ...(ticket ? { ticket } : {}),
      ...(changes ? { changes } : {}),
      ...(decider ? { decider } : {}),
    };
  }
  const { approval, ticket } = state;
  if (shownVersion !== ticket.version) {
    const changes = await changesSince(ticket.ticketId, { version: shownVersion });
    return { ok: false, problem: 'stale', ticket, changes };
  }
  const now = nowIso();
  const set = {
    status: decision,
    decidedBy: approval.approverId,
    decidedAt: now,
    updatedAt: now,
    ...(reason ? { decisionReason: reason } : {}),
  } satisfies Partial<TicketItem>;
  const events = auditEventsOf(ticket, set, approval.approverId, now);
  const result = await transactWrite([
    {
      update: approvalKey(approval.tokenHash),
      changes: { set: { usedAt: now, decision } },
      condition: {
        expression: 'attribute_exists(pk) AND attribute_not_exists(usedAt) AND expiresAt > :now',
        values: { ':now': nowSeconds },
      },
    },
    // The version condition also pins status `pending_approval` and this approver, as read above.
    ...ticketChangeWrites(ticket, set, events),
  ]);
  if (!result.ok) {
    const after = await inspectLink(token);
    if (after.usable) return { ok: false, problem: 'decided', ticket };
    return {
      ok: false,
      problem: after.problem,
      ticket: after.ticket ?? ticket,
      ...(after.changes ? { changes: after.changes } : {}),
      ...(after.decider ? { decider: after.decider } : {}),
    };
  }
  return { ok: true, ticket: { ...ticket, ...set, version: ticket.version + 1 } };
}
