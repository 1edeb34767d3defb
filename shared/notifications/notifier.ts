/**
 * The notifier: for one stream record, plan the messages (`plan.ts`), find each recipient, and deliver each
 * (message, channel) exactly once, logging every attempt as a `Notification` item (PRODUCT: "Every send is logged
 * ... a failing provider never loses the ticket change, and a redelivered stream record never sends twice").
 *
 * Its reads, writes and providers are passed in ({@link NotifierDependencies}), so the rules and the failure paths
 * are unit-tested without AWS (`test/unit/notify-notifier.test.ts`); `aws-dependencies.ts` binds the real ones.
 *
 * Failure handling, per delivery (one channel to one person):
 * - `sent`, `skipped` (no profile, no or invalid address) and permanent provider failures (`MessageRejected`,
 *   `InvalidParameter`, any other 4xx) are final: the outcome is stored under the delivery's idempotency key and
 *   logged; a redelivered record finds the stored outcome and sends nothing.
 * - transient failures (throttling, 5xx, network) are logged as `failed`, release the key and make the record
 *   fail after its other deliveries were tried, so the event source retries it; the retry sends only what has no
 *   stored outcome yet.
 */
import { ulid } from 'ulid';
import { approvalLink, hashApprovalToken, newApprovalToken } from '#shared/approvals/token.ts';
import type { Channel } from '#shared/notifications/channels/channel.ts';
import type { Once } from '#shared/notifications/idempotency.ts';
import type {
  ChannelName,
  NotificationIntent,
  NotificationType,
  TicketSummary,
} from '#shared/notifications/intents.ts';
import type { NotificationItem } from '#shared/notifications/notification.entity.ts';
import {
  channelsFor,
  deliveryKey,
  notificationsFor,
  type RecipientContact,
  recipientIdFor,
} from '#shared/notifications/plan.ts';
import type { MessageFacts } from '#shared/notifications/templates.ts';
import { logger } from '#shared/platform/logger.ts';

/** A recipient's profile as the notifier needs it. */
export interface RecipientProfile extends RecipientContact {
  readonly userId: string;
  readonly name?: string | undefined;
}

/** A new approval link's stored half (the token itself is only ever in the messages). */
export interface NewApproval {
  /** SHA-256 of the token, hex. */
  readonly tokenHash: string;
  readonly ticketId: string;
  readonly approverId: string;
  /** ISO 8601. */
  readonly createdAt: string;
  /** Epoch seconds; the table's TTL attribute. */
  readonly expiresAt: number;
}

/** One row of the notification log: the `Notification` item. */
export type NotificationLogEntry = NotificationItem;

/** Everything the notifier reads, writes and calls. */
export interface NotifierDependencies {
  findUser(userId: string): Promise<RecipientProfile | undefined>;
  findTicket(ticketId: string): Promise<TicketSummary | undefined>;
  /** Store a new approval link; fails if the hash exists. */
  saveApproval(approval: NewApproval): Promise<void>;
  deleteApproval(tokenHash: string): Promise<void>;
  /** Write a log entry; writing the same `notificationId` again overwrites it (idempotent). */
  recordNotification(entry: NotificationLogEntry): Promise<void>;
  /** The delivery channels by name (`shared/notifications/channels/`). */
  channels: Readonly<Record<ChannelName, Channel>>;
  once: Once;
  /** Read when a link is made. */
  linkSettings(): { readonly publicApiUrl: string; readonly approvalLinkTtlSeconds: number };
  now?: () => Date;
  newNotificationId?: () => string;
  newToken?: () => string;
}

/** What one delivery ended as; stored under its idempotency key (so JSON, without `undefined`) and logged. */
export interface DeliveryOutcome {
  [key: string]: string;
  readonly notificationId: string;
  /** ISO 8601 time of the attempt. */
  readonly at: string;
  readonly status: 'sent' | 'failed' | 'skipped';
}

/** What happened to one record's deliveries (for logs and tests). */
export interface RecordReport {
  readonly deliveries: ReadonlyArray<{
    readonly type: NotificationType;
    readonly channel: ChannelName;
    readonly recipientId: string;
    readonly status: DeliveryOutcome['status'] | 'retry';
    readonly notificationId?: string;
  }>;
}

/** A transient provider failure inside a delivery: releases the idempotency key so that a retry sends again. */
export class RetryableDeliveryError extends Error {
  override readonly name = 'RetryableDeliveryError';
}

/** Some deliveries of a record must be retried; thrown after all others were tried, so the record is redelivered. */
export class DeliveriesIncompleteError extends Error {
  override readonly name = 'DeliveriesIncompleteError';
  constructor(
    readonly eventId: string,
    readonly failures: ReadonlyArray<{ key: string; error: string }>,
  ) {
    super(
      `Stream record ${eventId}: ${failures.length} deliveries to retry (${failures.map((f) => f.error).join('; ')})`,
    );
  }
}

