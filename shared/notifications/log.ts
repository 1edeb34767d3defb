/**
 * The notification log read and acted on through the API (PRODUCT "Approvals and notifications": every send is
 * logged with ticket, recipient, channel, type, status, error, provider message id and time; issue 11 "Notification
 * log"): a ticket's rows, the rows of one status across tickets, and the retry of a failed delivery.
 *
 * The rows are the sender's (`notification.entity.ts`, one per delivery); this module reads them by key or through
 * their keys-only index entries and never scans:
 * - a ticket's rows: the ticket's partition, `begins_with(sk, 'NOTIFICATION#')`, descending (ULIDs sort by time);
 * - the rows of one status: gsi12 `NOTIFICATIONS#<status>`, descending, then BatchGetItem of the rows;
 * - one row by id: its gsi12 entry (the id is the sort key; four status partitions), then a consistent GetItem.
 *
 * A retry puts the failed delivery's intent back on the delivery queue as a new message (stream record id
 * `retry#<failed row id>`), restricted to the failed channel: the sender treats it as any other message, so it is
 * checked against the quotas (a new message counts anew), sent once however often the queue delivers it, and
 * logged as a new row whose `retryOf` names the first attempt. The failed row records `retriedAs` (claimed under a
 * condition first), so a failed delivery is retried at most once; a failed retry is retried through its own row.
 */
import type { DeliveryMessage } from '#shared/notifications/delivery-queue.ts';
import {
  isTicketIntent,
  type NotificationIntent,
  type NotificationSubject,
} from '#shared/notifications/intents.ts';
import {
  type NotificationItem,
  notificationKey,
  notificationRecord,
  notificationRowKey,
  notificationStatusPartition,
} from '#shared/notifications/notification.entity.ts';
import { deliveryKey } from '#shared/notifications/plan.ts';
import { enqueueDeliveries } from '#shared/notifications/queue.ts';
import { notificationStatuses } from '#shared/notifications/schemas.ts';
import { deliveryNotificationId } from '#shared/notifications/sender.ts';
import { decodeCursor, encodeCursor } from '#shared/platform/cursor.ts';
import {
  deleteItem,
  getItem,
  getItems,
  type ItemKey,
  itemIsNew,
  putItem,
  queryPage,
  updateItem,
} from '#shared/platform/db.ts';
import { Conflict, NotFound } from '#shared/platform/errors.ts';
import type { Actor } from '#shared/roles/actor.ts';
import { TicketNotFound } from '#shared/tickets/errors.ts';
import { findTicket } from '#shared/tickets/operations.ts';
import { canSeeTicket } from '#shared/tickets/policy.ts';

/** A page of log rows and the cursor of the next one (null on the last page). */
export interface NotificationPage {
  readonly items: NotificationItem[];
  readonly nextCursor: string | null;
}

/** A page request: at most `limit` rows after `cursor`. */
export interface PageRequest {
  readonly limit: number;
  readonly cursor?: string | undefined;
}

export type NotificationStatus = (typeof notificationStatuses)[number];

/** No log row has this id (or it was deleted with its ticket). */
export class NotificationNotFound extends NotFound {
  override readonly name = 'NotificationNotFound';

  constructor() {
    super('The notification');
  }
}

/** Only a `failed` delivery can be retried, once. */
export class NotificationNotRetryable extends Conflict {
  override readonly name = 'NotificationNotRetryable';
}

const rowPrefix = 'NOTIFICATION#';

/**
 * One page of a ticket's notification log, newest first: the ticket (visibility) and one Query of its partition, in
 * parallel.
 * @throws TicketNotFound when the ticket does not exist or is not the actor's to see (checked before the cursor);
 *   InvalidInput for a cursor of another list
 */
