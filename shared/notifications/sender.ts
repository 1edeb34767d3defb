/**
 * The sender: for one planned message (an intent of one stream record, from the delivery queue), find the
 * recipient and deliver it on each of their channels exactly once, keeping one row per delivery in the
 * notification log (PRODUCT: "Every send is logged ... a failing provider never loses the ticket change, and a
 * redelivered stream record never sends twice").
 *
 * Three kinds of message: a ticket's (its recipient, a party of the ticket, on email and maybe SMS); an operations
 * message about no ticket (optics, low stock: its email rendered by the rule, to one person or to each member of a
 * group, its rows in the partition of what it is `about`); and the direct messages' digest (due only while the
 * mailbox holds the marker it was planned for, its marker released once its outcome is final). All go through the
 * same delivery: once per key, one log row, retried on a transient failure.
 *
 * Its reads, writes and providers are passed in ({@link SenderDependencies}), so the rules and the failure paths
 * are unit-tested without AWS (`test/unit/notify-sender.test.ts`); `aws-dependencies.ts` binds the real ones.
 *
 * Failure handling, per delivery (one channel to one person, key `deliveryKey(...)`):
 * - `sent`, `skipped` (no profile, no or invalid address, over a quota on paid sends: `quotas.ts`) and permanent provider failures (`MessageRejected`,
 *   `InvalidParameter`, `OptedOut`, any other 4xx) are final: the outcome is stored under the delivery's
 *   idempotency key and written to its log row; a redelivered message finds the stored outcome and sends nothing.
 * - transient failures (throttling, 5xx, network, a delivery another invocation holds) release the key, mark the
 *   row `retrying` with the error and the next attempt's time, and are reported in {@link IntentReport.retry}: the
 *   queue brings the message back later (`functions/notifications/on-delivery.ts`). On the message's last receive
 *   the row becomes a final `failed` (last error, attempt count) and the message goes to the dead-letter queue;
 *   redriven, it is tried again, and the same row ends as `sent` if it then succeeds.
 */
import { createHash } from 'node:crypto';
import { ulid } from 'ulid';
import { approvalLink, hashApprovalToken, newApprovalToken } from '#shared/approvals/token.ts';
import type { Channel } from '#shared/notifications/channels/channel.ts';
import type { Once } from '#shared/notifications/idempotency.ts';
import {
  type ChannelName,
  isTicketIntent,
  type MessageDigestIntent,
  type NotificationIntent,
  type NotificationSubject,
  type NotificationType,
  type OperationsIntent,
  type OperationsRecipient,
  type RecipientGroup,
  type TicketIntent,
  type TicketSummary,
} from '#shared/notifications/intents.ts';
import type { NotificationItem } from '#shared/notifications/notification.entity.ts';
import {
  channelsFor,
  deliveryKey,
  type RecipientContact,
  recipientIdFor,
} from '#shared/notifications/plan.ts';
import {
  type QuotaCounter,
  type QuotaName,
  quotaLimit,
  quotas,
  quotaWindow,
} from '#shared/notifications/quotas.ts';
import type { EmailContent, MessageFacts } from '#shared/notifications/templates.ts';
import { errorText } from '#shared/platform/errors.ts';
import { logger } from '#shared/platform/logger.ts';

/** A recipient's profile as the notifier needs it. */
export interface RecipientProfile extends RecipientContact {
  readonly userId: string;
  readonly name?: string | undefined;
  /** A disabled account (the digest skips it). */
  readonly disabled?: boolean | undefined;
  /** `false` when the user turned the direct messages' digest off. */
  readonly messageEmails?: boolean | undefined;
}

/**
 * Why a recipient's address on a channel is not one to send to yet, or `undefined`: nothing but the verification
 * goes to an account whose email was never confirmed (self sign-up before `POST /auth/confirm`), and no SMS to a
 * number whose owner has not sent back its code (`shared/users/phone-verification.ts`). Logged as `skipped`.
 */