/** A delivery outcome without `undefined` properties (Powertools marshals the stored result strictly). */
function outcome(fields: Record<string, string | undefined>): DeliveryOutcome {
  return Object.fromEntries(
    Object.entries(fields).filter(([, value]) => value !== undefined),
  ) as DeliveryOutcome;
}

const errorText = (error: unknown) =>
  error instanceof Error ? `${error.name}: ${error.message}`.slice(0, 500) : String(error).slice(0, 500);

/**
 * An approval link made on first use and shared by the channels of one delivery run (one token per stream record
 * and approver). If no message carrying it went out, {@link discardIfUnsent} deletes its stored half again.
 */
class ApprovalLinkIssuer {
  #issued: Promise<{ link: string; expiresAtIso: string }> | undefined;
  #storedHash: string | undefined;
  #sent = false;

  constructor(
    private readonly deps: NotifierDependencies,
    private readonly ticketId: string,
    private readonly approverId: string,
  ) {}

  /** The link, made (token generated, its hash stored) on the first call. */
  get(): Promise<{ link: string; expiresAtIso: string }> {
    this.#issued ??= (async () => {
      const token = (this.deps.newToken ?? newApprovalToken)();
      const tokenHash = hashApprovalToken(token);
      const now = (this.deps.now ?? (() => new Date()))();
      const { publicApiUrl, approvalLinkTtlSeconds } = this.deps.linkSettings();
      const expiresAt = Math.floor(now.getTime() / 1000) + approvalLinkTtlSeconds;
      await this.deps.saveApproval({
        tokenHash,
        ticketId: this.ticketId,
        approverId: this.approverId,
        createdAt: now.toISOString(),
        expiresAt,
      });
      this.#storedHash = tokenHash;
      return {
        link: approvalLink(publicApiUrl, token),
        expiresAtIso: new Date(expiresAt * 1000).toISOString(),
      };
    })();
    return this.#issued;
  }

  markSent(): void {
    this.#sent = true;
  }

  /** Delete the stored link if it was made but no message carried it out (best effort). */
  async discardIfUnsent(): Promise<void> {
    if (!this.#storedHash || this.#sent) return;
    try {
      await this.deps.deleteApproval(this.#storedHash);
    } catch (error) {
      // Harmless: nobody has the token, and the item expires with its TTL.
      logger.warn('Could not delete an unsent approval link', { error: errorText(error) });
    }
  }
}

/**
 * A notifier over the given dependencies.
 * @returns `notify(record)`: plans and delivers one stream record's notifications. Resolves with what happened;
 *   rejects with {@link DeliveriesIncompleteError} when some deliveries must be retried, or with the error of a
 *   failed read or write, so the batch processor reports the record for retry. Records it cannot read are logged
 *   and resolve (a retry would read the same bytes).
 */
export function createNotifier(deps: NotifierDependencies) {
  const now = () => (deps.now ?? (() => new Date()))();
  const newNotificationId = () => (deps.newNotificationId ?? ulid)();

  async function factsFor(
    intent: NotificationIntent,
    ticket: TicketSummary,
    link: ApprovalLinkIssuer | undefined,
    findUser: NotifierDependencies['findUser'],
  ): Promise<MessageFacts> {
    switch (intent.type) {
      case 'approval_requested': {
        const requester = await findUser(ticket.requesterId);
        const issued = await (link as ApprovalLinkIssuer).get();
        return {
          type: 'approval_requested',
          ticket,
          requesterName: requester?.name,
          link: issued.link,
          linkExpiresAt: issued.expiresAtIso,
        };
      }
      case 'approval_decided':
        return { type: 'approval_decided', ticket, decision: intent.decision, reason: intent.reason };
      case 'status_changed':
        return { type: 'status_changed', ticket, from: intent.from, to: intent.to };
      case 'assigned':
        return { type: 'assigned', ticket };
      case 'agent_response':
      case 'requester_reply': {
        const author = intent.actorId ? await findUser(intent.actorId) : undefined;
        return { type: intent.type, ticket, authorName: author?.name, body: intent.body };
      }
    }
  }

  /** One channel of one intent to one recipient: check the address, write, send. Runs inside `once`. */
  async function attempt(
    context: { eventId: string; intent: NotificationIntent; ticket: TicketSummary; recipientId: string },
    recipient: RecipientProfile | undefined,
    channel: Channel,
    link: ApprovalLinkIssuer | undefined,
    findUser: NotifierDependencies['findUser'],
  ): Promise<DeliveryOutcome> {
    const address = recipient ? channel.addressOf(recipient) : undefined;
    const base = {
      notificationId: newNotificationId(),
      at: now().toISOString(),
      recipient: address || undefined,
    };
    if (!recipient)
      return outcome({ ...base, status: 'skipped', error: 'The recipient has no user profile.' });
    const problem = channel.addressProblem(address);
    if (problem) return outcome({ ...base, status: 'skipped', error: problem });

    const facts = await factsFor(context.intent, context.ticket, link, findUser);
    const sent = await channel.send(address as string, channel.render(facts));
    switch (sent.status) {
      case 'sent':
        link?.markSent();
        return outcome({ ...base, status: 'sent', providerMessageId: sent.providerMessageId });
      case 'skipped':
        return outcome({ ...base, status: 'skipped', error: sent.error });
      case 'failed': {
        const failed = outcome({ ...base, status: 'failed', error: sent.error });
        if (!sent.retryable) return failed;
        // Log this attempt now: the outcome is not stored, the retry is a new attempt with its own entry.
        await deps.recordNotification(logEntry(context, channel.name, failed)).catch((error) => {
          logger.error('Could not log a failed notification', { error: errorText(error) });
        });
        throw new RetryableDeliveryError(sent.error);
      }
    }
  }

  function logEntry(
    context: { eventId: string; intent: NotificationIntent; ticket: TicketSummary; recipientId: string },
    channel: ChannelName,
    delivery: DeliveryOutcome,
  ): NotificationLogEntry {
    return {
      ticketId: context.ticket.ticketId,
      notificationId: delivery.notificationId,
      recipientId: context.recipientId,
      recipient: delivery.recipient,
      channel,
      type: context.intent.type,
      status: delivery.status,
      error: delivery.error,
      providerMessageId: delivery.providerMessageId,
      sourceEventId: context.eventId,
      at: delivery.at,
    };
  }

  return async function notify(record: Parameters<typeof notificationsFor>[0]): Promise<RecordReport> {
    const eventId = record.eventID ?? record.dynamodb?.SequenceNumber ?? 'unknown';
    let intents: NotificationIntent[];
    try {
      intents = notificationsFor(record);
    } catch (error) {
      if (error instanceof Error && error.name === 'UnreadableRecordError') {
        logger.error('Skipping a stream record the notifier cannot read', { error: error.message });
        return { deliveries: [] };
      }
      throw error;
    }
    const deliveries: Array<RecordReport['deliveries'][number]> = [];
    const failures: Array<{ key: string; error: string }> = [];
    // Each profile is read once per record, however many channels and messages need it.
    const profiles = new Map<string, ReturnType<NotifierDependencies['findUser']>>();
    const findUser = (userId: string) => {
      if (!profiles.has(userId)) profiles.set(userId, deps.findUser(userId));
      return profiles.get(userId) as ReturnType<NotifierDependencies['findUser']>;
    };

    for (const intent of intents) {
      const ticket = intent.ticket ?? (await deps.findTicket(intent.ticketId));
      if (!ticket) {
        logger.warn('The ticket is gone; nothing to send', { ticketId: intent.ticketId, type: intent.type });
        continue;
      }
      const recipientId = recipientIdFor(intent, ticket);
      if (!recipientId) continue;
      const recipient = await findUser(recipientId);
      const link =
        intent.type === 'approval_requested'
          ? new ApprovalLinkIssuer(deps, ticket.ticketId, recipientId)
          : undefined;
      const context = { eventId, intent, ticket, recipientId };

      for (const channel of channelsFor(intent, recipient)) {
        const key = deliveryKey(eventId, channel, recipientId, intent.type);
        try {
          const delivery = await deps.once(key, () =>
            attempt(context, recipient, deps.channels[channel], link, findUser),
          );
          await deps.recordNotification(logEntry(context, channel, delivery));
          deliveries.push({
            type: intent.type,
            channel,
            recipientId,
            status: delivery.status,
            notificationId: delivery.notificationId,
          });
          const level = delivery.status === 'sent' ? 'info' : 'warn';
          logger[level]('Notification', {
            type: intent.type,
            channel,
            recipientId,
            ticketId: ticket.ticketId,
            status: delivery.status,
            notificationId: delivery.notificationId,
            ...(delivery.error ? { reason: delivery.error } : {}),
          });
        } catch (error) {
          failures.push({ key, error: errorText(error) });
          deliveries.push({ type: intent.type, channel, recipientId, status: 'retry' });
          logger.warn('Notification to retry', {
            type: intent.type,
            channel,
            recipientId,
            ticketId: ticket.ticketId,
            error: errorText(error),
          });
        }
      }
      await link?.discardIfUnsent();
    }

    if (failures.length > 0) throw new DeliveriesIncompleteError(eventId, failures);
    return { deliveries };
  };
}

export type Notify = ReturnType<typeof createNotifier>;
