/**
 * Approval notifications, read from ticket items:
 * - a ticket inserted in `pending_approval` with an approver, or modified into `pending_approval`, to another
 *   approver while pending, or with new approved content while pending (`requestChangedAt` moved: the requester
 *   edited what is to be approved) → `approval_requested` to the approver (email, and SMS if they have a phone and
 *   opted in), with a new link; the sender reads the ticket as it is then, so the message shows the new content;
 * - the same for a ticket an approver group approves (`approverIds`, no `approverId`): one `approval_requested` per
 *   listed member, each with a link of their own (the requester's approval-request quota counts the fan-out of one
 *   record once: `sender.ts`);
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

/**
 * When the approved content last changed (`requestChangedAt`, ISO 8601, `shared/tickets/ticket.entity.ts`), read
 * as it is: only compared for equality between the old and the new image (no schema, for the sender's bundle).
 */
const requestChangedAt = (image: Readonly<Record<string, unknown>>) => String(image.requestChangedAt ?? '');

function approvalIntents(
  ticket: TicketSummary,
  before: z.infer<typeof TicketBefore> | undefined,
  contentChanged = false,
): NotificationIntent[] {
  const base = { ticketId: ticket.ticketId, ticket, sms: true } as const;
  const approverId = ticket.approverId;
  if (ticket.status === 'pending_approval' && approverId) {
    const newlyPending = before?.status !== 'pending_approval' || before.approverId !== approverId;
    return newlyPending || contentChanged
      ? [{ ...base, type: 'approval_requested', recipient: { userId: approverId }, actorId: undefined }]
      : [];
  }
  const group = ticket.approverIds ?? [];
  if (ticket.status === 'pending_approval' && group.length > 0) {
    const newlyPending = before?.status !== 'pending_approval';
    return newlyPending || contentChanged
      ? [...new Set(group)].map((userId) => ({
          ...base,
          type: 'approval_requested' as const,
          recipient: { userId },
          actorId: undefined,
        }))
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
      return approvalIntents(
        ticket,
        readImage(TicketBefore, oldImage, 'old ticket', eventId),
        requestChangedAt(oldImage) !== requestChangedAt(newImage),
      );
    },
  },
];
