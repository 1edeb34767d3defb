/**
 * One row of the notification log: a send (or a skip) of one message on one channel.
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
  readonly status: 'sent' | 'failed' | 'skipped';
  readonly error?: string | undefined;
  readonly providerMessageId?: string | undefined;
  /** The stream record that caused it (`eventID`). */
  readonly sourceEventId?: string | undefined;
  /** ISO 8601. */
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
