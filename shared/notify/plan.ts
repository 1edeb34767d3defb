/**
 * What the notifier sends for one DynamoDB stream record (PRODUCT "Approvals and notifications"). Pure: no AWS,
 * no clock; unit-tested in `test/unit/notify-plan.test.ts`. `docs/notifications.md` has the same rules as a table.
 *
 * Items are told apart by ElectroDB's entity-name attribute (`__edb_e__`); items without one (the Powertools
 * idempotency records that share the table) and entities nobody is told about (users, approvals, the notification
 * log itself, counters, images) plan nothing, so the notifier never reacts to its own writes.
 */
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import * as z from 'zod';
import { entityNameAttribute } from '#shared/data/entities.ts';
import { priorities, ticketStatuses } from '#shared/domain/ticket.ts';

/** The kinds of message the notifier sends; the `type` of a notification log entry. */
export const notificationTypes = [
  'approval_requested',
  'approval_decided',
  'status_changed',
  'assigned',
  'agent_response',
] as const;
export type NotificationType = (typeof notificationTypes)[number];

/** Delivery channels: email through SES, SMS through SNS. */
export type Channel = 'email' | 'sms';

/** What the templates and recipient rules read of a ticket (a subset of the ticket item). */
export const TicketSummary = z.object({
  ticketId: z.string().min(1),
  number: z.number(),
  title: z.string(),
  description: z.string(),
  priority: z.enum(priorities),
  status: z.enum(ticketStatuses),
  requesterId: z.string().min(1),
  assigneeId: z.string().optional(),
  approverId: z.string().optional(),
  decisionReason: z.string().optional(),
  decidedBy: z.string().optional(),
});
export type TicketSummary = z.infer<typeof TicketSummary>;

const CommentImage = z.object({
  ticketId: z.string().min(1),
  commentId: z.string().min(1),
  authorId: z.string().min(1),
  kind: z.enum(['request', 'response', 'note']),
  body: z.string(),
});

/** What the transition rules read of a ticket's old image. */
const TicketBefore = z.object({ status: z.string().optional(), approverId: z.string().optional() });

const TicketEventImage = z.object({
  ticketId: z.string().min(1),
  actorId: z.string().min(1),
  field: z.string(),
  from: z.string().optional(),
  to: z.string().optional(),
});

interface IntentBase {
  readonly ticketId: string;
  /**
   * The ticket as the record shows it when the record is the ticket itself; `undefined` for comments and audit
   * events, whose ticket the notifier reads (one GetItem) before sending.
   */
  readonly ticket: TicketSummary | undefined;
  /** Who is told: a user id, or `requester`, the ticket's requester (known once the ticket is read). */
  readonly recipient: { readonly userId: string } | 'requester';
  /** The user whose action caused it, if known. Nobody is told about their own action. */
  readonly actorId: string | undefined;
  /** Whether an SMS goes as well as the email, when the recipient has a phone number and opted in. */
  readonly sms: boolean;
}

/** One message to one person, as decided from one stream record. Email is always among its channels. */
export type NotificationIntent =
  | (IntentBase & { readonly type: 'approval_requested' })
  | (IntentBase & {
      readonly type: 'approval_decided';
      readonly decision: 'approved' | 'rejected';
      readonly reason: string | undefined;
    })
  | (IntentBase & { readonly type: 'status_changed'; readonly from: string; readonly to: string })
  | (IntentBase & { readonly type: 'assigned' })
  | (IntentBase & { readonly type: 'agent_response'; readonly commentId: string; readonly body: string });

/**
 * A stream record the notifier cannot read: an item of a known entity without the fields it needs. Retrying
 * cannot help (the record's bytes do not change), so the notifier logs it and moves on.
 */
export class UnreadableRecordError extends Error {
  override readonly name = 'UnreadableRecordError';
}

type Image = Record<string, unknown>;

function imageOf(raw: unknown): Image | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  // aws-lambda's AttributeValue and the SDK's describe the same JSON shape.
  return unmarshall(raw as Parameters<typeof unmarshall>[0]);
}

function parse<T>(schema: z.ZodType<T>, image: Image, what: string, eventId: string | undefined): T {
  const result = schema.safeParse(image);
  if (!result.success) {
    const fields = [...new Set(result.error.issues.map((issue) => issue.path.join('.')))].join(', ');
    throw new UnreadableRecordError(
      `Stream record ${eventId ?? '?'}: ${what} image lacks or mistypes ${fields}`,
    );
  }
  return result.data;
}

const isDecision = (status: string | undefined): status is 'approved' | 'rejected' =>
  status === 'approved' || status === 'rejected';

/**
 * Lambda event filter patterns for the stream ("Lambda event filtering", AWS Lambda docs): only the records
 * {@link notificationsFor} can act on invoke the notifier: tickets inserted or modified, comments and audit events
 * inserted. Everything else (the notifier's own log and idempotency writes, approvals, counters) is dropped by
 * the event source mapping, so it costs no invocation. Patterns are ORed.
 */
export const streamFilterPatterns = [
  { eventName: ['INSERT', 'MODIFY'], dynamodb: { NewImage: { [entityNameAttribute]: { S: ['ticket'] } } } },
  {
    eventName: ['INSERT'],
    dynamodb: { NewImage: { [entityNameAttribute]: { S: ['comment', 'ticketEvent'] } } },
  },
];

