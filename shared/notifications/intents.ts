/**
 * The notifier's vocabulary: the messages it sends, the intents stream rules produce, and the shape of a stream
 * rule. Features register their rules in `shared/<feature>/stream-rules.ts`; `shared/stream-rules.ts` lists them.
 * Pure: no AWS, no clock.
 */
import * as z from 'zod/mini';
import type { EmailContent } from '#shared/notifications/templates.ts';
import { priorities, ticketStatuses } from '#shared/tickets/lifecycle.ts';

/** The kinds of message the notifier sends; the `type` of a notification log entry. */
export const notificationTypes = [
  'approval_requested',
  'approval_decided',
  'status_changed',
  'assigned',
  'agent_response',
  'requester_reply',
  'message_digest',
  'optics_requested',
  'optics_decided',
  'low_stock',
] as const;
export type NotificationType = (typeof notificationTypes)[number];

/** Delivery channels (`shared/notifications/channels/`): email through SES, SMS through SNS. */
export type ChannelName = 'email' | 'sms';

/** What the templates and recipient rules read of a ticket (a subset of the ticket item). */
export const TicketSummary = /* @__PURE__ */ (() =>
  z.object({
    ticketId: z.string().check(z.minLength(1)),
    number: z.number(),
    title: z.string(),
    description: z.string(),
    priority: z.enum(priorities),
    status: z.enum(ticketStatuses),
    requesterId: z.string().check(z.minLength(1)),
    assigneeId: z.optional(z.string()),
    approverId: z.optional(z.string()),
    /** A group-approved request: the group setting and the members who may decide (each is asked). */
    approverGroup: z.optional(z.string()),
    approverIds: z.optional(z.array(z.string())),
    /** A cable request's details, as the approval messages show them (`shared/tickets/ticket.entity.ts`). */
    requestDetails: z.optional(
      z.object({
        cableType: z.string(),
        lengthMm: z.number(),
        quantity: z.number(),
        gauge: z.optional(z.string()),
        location: z.optional(z.string()),
        notes: z.optional(z.string()),
      }),
    ),
    decisionReason: z.optional(z.string()),
    decidedBy: z.optional(z.string()),
  }))();
export type TicketSummary = z.infer<typeof TicketSummary>;

interface IntentBase {
  readonly ticketId: string;
  /**
   * The ticket as the record shows it when the record is the ticket itself; `undefined` for comments and audit
   * events, whose ticket the notifier reads (one GetItem) before sending.
   */
  readonly ticket: TicketSummary | undefined;
  /**
   * Who is told: a user id, or a party of the ticket, known once the ticket is read: `requester`, or `assignee`
   * (nobody when the ticket has none).
   */
  readonly recipient: { readonly userId: string } | 'requester' | 'assignee';
  /** The user whose action caused it, if known. Nobody is told about their own action. */
  readonly actorId: string | undefined;
  /** Whether an SMS goes as well as the email, when the recipient has a phone number and opted in. */
  readonly sms: boolean;
}

/**
 * The unread digest of direct messages (`shared/messages/digest.ts`): one email to a user about the messages they
 * have not read, planned when their mailbox's `unmailedSince` appears and delivered after a delay. It belongs to no
 * ticket: the sender delivers and logs it like any email (its rows in `USER#<userId>`), due only while the mailbox
 * still holds that marker (`SenderDependencies.digest`).
 */
export interface MessageDigestIntent {
  readonly type: 'message_digest';
  readonly ticketId?: undefined;
  readonly ticket?: undefined;
  readonly recipient: { readonly userId: string };
  readonly actorId?: undefined;
  readonly sms?: false;
  /** The mailbox's `unmailedSince` it was planned for: a later marker (or none) means it is stale. */
  readonly since: string;
}

/**
 * What a message that belongs to no ticket is about; its log rows live in that item's partition
 * (`notificationPartition` in `notification.entity.ts`): an optics request (`OPTICS#<requestId>`), an inventory
 * balance (`INVENTORY`, `id` the cable type), a user (`USER#<userId>`: the direct messages' digest).
 */
export interface NotificationSubject {
  readonly kind: 'opticsRequest' | 'inventoryBalance' | 'user';
  readonly id: string;
}

