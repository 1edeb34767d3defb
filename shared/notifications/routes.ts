/**
 * Notifications: the functions the table's stream and the delivery queue start, and the admin routes over the
 * delivery dead-letter queue (`shared/notifications/dead-letters.ts`).
 */
import { DeadLetterListQuery, RedriveDeadLettersBody } from '#shared/notifications/schemas.ts';
import type { EventSource, Route } from '#shared/platform/route-table.ts';

/** DynamoDB stream consumer: sends the emails and SMS the features' stream rules call for. */
export const notifierSource = {
  id: 'Notifier',
  entry: 'functions/notifications/on-table-change.ts',
  summary: 'Sends the notifications that table changes call for',
} as const satisfies EventSource;

/** Delivery queue consumer: sends each planned notification by email and SMS, retrying through provider outages. */
export const senderSource = {
  id: 'NotificationSender',
  entry: 'functions/notifications/on-delivery.ts',
  summary: 'Sends planned notifications from the delivery queue by email and SMS',
} as const satisfies EventSource;

export const listDeadLettersRoute = {
  id: 'ListDeadLetters',
  method: 'GET',
  path: '/notifications/dead-letters',
  entry: 'functions/notifications/list-dead-letters.ts',
  permission: 'canManageUsers',
  summary:
    'Peek at the notifications that could not be delivered (the dead-letter queue), without consuming them',
  description:
    "Up to `limit` messages of the delivery dead-letter queue, oldest first, and the queue's approximate message " +
    'count. Each is summarised, never shown whole: `intent` (a notification the sender gave up on: its type, ticket, ' +
    'recipient and stream record), `record` (a stream record the notifier could not plan: its event id and name, ' +
    'and why) or `unreadable`. The messages stay in the queue; each look counts as a receive in `receiveCount`.',
  query: DeadLetterListQuery,
  success: {
    status: 200,
    description:
      "Up to `limit` dead letters, oldest first, each summarised, and the queue's approximate message count",
  },
  grants: ['table:read', 'deliveries:inspect'],
} as const satisfies Route;

export const redriveDeadLettersRoute = {
  id: 'RedriveDeadLetters',
  method: 'POST',
  path: '/notifications/dead-letters/redrive',
  entry: 'functions/notifications/redrive-dead-letters.ts',
  permission: 'canManageUsers',
  summary: 'Move undelivered notifications back to the delivery queue to be sent again',
  description:
    'Moves up to `max` (default 100) messages from the delivery dead-letter queue back to the delivery queue, ' +
    'with the same body and attributes, deleting from the dead-letter queue only what the delivery queue ' +
    'accepted. Stops early when the queue is empty or after a few seconds; `remaining` says whether to call ' +
    'again. Safe to repeat and to run concurrently: a delivery already sent is not sent again.',
  body: RedriveDeadLettersBody,
  success: {
    status: 200,
    description:
      'What the redrive did: messages `moved` and `failed`, and those `remaining` in the dead-letter queue',
  },
  grants: ['table:read', 'deliveries:redrive'],
} as const satisfies Route;

/** Every route of this feature, for `shared/routes.ts`. */
export const notificationRoutes = [listDeadLettersRoute, redriveDeadLettersRoute] as const;
