/**
 * Optics request notifications (PRODUCT "Operations": admins are alerted by email of new requests, a configurable
 * list else every admin; `docs/notifications.md`, "What is sent, to whom"):
 * - a request INSERT (status `pending`) alerts the optics admins (`opticsAlerts`: the `OPTICS_ALERT_EMAILS`
 *   addresses, else every enabled admin, resolved by the sender when it delivers), except the requester themself;
 * - a request MODIFY from `pending` to `approved` or `denied` tells the requester the decision and its reason,
 *   unless they decided it themself. Archiving tells nobody.
 * The email is rendered here from the record (`operations-templates.ts`); the log rows live in the request's
 * partition (`OPTICS#<requestId>`).
 */
import * as z from 'zod/mini';
import {
  type NotificationIntent,
  type OperationsIntent,
  readImage,
  type StreamRule,
} from '#shared/notifications/intents.ts';
import { opticsDecidedEmail, opticsRequestedEmail } from '#shared/notifications/operations-templates.ts';
import { opticsRequestEntity, opticsStatuses } from '#shared/optics/optics.entity.ts';

/** What the rules read of a request item. */
const OpticsRequestImage = /* @__PURE__ */ (() =>
  z.object({
    requestId: z.string().check(z.minLength(1)),
    requesterId: z.string().check(z.minLength(1)),
    part: z.string(),
    description: z.optional(z.string()),
    quantity: z.number(),
    neededBy: z.optional(z.string()),
    notes: z.optional(z.string()),
    status: z.enum(opticsStatuses),
    decisionReason: z.optional(z.string()),
    decidedBy: z.optional(z.string()),
  }))();

/**
 * The messages of one optics request change: the alert of a new pending request, or the requester's mail about a
 * decision (`pending` → `approved` | `denied`).
 * @throws UnreadableRecordError when the request image lacks a field
 */
export function opticsRequestNotifications(change: Parameters<StreamRule['plan']>[0]): NotificationIntent[] {
  const request = readImage(OpticsRequestImage, change.newImage, 'optics request', change.eventId);
  const about = { kind: 'opticsRequest', id: request.requestId } as const;
  if (change.eventName === 'INSERT') {
    if (request.status !== 'pending') return [];
    const alert: OperationsIntent = {
      type: 'optics_requested',
      about,
      recipient: { group: 'opticsAlerts' },
      actorId: request.requesterId,
      email: opticsRequestedEmail(request),
    };
    return [alert];
  }
  const before = change.oldImage?.status;
  if (before !== 'pending' || (request.status !== 'approved' && request.status !== 'denied')) return [];
  if (request.decidedBy === request.requesterId) return [];
  const decided: OperationsIntent = {
    type: 'optics_decided',
    about,
    recipient: { userId: request.requesterId },
    actorId: request.decidedBy,
    email: opticsDecidedEmail(request, request.status),
  };
  return [decided];
}

export const opticsStreamRules: readonly StreamRule[] = [
  { entity: opticsRequestEntity, events: ['INSERT', 'MODIFY'], plan: opticsRequestNotifications },
];
