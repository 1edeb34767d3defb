/**
 * Ticket notifications, read from audit events (they carry the actor, which ticket images do not):
 * - a `status` change by someone other than the requester → `status_changed` to the requester (email). Decisions
 *   and the move into `pending_approval` are left to the approval rules; a change a macro's response mails with it
 *   (`mailedWith`, `shared/comments/stream-rules.ts`) sends nothing of its own;
 * - an `assigneeId` change → `assigned` to the new assignee (email), unless they assigned themself.
 */
import * as z from 'zod/mini';
import {
  isDecision,
  type NotificationIntent,
  readImage,
  type StreamRule,
} from '#shared/notifications/intents.ts';

const TicketEventImage = /* @__PURE__ */ (() =>
  z.object({
    ticketId: z.string().check(z.minLength(1)),
    actorId: z.string().check(z.minLength(1)),
    field: z.string(),
    from: z.optional(z.string()),
    to: z.optional(z.string()),
    mailedWith: z.optional(z.string()),
  }))();

function ticketEventIntents(event: z.infer<typeof TicketEventImage>): NotificationIntent[] {
  const base = { ticketId: event.ticketId, ticket: undefined, actorId: event.actorId, sms: false } as const;
  if (event.field === 'status' && event.from && event.to && event.from !== event.to) {
    if (event.to === 'pending_approval') return [];
    if (event.from === 'pending_approval' && isDecision(event.to)) return [];
    // A macro's response tells of this change in its own mail: one mail to the requester for both.
    if (event.mailedWith) return [];
    return [{ ...base, type: 'status_changed', recipient: 'requester', from: event.from, to: event.to }];
  }
  if (event.field === 'assigneeId' && event.to && event.to !== event.from && event.to !== event.actorId) {
    return [{ ...base, type: 'assigned', recipient: { userId: event.to } }];
  }
  return [];
}

export const ticketStreamRules: readonly StreamRule[] = [
  {
    entity: 'ticketEvent',
    events: ['INSERT'],
    plan: ({ newImage, eventId }) =>
      ticketEventIntents(readImage(TicketEventImage, newImage, 'ticketEvent', eventId)),
  },
];
