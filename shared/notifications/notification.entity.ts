/**
 * One row of the notification log: one delivery (one message on one channel to one person), whatever number of
 * attempts it takes. The row is rewritten by each attempt and ends in exactly one final status: `sent`, `skipped`
 * (nothing could be sent, with the reason) or `failed` (a permanent provider error, or the last error once the
 * queue gave up, with `attempts`). `retrying` is the only non-final status: a transient failure, tried again at
 * `nextAttemptAt`.
 * `pk = TICKET#<ticketId>`, `sk = NOTIFICATION#<notificationId>`.
 */
export interface NotificationItem {
  readonly ticketId: string;
  /** ULID: the log sorts by time. */
  readonly notificationId: string;
  readonly recipientId: string;
  /** Email address or E.164 phone number. */
  readonly recipient?: string | undefined;
  readonly channel: 'email' | 'sms';
  readonly type: string;
  readonly status: 'sent' | 'failed' | 'skipped' | 'retrying';
  /** Why it failed, was skipped or is being retried (the last error). */
  readonly error?: string | undefined;
  /** Sends tried so far (stored by the writer with an atomic ADD; absent in a row before its first attempt). */
  readonly attempts?: number | undefined;
  /** ISO 8601: when a `retrying` delivery is tried again. */
  readonly nextAttemptAt?: string | undefined;
  readonly providerMessageId?: string | undefined;
  /** The stream record that caused it (`eventID`). */
  readonly sourceEventId?: string | undefined;
  /** ISO 8601 time of the last attempt. */
  readonly at: string;
}

export const notificationEntity = 'notification';

/** The key of a log row. */
export const notificationKey = (ticketId: string, notificationId: string) => ({
  pk: `TICKET#${ticketId}`,
  sk: `NOTIFICATION#${notificationId}`,
});

/** The stored item of a log row. */
export const notificationRecord = (entry: NotificationItem) => ({
  ...entry,
  ...notificationKey(entry.ticketId, entry.notificationId),
  entityType: notificationEntity,
});
