/**
 * What the API shows of the notification log (`GET /tickets/{ticketId}/notifications`, `GET /notifications`):
 * each delivery with channel, recipient, type, status, error, provider message id and time, and the retry links.
 * Never the stored intent (it may quote a comment) nor the index keys.
 */
import type * as z from 'zod/mini';
import type { RetryQueued } from '#shared/notifications/log.ts';
import type { NotificationItem } from '#shared/notifications/notification.entity.ts';
import type { NotificationLogEntryView, RetryQueuedView } from '#shared/notifications/responses.ts';

/** What a row is about: its ticket, or what a message about no ticket names. */
const aboutView = (row: Pick<NotificationItem, 'ticketId' | 'about'>) =>
  row.about ?? { kind: 'ticket' as const, id: row.ticketId ?? '' };

/** A log row as the API shows it. */
export function notificationView(row: NotificationItem): z.output<typeof NotificationLogEntryView> {
  return {
    notificationId: row.notificationId,
    ticketId: row.ticketId ?? null,
    about: aboutView(row),
    channel: row.channel,
    recipientId: row.recipientId,
    recipient: row.recipient ?? null,
    type: row.type as z.output<typeof NotificationLogEntryView>['type'],
    status: row.status,
    error: row.error ?? null,
    providerMessageId: row.providerMessageId ?? null,
    attempts: row.attempts ?? 0,
    nextAttemptAt: row.status === 'retrying' ? (row.nextAttemptAt ?? null) : null,
    at: row.at,
    retryOf: row.retryOf ?? null,
    retriedAs: row.retriedAs ?? null,
  };
}

/** A page of log rows. */
export const notificationPageView = (page: { items: NotificationItem[]; nextCursor: string | null }) => ({
  items: page.items.map(notificationView),
  nextCursor: page.nextCursor,
});

/** What a retry answers. */
export const retryQueuedView = (queued: RetryQueued): z.output<typeof RetryQueuedView> => ({
  notificationId: queued.notificationId,
  retryOf: queued.retryOf,
  ticketId: queued.ticketId ?? null,
  about: aboutView(queued),
  channel: queued.channel,
  type: queued.type as z.output<typeof RetryQueuedView>['type'],
  recipientId: queued.recipientId,
  status: 'queued',
  queuedAt: queued.queuedAt,
});