export async function listTicketNotifications(
  actor: Actor,
  ticketId: string,
  page: PageRequest,
): Promise<NotificationPage> {
  const scope = `notifications:ticket:${ticketId}`;
  const [ticket, rows] = await Promise.allSettled([
    findTicket(ticketId),
    (async () => {
      const after = await decodeCursor(page.cursor, scope);
      return queryPage<NotificationItem>({
        partition: { pk: notificationKey(ticketId, '').pk },
        beginsWith: ['sk', rowPrefix],
        descending: true,
        limit: page.limit,
        startKey: after ? notificationKey(ticketId, after) : undefined,
      });
    })(),
  ]);
  if (ticket.status === 'rejected') throw ticket.reason;
  if (!ticket.value || !canSeeTicket(actor, ticket.value)) throw new TicketNotFound();
  if (rows.status === 'rejected') throw rows.reason;
  const { items, lastKey } = rows.value;
  return {
    items,
    nextCursor: lastKey ? await encodeCursor(String(lastKey.sk).slice(rowPrefix.length), scope) : null,
  };
}

/**
 * One page of the rows of one status across tickets, newest first: a keys-only Query of gsi12
 * `NOTIFICATIONS#<status>`, then one BatchGetItem of the rows. A row whose status changed since the index entry
 * was read (a redriven delivery that was sent meanwhile) is left out, so a page may hold fewer than `limit`.
 * @throws InvalidInput for a cursor of another list
 */
export async function listNotificationsByStatus(
  status: NotificationStatus,
  page: PageRequest,
): Promise<NotificationPage> {
  const scope = `notifications:status:${status}`;
  const after = await decodeCursor(page.cursor, scope);
  const { items: keys, lastKey } = await queryPage<ItemKey & { gsi12sk: string }>({
    index: 'gsi12',
    partition: { gsi12pk: notificationStatusPartition(status) },
    descending: true,
    limit: page.limit,
    startKey: after ? (JSON.parse(after) as Record<string, unknown>) : undefined,
  });
  const rows = await getItems<NotificationItem>(keys.map(({ pk, sk }) => ({ pk, sk })));
  const byId = new Map(rows.map((row) => [row.notificationId, row]));
  return {
    items: keys
      .map((key) => byId.get(key.gsi12sk))
      .filter((row): row is NotificationItem => row?.status === status),
    nextCursor: lastKey ? await encodeCursor(JSON.stringify(lastKey), scope) : null,
  };
}

/**
 * A log row by its id alone: its gsi12 entry (the four status partitions read in parallel, one key each: the id is
 * the sort key) names the row's key; the row itself is then read strongly consistent.
 * @throws NotificationNotFound
 */
export async function findNotification(notificationId: string): Promise<NotificationItem> {
  const found = await Promise.all(
    notificationStatuses.map((status) =>
      queryPage<ItemKey>({
        index: 'gsi12',
        partition: { gsi12pk: notificationStatusPartition(status) },
        beginsWith: ['gsi12sk', notificationId],
        limit: 1,
      }),
    ),
  );
  const key = found.flatMap((page) => page.items)[0];
  const row = key
    ? await getItem<NotificationItem>({ pk: key.pk, sk: key.sk }, { consistent: true })
    : undefined;
  if (!row) throw new NotificationNotFound();
  return row;
}

/** What a retry put on the queue: the new row's id (written by the sender) and the first attempt it retries. */
export interface RetryQueued {
  readonly notificationId: string;
  readonly retryOf: string;
  /** The ticket; absent for a message about no ticket (then `about`). */
  readonly ticketId?: string | undefined;
  readonly about?: NotificationSubject | undefined;
  readonly channel: NotificationItem['channel'];
  readonly type: string;
  readonly recipientId: string;
  readonly queuedAt: string;
}

/** Why a row cannot be retried, or `undefined` when it can. */
export function retryRefusal(row: NotificationItem): string | undefined {
  if (row.status !== 'failed') return `Only a failed notification can be retried; this one is ${row.status}.`;
  if (row.retriedAs)
    return `This notification was retried already: retry ${row.retriedAs} if that failed too.`;
  if (!row.intent)
    return 'This failed notification was logged without its message, so it cannot be sent again.';
  return undefined;
}