export function unverifiedAddress(recipient: RecipientProfile, channel: ChannelName): string | undefined {
  if (recipient.emailVerified === false) return 'The recipient has not confirmed their email address yet.';
  if (channel === 'sms' && recipient.phoneVerified === false)
    return 'The recipient phone number is not verified.';
  return undefined;
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

/** Everything the sender reads, writes and calls. */
export interface SenderDependencies {
  findUser(userId: string): Promise<RecipientProfile | undefined>;
  findTicket(ticketId: string): Promise<TicketSummary | undefined>;
  /** Store a new approval link; fails if the hash exists. */
  saveApproval(approval: NewApproval): Promise<void>;
  deleteApproval(tokenHash: string): Promise<void>;
  /**
   * Write a delivery's log row; writing the same `notificationId` again overwrites its fields (idempotent).
   * `countAttempt` adds one to the row's `attempts` (a send was tried, not a stored outcome replayed).
   */
  recordNotification(entry: NotificationLogEntry, options: { readonly countAttempt: boolean }): Promise<void>;
  /** The delivery channels by name (`shared/notifications/channels/`). */
  channels: Readonly<Record<ChannelName, Channel>>;
  once: Once;
  /**
   * The quota counter (`quotas.ts`); without it no quota is enforced (unit tests of other rules). Asked before a
   * paid send, after the address checks: approval requests per requester, SMS per recipient.
   */
  countQuota?: QuotaCounter;
  /**
   * The people of a group recipient of an operations message (`RecipientGroup`), read when the message is delivered
   * (each is one delivery and one log row); without it a group message sends nothing.
   */
  groupMembers?: ((group: RecipientGroup) => Promise<OperationsRecipient[]>) | undefined;
  /**
   * The mailboxes behind the direct messages' unread digest (`message_digest`, `shared/messages/digest.ts`); without
   * them a digest sends nothing.
   */
  digest?: DigestMailboxes | undefined;
  /** Read when a link is made. */
  linkSettings(): { readonly publicApiUrl: string; readonly approvalLinkTtlSeconds: number };
  now?: () => Date;
  newToken?: () => string;
}

/** A user's mailbox as the digest reads it (`shared/messages/mailbox.entity.ts`). */
export interface DigestMailbox {
  /** Direct messages not read yet. */
  readonly unread: number;
  /** Set by the first message since the last digest; the digest planned for it is the one due. */
  readonly unmailedSince?: string | undefined;
}

/** The digest's reads and writes of mailboxes (`shared/messages/digest.ts` binds them to the table). */
export interface DigestMailboxes {
  read(userId: string): Promise<DigestMailbox | undefined>;
  /**
   * After the digest of marker `since` ended (sent, skipped or failed for good): remove the marker if it is still
   * `since`, so the next message schedules the next digest; when it was sent and more messages arrived than it
   * counted (`mailedUnread`), set a new marker instead, which schedules a digest of those.
   */
  release(userId: string, since: string, mailedUnread: number | undefined): Promise<void>;
  /** Why no digest is sent to this user about this mailbox (nothing unread, mails turned off...), or `undefined`. */
  skipReason(mailbox: DigestMailbox | undefined, user: RecipientProfile | undefined): string | undefined;
  /** The digest email. */
  email(unread: number): EmailContent;
}

/** What one delivery ended as; stored under its idempotency key (so JSON, without `undefined`) and logged. */
export interface DeliveryOutcome {
  [key: string]: string;
  readonly notificationId: string;
  /** ISO 8601 time of the attempt. */
  readonly at: string;
  readonly status: 'sent' | 'failed' | 'skipped';
}

/** What happened to one message's deliveries (for logs and tests). */
export interface IntentReport {
  readonly deliveries: ReadonlyArray<{
    readonly type: NotificationType;
    readonly channel: ChannelName;
    readonly recipientId: string;
    /** `retry`: not delivered yet, the message must come back (or, on its last receive, final `failed`). */
    readonly status: DeliveryOutcome['status'] | 'retry';
    readonly notificationId: string;
  }>;
  /** The deliveries to try again, with why; empty when every delivery has a final outcome. */
  readonly retry: ReadonlyArray<{ readonly key: string; readonly error: string }>;
}

/** Which receive of the message this is, as the queue counts it. */
export interface DeliveryAttempt {
  /** SQS `ApproximateReceiveCount`: 1 on the first receive. */
  readonly receiveCount: number;
  /** The queue's last receive before the dead-letter queue: a failure now is final. */
  readonly finalAttempt: boolean;
  /** ISO 8601: when the message comes back if this attempt fails (shown in `retrying` rows). */
  readonly nextAttemptAt?: string | undefined;
}

/** One planned message: the intent and the stream record it came from. */
export interface PlannedIntent {
  /** The stream record's `eventID`: part of every delivery key, so a redelivered record never sends twice. */
  readonly eventId: string;
  /** ISO 8601: when it was planned; the time part of the log rows' ids. */
  readonly plannedAt: string;
  readonly intent: NotificationIntent;
  /** A retry (`POST /notifications/{id}/retry`, which writes the new row's link to the first attempt itself). */
  readonly retryOf?: string | undefined;
  /** A retry: only this channel is sent again. */
  readonly channel?: ChannelName | undefined;
}

/** A transient provider failure inside a delivery: releases the idempotency key so that a retry sends again. */
export class RetryableDeliveryError extends Error {
  override readonly name = 'RetryableDeliveryError';
}

/**
 * The log row id of a delivery: a ULID whose time is when the message was planned and whose random part is derived
 * from the delivery key, so every attempt, every redelivered copy of the message and a redrive all write the same
 * row (one row per delivery), and the log still sorts by time.
 */
export function deliveryNotificationId(key: string, plannedAt: string): string {
  const digest = createHash('sha256').update(key).digest();
  let index = 0;
  // ulid() asks its PRNG for one number in [0, 1) per random character (16 of them).
  const fromDigest = () => (digest[index++ % digest.length] as number) / 256;
  const time = Date.parse(plannedAt);
  // ulid() reads a seed time of 0 as "now": an unreadable time sorts first instead, still deterministic.
  return ulid(Number.isFinite(time) && time > 0 ? time : 1, fromDigest);
}

/** A delivery outcome without `undefined` properties (Powertools marshals the stored result strictly). */
function outcome(fields: Record<string, string | undefined>): DeliveryOutcome {
  return Object.fromEntries(
    Object.entries(fields).filter(([, value]) => value !== undefined),
  ) as DeliveryOutcome;
}

/**
 * An approval link made on first use and shared by the channels of one delivery run (one token per stream record
 * and approver). If no message carrying it went out, {@link discardIfUnsent} deletes its stored half again.
 */
class ApprovalLinkIssuer {
  #issued: Promise<{ link: string; expiresAtIso: string }> | undefined;
  #storedHash: string | undefined;
  #sent = false;

  constructor(
    private readonly deps: SenderDependencies,
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
      logger.warn('Could not delete an unsent approval link', { error: errorText(error, 500) });
    }
  }
}