/**
 * The notifications one stream record calls for. Rules (PRODUCT "Approvals and notifications", seed S4):
 *
 * - ticket INSERT in `pending_approval` with an approver, or MODIFY into `pending_approval` or to another approver
 *   while pending → `approval_requested` to the approver (email, and SMS if they have a phone and opted in);
 * - ticket MODIFY `pending_approval` → `approved | rejected` → `approval_decided` to the requester (email + SMS),
 *   with the decision reason, unless the requester decided themself;
 * - audit event INSERT of a `status` change by someone other than the requester → `status_changed` to the requester
 *   (email). Decisions and the move into `pending_approval` are left to the two rules above;
 * - audit event INSERT of an `assigneeId` change → `assigned` to the new assignee (email), unless they assigned
 *   themself;
 * - comment INSERT of kind `response` → `agent_response` to the ticket's requester (email), unless they wrote it.
 *   Requests and internal notes (`note`) notify nobody.
 *
 * Everything else, REMOVE records (deletes, TTL expiry) and items of other entities, plans nothing. Audit events
 * carry the actor, which ticket images do not; that is why status and assignee changes are read from them.
 * @param record a DynamoDB stream record with `NEW_AND_OLD_IMAGES`
 * @returns the intents, possibly none
 * @throws UnreadableRecordError when an item of a known entity lacks the fields a rule needs
 */
export function notificationsFor(record: DynamoDBRecord): NotificationIntent[] {
  if (record.eventName !== 'INSERT' && record.eventName !== 'MODIFY') return [];
  const newImage = imageOf(record.dynamodb?.NewImage);
  if (!newImage) return [];
  const entity = newImage[entityNameAttribute];
  const eventId = record.eventID;

  if (entity === 'ticket') {
    const ticket = parse(TicketSummary, newImage, 'ticket', eventId);
    if (record.eventName === 'INSERT') return ticketIntents(ticket, undefined);
    const oldImage = imageOf(record.dynamodb?.OldImage);
    if (!oldImage) {
      throw new UnreadableRecordError(`Stream record ${eventId ?? '?'}: ticket MODIFY without an old image`);
    }
    return ticketIntents(ticket, parse(TicketBefore, oldImage, 'old ticket', eventId));
  }
  if (record.eventName !== 'INSERT') return [];
  if (entity === 'ticketEvent')
    return ticketEventIntents(parse(TicketEventImage, newImage, 'ticketEvent', eventId));
  if (entity === 'comment') {
    const comment = parse(CommentImage, newImage, 'comment', eventId);
    if (comment.kind !== 'response') return [];
    return [
      {
        type: 'agent_response',
        ticketId: comment.ticketId,
        ticket: undefined,
        recipient: 'requester',
        actorId: comment.authorId,
        sms: false,
        commentId: comment.commentId,
        body: comment.body,
      },
    ];
  }
  return [];
}

function ticketIntents(
  ticket: TicketSummary,
  before: z.infer<typeof TicketBefore> | undefined,
): NotificationIntent[] {
  const base = { ticketId: ticket.ticketId, ticket, sms: true } as const;
  const approverId = ticket.approverId;
  if (ticket.status === 'pending_approval' && approverId) {
    const newlyPending = before?.status !== 'pending_approval' || before.approverId !== approverId;
    return newlyPending
      ? [{ ...base, type: 'approval_requested', recipient: { userId: approverId }, actorId: undefined }]
      : [];
  }
  if (before?.status === 'pending_approval' && isDecision(ticket.status)) {
    if (ticket.decidedBy === ticket.requesterId) return [];
    return [
      {
        ...base,
        type: 'approval_decided',
        recipient: { userId: ticket.requesterId },
        actorId: ticket.decidedBy,
        decision: ticket.status,
        reason: ticket.decisionReason?.trim() || undefined,
      },
    ];
  }
  return [];
}

function ticketEventIntents(event: z.infer<typeof TicketEventImage>): NotificationIntent[] {
  const base = { ticketId: event.ticketId, ticket: undefined, actorId: event.actorId, sms: false } as const;
  if (event.field === 'status' && event.from && event.to && event.from !== event.to) {
    if (event.to === 'pending_approval') return [];
    if (event.from === 'pending_approval' && isDecision(event.to)) return [];
    return [{ ...base, type: 'status_changed', recipient: 'requester', from: event.from, to: event.to }];
  }
  if (event.field === 'assigneeId' && event.to && event.to !== event.from && event.to !== event.actorId) {
    return [{ ...base, type: 'assigned', recipient: { userId: event.to } }];
  }
  return [];
}

/**
 * The user id an intent goes to, given its ticket, or `undefined` when nobody should get it: the recipient is
 * the person who acted.
 */
export function recipientIdFor(intent: NotificationIntent, ticket: TicketSummary): string | undefined {
  const userId = intent.recipient === 'requester' ? ticket.requesterId : intent.recipient.userId;
  return userId === intent.actorId ? undefined : userId;
}

/** What the channel rules read of a recipient's profile. */
export interface RecipientContact {
  readonly email?: string | undefined;
  /** E.164 phone number. */
  readonly phone?: string | undefined;
  readonly smsOptIn?: boolean | undefined;
}

/**
 * The channels of an intent for this recipient: email always (a missing or invalid address is logged as
 * `skipped` by the sender), SMS too when the intent allows it and the recipient has a phone number AND opted in.
 * @param contact the recipient's profile, `undefined` when they have none (then only the email, to be skipped)
 */
export function channelsFor(intent: NotificationIntent, contact: RecipientContact | undefined): Channel[] {
  return intent.sms && contact?.phone && contact.smsOptIn === true ? ['email', 'sms'] : ['email'];
}

/**
 * The idempotency key of one delivery: stream record × channel × recipient (× type, so two messages of different
 * types to one person from one record could never collide). A redelivered record yields the same keys.
 * @param eventId the stream record's `eventID`
 */
export const deliveryKey = (
  eventId: string,
  channel: Channel,
  recipientId: string,
  type: NotificationType,
): string => `${eventId}#${channel}#${recipientId}#${type}`;
