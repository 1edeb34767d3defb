/**
 * Approval notifications, read from ticket items:
 * - a ticket inserted in `pending_approval` with an approver, or modified into `pending_approval` or to another
 *   approver while pending → `approval_requested` to the approver (email, and SMS if they have a phone and opted
 *   in);
 * - a ticket modified from `pending_approval` to `approved | rejected` → `approval_decided` to the requester
 *   (email + SMS), with the decision reason, unless the requester decided themself.
 */
import * as z from 'zod/mini';
import {
  isDecision,
  type NotificationIntent,
  readImage,
  type StreamRule,
  TicketSummary,
  UnreadableRecordError,
} from '#shared/notifications/intents.ts';

/** What the transition rules read of a ticket's old image. */
const TicketBefore = /* @__PURE__ */ (() =>
  z.object({ status: z.optional(z.string()), approverId: z.optional(z.string()) }))();

function approvalIntents(
  ticket: TicketSummary,
  before: z.infer<typeof TicketBefore> | undefined,
): NotificationIntent[] {
  const base = { ticketId: ticket.ticketId, ticket, sms: true } as const;
  const approverId = ticket.approverId;
  if (ticket.status === 'pending_approval' && approverId) {
    const newlyPending = before?.status !== 'pending_approval' || before.approverId !== approverId;
    return newlyPending
      ? [{ ...base, type: 'approval_requested', recipient: { userId: approverId }, actorId: undefined }]
      : [];
  }
  if (before?.status === 'pending_approval' && isDecision(ticket.status)) {
    if (ticket.decidedBy === ticket.requesterId) return [];
    return [
      {
        ...base,
        type: 'approval_decided',
        recipient: { userId: ticket.requesterId },
        actorId: ticket.decidedBy,
        decision: ticket.status,
        reason: ticket.decisionReason?.trim() || undefined,
      },
    ];
  }
  return [];
}

export const approvalStreamRules: readonly StreamRule[] = [
  {
    entity: 'ticket',
    events: ['INSERT', 'MODIFY'],
    plan({ eventName, eventId, newImage, oldImage }) {
      const ticket = readImage(TicketSummary, newImage, 'ticket', eventId);
      if (eventName === 'INSERT') return approvalIntents(ticket, undefined);
      if (!oldImage) {
        throw new UnreadableRecordError(
          `Stream record ${eventId ?? '?'}: ticket MODIFY without an old image`,
        );
      }
      return approvalIntents(ticket, readImage(TicketBefore, oldImage, 'old ticket', eventId));
    },
  },
];
