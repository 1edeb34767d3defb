/**
 * One row of the notification log: one delivery (one message on one channel to one person), whatever number of
 * attempts it takes. The row is rewritten by each attempt and ends in exactly one final status: `sent`, `skipped`
 * (nothing could be sent, with the reason) or `failed` (a permanent provider error, or the last error once the
 * queue gave up, with `attempts`). `retrying` is the only non-final status: a transient failure, tried again at
 * `nextAttemptAt`.
 * `pk = TICKET#<ticketId>`, `sk = NOTIFICATION#<notificationId>`; a message about no ticket keeps its rows in the
 * partition of what it is `about` ({@link notificationPartition}: `OPTICS#<requestId>`, `INVENTORY`, `USER#<userId>`).
 *
 * Index keys ({@link notificationIndexKeys}; `docs/data-model.md`, "The notification log"): gsi12 (keys only)
 * `NOTIFICATIONS#<status>` / `<notificationId>`: the rows of one status, newest first (`GET /notifications?status=`);
 * each write of the row writes the status it has now, so the entry moves with it. A row by its id alone
 * (`POST /notifications/{id}/retry`) is the one entry with that sort key in the four status partitions.
 */
import type { NotificationSubject } from '#shared/notifications/intents.ts';

export interface NotificationItem {
  /** The ticket, for a message about one; absent otherwise (then `about` says what it is about). */
  readonly ticketId?: string | undefined;
  /** What a message about no ticket is about (an optics request, an inventory balance, a user's digest). */
  readonly about?: NotificationSubject | undefined;
  /** ULID: the log sorts by time. */
  readonly notificationId: string;
  /** The user told, or for a plain address (the optics alert list) the address itself. */
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
  /**
   * A retry's first attempt: the row a retry (`POST /notifications/{id}/retry`) sent again, at the root. Written by
   * the retry with the new row (`retrying` until the sender's attempt), which the sender's writes leave in place.
   */
  readonly retryOf?: string | undefined;
  /** On a `failed` row only: the intent as JSON, what a retry sends again (with the ticket read anew). */
  readonly intent?: string | undefined;
  /** On a retried row: the id of the retry's row (a row is retried once; retry the new one if it fails too). */
  readonly retriedAs?: string | undefined;
  /** ISO 8601: when the retry was asked for (the retry's planned time). */
  readonly retriedAt?: string | undefined;
}

export const notificationEntity = 'notification';

/** The key of a log row. */
export const notificationKey = (ticketId: string, notificationId: string) => ({
  pk: `TICKET#${ticketId}`,
  sk: `NOTIFICATION#${notificationId}`,
});

/** The partition of a message's log rows: its ticket's, or that of what it is `about`. */
export function notificationPartition(row: Pick<NotificationItem, 'ticketId' | 'about'>): string {
  const about = row.about;
  if (!about) return `TICKET#${row.ticketId}`;
  switch (about.kind) {
    case 'opticsRequest':
      return `OPTICS#${about.id}`;
    case 'inventoryBalance':
      return 'INVENTORY';
    case 'user':
      return `USER#${about.id}`;
  }
}

/** The key of a log row, whatever it is about. */
export const notificationRowKey = (row: Pick<NotificationItem, 'ticketId' | 'about' | 'notificationId'>) => ({
  pk: notificationPartition(row),
  sk: `NOTIFICATION#${row.notificationId}`,
});

/** The index keys of a log row with this status (gsi12: rows by status, newest first). */
export const notificationIndexKeys = (notificationId: string, status: string) => ({
  gsi12pk: `NOTIFICATIONS#${status}`,
  gsi12sk: notificationId,
});

/** The partition of the log rows of one status (gsi12). */
export const notificationStatusPartition = (status: string) => notificationIndexKeys('', status).gsi12pk;

/** The stored item of a log row. */
export const notificationRecord = (entry: NotificationItem) => ({
  ...entry,
  ...notificationRowKey(entry),
  ...notificationIndexKeys(entry.notificationId, entry.status),
  entityType: notificationEntity,
});