/**
 * A group the sender resolves into people when it delivers (`SenderDependencies.groupMembers`):
 * - `opticsAlerts`: the addresses of `OPTICS_ALERT_EMAILS` (`opticsAlertEmails()`), else every enabled admin;
 * - `inventoryTeam`: every enabled member of the role `INVENTORY_ROLE` (`inventoryRole()`, default `inventory`).
 */
export type RecipientGroup = 'opticsAlerts' | 'inventoryTeam';

/** One person an operations message goes to: a user (mailed at their profile's address) or a plain address. */
export type OperationsRecipient = { readonly userId: string } | { readonly address: string };

/**
 * A message of the operations features (optics requests, inventory), which belong to no ticket: its email is
 * rendered by the stream rule from the record (`shared/notifications/operations-templates.ts`), so the sender only
 * resolves the recipients, sends and logs. Email only.
 */
export interface OperationsIntent {
  readonly type: 'optics_requested' | 'optics_decided' | 'low_stock';
  readonly ticketId?: undefined;
  readonly ticket?: undefined;
  readonly about: NotificationSubject;
  /** One person, or a group resolved when the message is delivered (one delivery and log row per member). */
  readonly recipient: OperationsRecipient | { readonly group: RecipientGroup };
  /** The user whose action caused it, if any: they are not told. */
  readonly actorId?: string | undefined;
  readonly sms?: false;
  readonly email: EmailContent;
}

/** One message to one person (or group), as decided from one stream record. Email is always among its channels. */
export type NotificationIntent = TicketIntent | MessageDigestIntent | OperationsIntent;

/** Whether an intent is about a ticket (every other kind carries what it is `about`). */
export const isTicketIntent = (intent: NotificationIntent): intent is TicketIntent =>
  intent.ticketId !== undefined;

/** A message about a ticket. */
export type TicketIntent =
  | (IntentBase & { readonly type: 'approval_requested' })
  | (IntentBase & {
      readonly type: 'approval_decided';
      readonly decision: 'approved' | 'rejected';
      readonly reason: string | undefined;
    })
  | (IntentBase & { readonly type: 'status_changed'; readonly from: string; readonly to: string })
  | (IntentBase & { readonly type: 'assigned' })
  | (IntentBase & { readonly type: 'agent_response'; readonly commentId: string; readonly body: string })
  | (IntentBase & { readonly type: 'requester_reply'; readonly commentId: string; readonly body: string });

/** A stream record's change as a rule sees it: the unmarshalled item images. */
export interface ItemChange {
  readonly eventName: 'INSERT' | 'MODIFY';
  /** The stream record's `eventID`, for error messages. */
  readonly eventId: string | undefined;
  readonly newImage: Readonly<Record<string, unknown>>;
  /** `undefined` on INSERT. */
  readonly oldImage: Readonly<Record<string, unknown>> | undefined;
}

/**
 * What a feature tells the notifier: for items of `entity` (their `entityType`) changed by one of `events`,
 * `plan` says which messages go to whom. The event source's filter patterns are generated from the rules, so only
 * records some rule reads invoke the notifier.
 */
export interface StreamRule {
  readonly entity: string;
  readonly events: readonly ('INSERT' | 'MODIFY')[];
  /** @throws UnreadableRecordError when the item lacks a field the rule needs */
  plan(change: ItemChange): NotificationIntent[];
}

/**
 * A stream record the notifier cannot read: an item of a known entity without the fields it needs. Retrying
 * cannot help (the record's bytes do not change), so the notifier logs it and moves on.
 */
export class UnreadableRecordError extends Error {
  override readonly name = 'UnreadableRecordError';
}

/**
 * An item image read with a schema.
 * @param what the item, for the error message ("ticket", "old ticket")
 * @throws UnreadableRecordError naming the missing or mistyped fields
 */
export function readImage<S extends z.ZodMiniType>(
  schema: S,
  image: Readonly<Record<string, unknown>>,
  what: string,
  eventId: string | undefined,
): z.output<S> {
  const result = schema.safeParse(image);
  if (!result.success) {
    const fields = [...new Set(result.error.issues.map((issue) => issue.path.join('.')))].join(', ');
    throw new UnreadableRecordError(
      `Stream record ${eventId ?? '?'}: ${what} image lacks or mistypes ${fields}`,
    );
  }
  return result.data;
}

/** Whether a status is an approval decision. */
export const isDecision = (status: string | undefined): status is 'approved' | 'rejected' =>
  status === 'approved' || status === 'rejected';
