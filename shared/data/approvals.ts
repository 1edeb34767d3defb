/**
 * Approval links (S4 "one-click approve/reject", made safe): look a link up by the hash of its token and decide
 * with it. The decision is one transaction: the link is marked used (only if unused and unexpired) and the
 * ticket moves from `pending_approval` (only if still there, with the same approver), plus its audit event.
 */
import { ulid } from 'ulid';
import { type ApprovalItem, db, type TicketItem } from '#shared/data/entities.ts';
import { hashApprovalToken, looksLikeApprovalToken } from '#shared/domain/approval-token.ts';

/** Why a link cannot be used. */
export type LinkProblem = 'unknown' | 'expired' | 'used' | 'decided';

export type LinkState =
  | {
      readonly usable: true;
      readonly approval: ApprovalItem;
      readonly ticket: TicketItem;
    }
  | { readonly usable: false; readonly problem: LinkProblem; readonly ticket?: TicketItem };

/**
 * The state of an approval link: 2 GetItem (link, ticket). Reads only (GET must change nothing: mail scanners
 * fetch links).
 * @param nowSeconds current time, epoch seconds
 */
export async function inspectLink(
  token: string,
  nowSeconds = Math.floor(Date.now() / 1000),
): Promise<LinkState> {
  if (!looksLikeApprovalToken(token)) return { usable: false, problem: 'unknown' };
  const { data: approval } = await db()
    .entities.Approval.get({ tokenHash: hashApprovalToken(token) })
    .go();
  if (!approval) return { usable: false, problem: 'unknown' };
  const { data: ticket } = await db().entities.Ticket.get({ ticketId: approval.ticketId }).go();
  if (!ticket) return { usable: false, problem: 'unknown' };
  if (approval.usedAt) return { usable: false, problem: 'used', ticket };
  if (approval.expiresAt <= nowSeconds) return { usable: false, problem: 'expired', ticket };
  if (ticket.status !== 'pending_approval' || ticket.approverId !== approval.approverId) {
    return { usable: false, problem: 'decided', ticket };
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
  const now = new Date().toISOString();
  const changes = {
    status: decision,
    decidedBy: approval.approverId,
    decidedAt: now,
    updatedAt: now,
    version: ticket.version + 1,
    ...(reason ? { decisionReason: reason } : {}),
  } satisfies Partial<TicketItem>;
  const result = await db()
    .transaction.write(({ Approval, Ticket, TicketEvent }) => [
      Approval.patch({ tokenHash: approval.tokenHash })
        .set({ usedAt: now, decision })
        .where((attr, op) => `${op.notExists(attr.usedAt)} AND ${op.gt(attr.expiresAt, nowSeconds)}`)
        .commit(),
      Ticket.patch({ ticketId: ticket.ticketId })
        .set(changes)
        .where(
          (attr, op) =>
            `${op.eq(attr.status, 'pending_approval')} AND ${op.eq(attr.approverId, approval.approverId)} AND ${op.eq(attr.version, ticket.version)}`,
        )
        .commit(),
      TicketEvent.create({
        ticketId: ticket.ticketId,
        eventId: ulid(),
        actorId: approval.approverId,
        field: 'status',
        from: ticket.status,
        to: decision,
        at: now,
      }).commit(),
    ])
    .go();
  if (result.canceled) {
    const after = await inspectLink(token);
    return { ok: false, problem: after.usable ? 'decided' : after.problem, ticket };
  }
  return { ok: true, ticket: { ...ticket, ...changes } };
}
