/**
 * Approval links, made safe (PRODUCT "Approvals and notifications"): look a link up by the hash of its token and
 * decide with it. The decision is one transaction: the link is marked used (only if unused and unexpired) and the
 * ticket moves from `pending_approval` (only if still there, with the same approver), with its audit events.
 */
import { type ApprovalItem, approvalKey } from '#shared/approvals/approval.entity.ts';
import { hashApprovalToken, looksLikeApprovalToken } from '#shared/approvals/token.ts';
import { getItem, transactWrite } from '#shared/platform/db.ts';
import { nowIso } from '#shared/platform/entity.ts';
import { canApprove } from '#shared/roles/roles.ts';
import { auditEventsOf, findTicket, ticketChangeWrites } from '#shared/tickets/operations.ts';
import type { TicketItem } from '#shared/tickets/ticket.entity.ts';
import { findUser } from '#shared/users/profiles.ts';

/** Why a link cannot be used. */
export type LinkProblem = 'unknown' | 'expired' | 'used' | 'decided' | 'approver-unable';

export type LinkState =
  | {
      readonly usable: true;
      readonly approval: ApprovalItem;
      readonly ticket: TicketItem;
    }
  | { readonly usable: false; readonly problem: LinkProblem; readonly ticket?: TicketItem };

/**
 * The state of an approval link: 3 GetItem (link, ticket, the approver's profile). Reads only (GET must change
 * nothing: mail scanners fetch links). A link outlives nothing of its approver: when the approver's account is gone
 * or disabled, or their role may no longer approve, the link decides nothing (`approver-unable`).
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
  if (ticket.status !== 'pending_approval' || ticket.approverId !== approval.approverId) {
    return { usable: false, problem: 'decided', ticket };
  }
  const approver = await findUser(approval.approverId);
  if (!approver || approver.disabled || !canApprove(approver.role)) {
    return { usable: false, problem: 'approver-unable', ticket };
  }
  return { usable: true, approval, ticket };
}

export type Decision = 'approved' | 'rejected';

/**
 * Decide through a link. Single-use: of two concurrent posts, one wins and the other sees `used`.
 * @returns the ticket after the decision, or why the link cannot be used
 */
export async function decideWithLink(
  token: string,
  decision: Decision,
  reason: string | undefined,
): Promise<{ ok: true; ticket: TicketItem } | { ok: false; problem: LinkProblem; ticket?: TicketItem }> {
  const nowSeconds = Math.floor(Date.now() / 1000);
  const state = await inspectLink(token, nowSeconds);
  if (!state.usable)
    return { ok: false, problem: state.problem, ...(state.ticket ? { ticket: state.ticket } : {}) };
  const { approval, ticket } = state;
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
    return { ok: false, problem: after.usable ? 'decided' : after.problem, ticket };
  }
  return { ok: true, ticket: { ...ticket, ...set, version: ticket.version + 1 } };
}