/**
 * A sender over the given dependencies.
 * @returns `send(planned, attempt)`: delivers one planned message on each channel of its recipient. Resolves with
 *   what happened, including the deliveries to retry; rejects with the error of a failed read (ticket, profile) or
 *   log write, which the caller treats like a transient failure of the whole message.
 */
export function createSender(deps: SenderDependencies) {
  const now = () => (deps.now ?? (() => new Date()))();

  async function factsFor(
    intent: TicketIntent,
    ticket: TicketSummary,
    link: ApprovalLinkIssuer | undefined,
  ): Promise<MessageFacts> {
    switch (intent.type) {
      case 'approval_requested': {
        const requester = await deps.findUser(ticket.requesterId);
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
        const author = intent.actorId ? await deps.findUser(intent.actorId) : undefined;
        return { type: intent.type, ticket, authorName: author?.name, body: intent.body };
      }
    }
  }

  interface DeliveryContext {
    readonly eventId: string;
    /** ISO 8601: when the message was planned; the quotas' windows hold this time. */
    readonly plannedAt: string;
    readonly intent: NotificationIntent;
    /** Where the log row goes: the ticket, or what a message about no ticket is about. */
    readonly ticketId?: string | undefined;
    readonly about?: NotificationSubject | undefined;
    /** The ticket's requester: the subject of the approval requests quota. */
    readonly requesterId?: string | undefined;
    readonly recipientId: string;
    readonly notificationId: string;
    /** Why the message no longer applies (nothing is sent), if so. */
    readonly stale?: string | undefined;
    /** The message on a channel, made once its send is due (profiles read, the approval link made). */
    readonly render: (channel: Channel) => Promise<unknown>;
    /** What a retry of a failed delivery sends again (stored on a `failed` row): the intent, to this person. */
    readonly retryIntent: NotificationIntent;
  }

  function logEntry(
    context: DeliveryContext,
    channel: ChannelName,
    fields: {
      status: NotificationLogEntry['status'];
      at: string;
      recipient?: string | undefined;
      error?: string | undefined;
      providerMessageId?: string | undefined;
      nextAttemptAt?: string | undefined;
    },
  ): NotificationLogEntry {
    return {
      ticketId: context.ticketId,
      about: context.about,
      notificationId: context.notificationId,
      recipientId: context.recipientId,
      recipient: fields.recipient,
      channel,
      type: context.intent.type,
      status: fields.status,
      error: fields.error,
      providerMessageId: fields.providerMessageId,
      nextAttemptAt: fields.nextAttemptAt,
      sourceEventId: context.eventId,
      at: fields.at,
      // What a retry of a failed delivery sends again (`shared/notifications/log.ts`).
      intent: fields.status === 'failed' ? JSON.stringify(context.retryIntent) : undefined,
    };
  }

  /**
   * Why this delivery is over a quota (the quota's reason), or `undefined` when it may be sent. Counts it: an
   * approval request once per stream record (its email and SMS, and the messages to every member of an approver
   * group, share the count key: one request of the requester, however many approvers it asks), an SMS once per
   * delivery key; a copy of a message that was counted is not counted again.
   */
  async function overQuota(context: DeliveryContext, channel: ChannelName): Promise<string | undefined> {
    if (!deps.countQuota) return undefined;
    const uses: Array<{ quota: QuotaName; subjectId: string; countKey: string }> = [];
    if (context.intent.type === 'approval_requested' && context.requesterId) {
      uses.push({
        quota: 'approvalRequestsPerRequesterPerHour',
        subjectId: context.requesterId,
        countKey: `${context.eventId}#${context.intent.type}`,
      });
    }
    if (context.intent.type === 'optics_requested' && context.intent.actorId) {
      // One request's alert counts once, however many people the group holds (count key: the stream record).
      uses.push({
        quota: 'opticsAlertsPerRequesterPerHour',
        subjectId: context.intent.actorId,
        countKey: `${context.eventId}#${context.intent.type}`,
      });
    }
    if (channel === 'sms') {
      uses.push({
        quota: 'smsPerRecipientPerDay',
        subjectId: context.recipientId,
        countKey: deliveryKey(context.eventId, channel, context.recipientId, context.intent.type),
      });
    }
    for (const use of uses) {
      const limit = quotaLimit(use.quota);
      const window = quotaWindow(context.plannedAt, quotas[use.quota].windowSeconds);
      if (!(await deps.countQuota({ ...use, window, limit }))) return quotas[use.quota].reason(limit);
    }
    return undefined;
  }

  /**
   * One channel of one intent to one recipient: check the address and the quotas, render, send. Runs inside `once`; a retryable
   * provider failure throws {@link RetryableDeliveryError} after marking the row, so the key is released.
   */
  async function attempt(
    context: DeliveryContext,
    recipient: RecipientProfile | undefined,
    channel: Channel,
    link: ApprovalLinkIssuer | undefined,
    tried: { value: boolean },
    delivery: DeliveryAttempt,
  ): Promise<DeliveryOutcome> {
    tried.value = true;
    const address = recipient ? channel.addressOf(recipient) : undefined;
    const base = {
      notificationId: context.notificationId,
      at: now().toISOString(),
      recipient: address || undefined,
    };
    if (context.stale) return outcome({ ...base, status: 'skipped', error: context.stale });
    if (!recipient)
      return outcome({ ...base, status: 'skipped', error: 'The recipient has no user profile.' });
    const unverified = unverifiedAddress(recipient, channel.name);
    if (unverified) return outcome({ ...base, status: 'skipped', error: unverified });
    const problem = channel.addressProblem(address);
    if (problem) return outcome({ ...base, status: 'skipped', error: problem });
    // Final like a bad address: over a quota now stays over it for this message (its window is fixed).
    const quota = await overQuota(context, channel.name);
    if (quota) return outcome({ ...base, status: 'skipped', error: quota });

    const sent = await channel.send(address as string, await context.render(channel));
    switch (sent.status) {
      case 'sent':
        link?.markSent();
        return outcome({ ...base, status: 'sent', providerMessageId: sent.providerMessageId });
      case 'skipped':
        return outcome({ ...base, status: 'skipped', error: sent.error });
      case 'failed': {
        if (!sent.retryable) return outcome({ ...base, status: 'failed', error: sent.error });
        // Not stored: the key is released and a later receive tries again. The row says what happened so far.
        await deps.recordNotification(
          logEntry(context, channel.name, {
            ...base,
            status: delivery.finalAttempt ? 'failed' : 'retrying',
            error: sent.error,
            nextAttemptAt: delivery.finalAttempt ? undefined : delivery.nextAttemptAt,
          }),
          { countAttempt: true },
        );
        throw new RetryableDeliveryError(sent.error);
      }
    }
  }

  /** What the deliveries of one message came to, filled in by {@link deliver}. */
  interface Report {
    deliveries: Array<IntentReport['deliveries'][number]>;
    retry: Array<{ key: string; error: string }>;
  }

  /**
   * One delivery (one channel of one message to one person), at most once under its idempotency key, and its log
   * row; a failure that may pass is reported in `report.retry`.
   */
  async function deliver(
    context: DeliveryContext,
    recipient: RecipientProfile | undefined,
    channel: ChannelName,
    link: ApprovalLinkIssuer | undefined,
    delivery: DeliveryAttempt,
    report: Report,
  ): Promise<DeliveryOutcome['status'] | 'retry'> {
    const key = deliveryKey(context.eventId, channel, context.recipientId, context.intent.type);
    const tried = { value: false };
    let outcomeKnown = false;
    const fields = {
      type: context.intent.type,
      channel,
      recipientId: context.recipientId,
      ...(context.ticketId ? { ticketId: context.ticketId } : { about: context.about }),
    };
    try {
      const result = await deps.once(key, () =>
        attempt(context, recipient, deps.channels[channel], link, tried, delivery),
      );
      outcomeKnown = true;
      await deps.recordNotification(
        logEntry(context, channel, {
          status: result.status,
          at: result.at,
          recipient: result.recipient,
          error: result.error,
          providerMessageId: result.providerMessageId,
        }),
        { countAttempt: tried.value },
      );
      report.deliveries.push({ ...fields, status: result.status, notificationId: context.notificationId });
      logger[result.status === 'sent' ? 'info' : 'warn']('Notification', {
        ...fields,
        status: result.status,
        notificationId: context.notificationId,
        ...(result.error ? { reason: result.error } : {}),
      });
      return result.status;
    } catch (error) {
      const text = errorText(error, 500);
      // Only the log write failed (the outcome is stored): the retry rewrites the row, never as failed.
      if (!(error instanceof RetryableDeliveryError) && tried.value && !outcomeKnown) {
        // The attempt failed outside the provider call (a read or the link write): mark the row like a
        // provider failure, so the log never shows a delivery that silently stopped.
        await deps
          .recordNotification(
            logEntry(context, channel, {
              status: delivery.finalAttempt ? 'failed' : 'retrying',
              at: now().toISOString(),
              error: text,
              nextAttemptAt: delivery.finalAttempt ? undefined : delivery.nextAttemptAt,
            }),
            { countAttempt: true },
          )
          .catch((logError) => logger.error('Could not log a failed notification', errorText(logError, 500)));
      }
      report.retry.push({ key, error: text });
      report.deliveries.push({ ...fields, status: 'retry', notificationId: context.notificationId });
      logger.warn(delivery.finalAttempt ? 'Notification failed for good' : 'Notification to retry', {
        ...fields,
        receiveCount: delivery.receiveCount,
        error: text,
      });
      return 'retry';
    }
  }

  /** The context of a delivery by email of a message about no ticket, to one person. */
  function standaloneContext(
    planned: PlannedIntent,
    fields: Pick<DeliveryContext, 'about' | 'recipientId' | 'stale' | 'retryIntent'> & {
      readonly email: () => EmailContent;
    },
  ): DeliveryContext {
    const key = deliveryKey(planned.eventId, 'email', fields.recipientId, planned.intent.type);
    return {
      eventId: planned.eventId,
      plannedAt: planned.plannedAt,
      intent: planned.intent,
      about: fields.about,
      recipientId: fields.recipientId,
      notificationId: deliveryNotificationId(key, planned.plannedAt),
      stale: fields.stale,
      render: async () => fields.email(),
      retryIntent: fields.retryIntent,
    };
  }

  /**
   * An operations message (optics, inventory): to its one person, or to each member of its group as they are now;
   * nobody is told about their own action, and each person gets it once however the group lists them.
   */
  async function sendOperations(planned: PlannedIntent, delivery: DeliveryAttempt): Promise<IntentReport> {
    const intent = planned.intent as OperationsIntent;
    const report: Report = { deliveries: [], retry: [] };
    const targets =
      'group' in intent.recipient
        ? ((await deps.groupMembers?.(intent.recipient.group)) ?? [])
        : [intent.recipient];
    const seen = new Set<string>();
    for (const target of targets) {
      const recipientId = 'userId' in target ? target.userId : target.address;
      if (seen.has(recipientId) || recipientId === intent.actorId) continue;
      seen.add(recipientId);
      const profile =
        'userId' in target
          ? await deps.findUser(target.userId)
          : { userId: target.address, email: target.address };
      const context = standaloneContext(planned, {
        about: intent.about,
        recipientId,
        email: () => intent.email,
        // A retry goes to this one person, not to the group as it is then.
        retryIntent: { ...intent, recipient: target },
      });
      await deliver(context, profile, 'email', undefined, delivery, report);
    }
    return report;
  }

  /**
   * The direct messages' unread digest: due only while the mailbox still holds the marker it was planned for (a copy
   * of a digest already delivered, one whose messages were all read, or one a later marker replaced sends nothing
   * and writes no row); a retry of a failed digest (`POST /notifications/{id}/retry`) is due whatever the marker.
   * Delivered and logged like any email, at least once; once its outcome is final the marker is released.
   */
  async function sendDigest(planned: PlannedIntent, delivery: DeliveryAttempt): Promise<IntentReport> {
    const intent = planned.intent as MessageDigestIntent;
    const report: Report = { deliveries: [], retry: [] };
    const mailboxes = deps.digest;
    if (!mailboxes) return report;
    const userId = intent.recipient.userId;
    const mailbox = await mailboxes.read(userId);
    if (!planned.retryOf && mailbox?.unmailedSince !== intent.since) return report;
    const profile = await deps.findUser(userId);
    const unread = mailbox?.unread ?? 0;
    const context = standaloneContext(planned, {
      about: { kind: 'user', id: userId },
      recipientId: userId,
      stale: mailboxes.skipReason(mailbox, profile),
      email: () => mailboxes.email(unread),
      retryIntent: intent,
    });
    const status = await deliver(context, profile, 'email', undefined, delivery, report);
    if (status !== 'retry' && !planned.retryOf)
      await mailboxes.release(userId, intent.since, status === 'sent' ? unread : undefined);
    return report;
  }

  /** A ticket message: its recipient (a party is read from the ticket) on each of their channels. */
  async function sendTicketMessage(
    planned: PlannedIntent,
    intent: TicketIntent,
    delivery: DeliveryAttempt,
  ): Promise<IntentReport> {
    const report: Report = { deliveries: [], retry: [] };
    let ticket = intent.ticket ?? (await deps.findTicket(intent.ticketId));
    if (!ticket) {
      logger.warn('The ticket is gone; nothing to send', { ticketId: intent.ticketId, type: intent.type });
      return report;
    }
    const recipientId = recipientIdFor(intent, ticket);
    if (!recipientId) return report;
    let stale: string | undefined;
    if (intent.type === 'approval_requested') {
      // A request that waited out an outage on the queue may have been decided, withdrawn or handed to another
      // approver meanwhile: a link for it would only say "already decided". Its deliveries end `skipped`.
      const current = await deps.findTicket(intent.ticketId);
      const asked =
        current?.approverId === recipientId || current?.approverIds?.includes(recipientId) === true;
      if (current?.status !== 'pending_approval' || !asked)
        stale = 'The approval request was decided, withdrawn or reassigned before it could be sent.';
      else ticket = current;
    }
    const recipient = await deps.findUser(recipientId);
    const link =
      intent.type === 'approval_requested'
        ? new ApprovalLinkIssuer(deps, ticket.ticketId, recipientId)
        : undefined;

    const subject = ticket;
    let facts: Promise<MessageFacts> | undefined;
    const factsOnce = () => {
      facts ??= factsFor(intent, subject, link);
      return facts;
    };

    for (const channel of channelsFor(intent, recipient)) {
      if (planned.channel && channel !== planned.channel) continue;
      const key = deliveryKey(planned.eventId, channel, recipientId, intent.type);
      const context: DeliveryContext = {
        eventId: planned.eventId,
        plannedAt: planned.plannedAt,
        intent,
        ticketId: ticket.ticketId,
        requesterId: ticket.requesterId,
        recipientId,
        notificationId: deliveryNotificationId(key, planned.plannedAt),
        stale,
        render: async (on) => on.render(await factsOnce()),
        retryIntent: intent,
      };
      await deliver(context, recipient, channel, link, delivery, report);
    }
    await link?.discardIfUnsent();
    return report;
  }

  return async function send(planned: PlannedIntent, delivery: DeliveryAttempt): Promise<IntentReport> {
    const { intent } = planned;
    if (isTicketIntent(intent)) return sendTicketMessage(planned, intent, delivery);
    // Messages about no ticket: the direct messages' digest, and the operations messages.
    if (intent.type === 'message_digest') return sendDigest(planned, delivery);
    return sendOperations(planned, delivery);
  };
}

export type Send = ReturnType<typeof createSender>;