/**
 * Send a failed delivery again through the delivery queue, as a new attempt linked to the first (`retryOf`).
 * @param now the retry's time: the new message's planned time (its quota windows and its row's id)
 * @throws NotificationNotFound; NotificationNotRetryable (`notificationStatus`: not failed, already retried, or logged
 *   without its message); the queue's errors (the claim and the new row are then removed, so the retry can be
 *   asked again)
 */
export async function retryNotification(notificationId: string, now = new Date()): Promise<RetryQueued> {
  const row = await findNotification(notificationId);
  const refusal = retryRefusal(row);
  if (refusal) throw new NotificationNotRetryable(refusal, { notificationStatus: row.status });

  const queuedAt = now.toISOString();
  const eventId = `retry#${row.notificationId}`;
  const newId = deliveryNotificationId(
    deliveryKey(eventId, row.channel, row.recipientId, row.type as NotificationIntent['type']),
    queuedAt,
  );
  const key = notificationRowKey(row);
  // Claim the retry first: of two retries at once, one goes on.
  const claimed = await updateItem(
    key,
    { set: { retriedAs: newId, retriedAt: queuedAt } },
    {
      condition: {
        expression: '#status = :failed AND attribute_not_exists(#retriedAs)',
        names: { '#status': 'status', '#retriedAs': 'retriedAs' },
        values: { ':failed': 'failed' },
      },
    },
  );
  if (claimed === false) {
    const current = await findNotification(notificationId);
    throw new NotificationNotRetryable(retryRefusal(current) ?? 'This notification changed; read it again.', {
      notificationStatus: current.status,
    });
  }

  const intent = JSON.parse(row.intent as string) as NotificationIntent;
  const retryOf = row.retryOf ?? row.notificationId;
  // The new row, linked to the first attempt, until the sender's attempt rewrites its status (its writes leave
  // `retryOf` in place): the log shows the retry at once.
  const queuedRow: NotificationItem = {
    ticketId: row.ticketId,
    about: row.about,
    notificationId: newId,
    recipientId: row.recipientId,
    channel: row.channel,
    type: row.type,
    status: 'retrying',
    error: `Queued again by a retry of ${row.notificationId}.`,
    nextAttemptAt: queuedAt,
    sourceEventId: eventId,
    at: queuedAt,
    retryOf,
  };
  await putItem(notificationRecord(queuedRow), itemIsNew).catch((error: { name?: string }) => {
    // Written before (a retried request of this very claim): it stays as it is.
    if (error.name !== 'ConditionalCheckFailedException') throw error;
  });
  const message: DeliveryMessage = {
    kind: 'intent',
    eventId,
    plannedAt: queuedAt,
    // The same person (a party such as `requester` is resolved anew from the ticket otherwise); a message about no
    // ticket was logged with its one recipient already (a user id or a plain address).
    intent: isTicketIntent(intent)
      ? { ...intent, ticket: undefined, recipient: { userId: row.recipientId } }
      : intent,
    retryOf,
    channel: row.channel,
  };
  try {
    await enqueueDeliveries([message]);
  } catch (error) {
    await updateItem(
      key,
      { set: { retriedAs: undefined, retriedAt: undefined } },
      {
        condition: {
          expression: '#retriedAs = :mine',
          names: { '#retriedAs': 'retriedAs' },
          values: { ':mine': newId },
        },
      },
    ).catch(() => undefined);
    await deleteItem(notificationRowKey({ ...row, notificationId: newId })).catch(() => undefined);
    throw error;
  }
  return {
    notificationId: newId,
    retryOf,
    ticketId: row.ticketId,
    about: row.about,
    channel: row.channel,
    type: row.type,
    recipientId: row.recipientId,
    queuedAt,
  };
}
