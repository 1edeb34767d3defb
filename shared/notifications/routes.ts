/**
 * Notifications: the functions the table's stream and the delivery queue start, and the admin routes over the
 * delivery dead-letter queue (`shared/notifications/dead-letters.ts`).
 */
import {
  DeadLetterListQuery,
  NotificationListQuery,
  NotificationParams,
  RedriveDeadLettersBody,
  RetryNotificationBody,
} from '#shared/notifications/schemas.ts';
import type { EventSource, Route } from '#shared/platform/route-table.ts';
import { ListQuery } from '#shared/platform/schemas.ts';
import { TicketParams } from '#shared/tickets/schemas.ts';

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

export const listTicketNotificationsRoute = {
  id: 'ListTicketNotifications',
  method: 'GET',
  path: '/tickets/{ticketId}/notifications',
  entry: 'functions/notifications/list-for-ticket.ts',
  permission: 'canManageTickets',
  summary:
    "A ticket's notification log, newest first: each email and SMS with its status (agents and admins)",
  params: TicketParams,
  query: ListQuery,
  success: {
    status: 200,
    description:
      '{ items, nextCursor }, newest first: one row per delivery (one message on one channel to one person) with ' +
      'channel, recipient, type, status (`sent`, `failed`, `skipped`; `retrying` while a transient failure ' +
      'waits), error, provider message id, attempts and time; a retry names the first attempt (`retryOf`). 403 ' +
      'without canManageTickets; 404 when the ticket is not the caller’s to see; 422 for a cursor of another list.',
  },
  problems: ['unprocessable-content'],
  grants: ['table:read'],
} as const satisfies Route;

export const listNotificationsRoute = {
  id: 'ListNotifications',
  method: 'GET',
  path: '/notifications',
  entry: 'functions/notifications/list.ts',
  permission: 'canManageUsers',
  summary:
    'Notification log rows of one status across tickets, newest first (`status=failed`: what to retry)',
  query: NotificationListQuery,
  success: {
    status: 200,
    description:
      '{ items, nextCursor }, newest first, the rows whose status is `status` now (a page may hold fewer than ' +
      '`limit` when rows changed status meanwhile). 422 for a cursor of another list.',
  },
  problems: ['unprocessable-content'],
  grants: ['table:read'],
} as const satisfies Route;

export const retryNotificationRoute = {
  id: 'RetryNotification',
  method: 'POST',
  path: '/notifications/{notificationId}/retry',
  entry: 'functions/notifications/retry.ts',
  permission: 'canManageUsers',
  summary: 'Send a failed notification again (a new attempt, logged as its own row linked to the first)',
  description:
    'Puts the failed delivery back on the delivery queue, on its channel only, to the same person. The sender ' +
    'delivers it like any message: counted against the send quotas (over one, the new row says `skipped`), sent ' +
    'once however often the queue delivers it, an approval request only while the ticket still waits for that ' +
    'approver (with a new link). The new row (`notificationId` of the answer) names the first attempt in ' +
    '`retryOf`; the failed row names the retry in `retriedAs`. A row is retried once: if the retry fails too, ' +
    'retry its row.',
  params: NotificationParams,
  body: RetryNotificationBody,
  success: {
    status: 202,
    description:
      'Queued: the id of the new row the sender writes when it sends. 404 for an unknown id; 409 when the row ' +
      'is not `failed` (sent, skipped, retrying: `notificationStatus` says which) or was retried already.',
  },
  problems: ['conflict'],
  grants: ['table:read', 'table:write', 'deliveries:send'],
} as const satisfies Route;

/** Every route of this feature, for `shared/routes.ts`. */
export const notificationRoutes = [
  listDeadLettersRoute,
  redriveDeadLettersRoute,
  listTicketNotificationsRoute,
  listNotificationsRoute,
  retryNotificationRoute,
] as const;
