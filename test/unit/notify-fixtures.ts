/**
 * Test fixtures for the notification pipeline's unit tests: stream records with the exact items the table stores
 * (keys, index keys, `entityType`), marshalled as DynamoDB Streams delivers them; an in-memory Powertools
 * persistence layer; and in-memory sender dependencies with scriptable providers and a notification log with the
 * real writer's update semantics.
 */
import {
  IdempotencyItemAlreadyExistsError,
  IdempotencyItemNotFoundError,
} from '@aws-lambda-powertools/idempotency';
import { BasePersistenceLayer, IdempotencyRecord } from '@aws-lambda-powertools/idempotency/persistence';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { type CommentItem, commentRecord } from '#shared/comments/comment.entity.ts';
import { emailChannel, type OutgoingEmail } from '#shared/notifications/channels/email.ts';
import type { SendOutcome } from '#shared/notifications/channels/outcome.ts';
import { type OutgoingSms, smsChannel } from '#shared/notifications/channels/sms.ts';
import { onceWith } from '#shared/notifications/idempotency.ts';
import type { TicketSummary } from '#shared/notifications/intents.ts';
import type {
  NewApproval,
  NotificationLogEntry,
  RecipientProfile,
  SenderDependencies,
} from '#shared/notifications/sender.ts';
import { type TicketItem, ticketRecord } from '#shared/tickets/ticket.entity.ts';
import { type TicketEventItem, ticketEventRecord } from '#shared/tickets/ticket-event.entity.ts';

type Item = Record<string, unknown>;

export const ids = {
  ticket: '01JD3ZQ5R7V0M9X2K8W4T6Y1AB',
  requester: 'a1b2c3d4-0000-4000-8000-000000000001',
  approver: 'a1b2c3d4-0000-4000-8000-000000000002',
  agent: 'a1b2c3d4-0000-4000-8000-000000000003',
  otherAgent: 'a1b2c3d4-0000-4000-8000-000000000004',
} as const;

/** A ticket item as the table stores it. */
export function ticketItem(overrides: Partial<TicketItem> = {}): Item {
  const ticket: TicketItem = {
    ticketId: ids.ticket,
    number: 42,
    title: 'Cat6 cable for room 204',
    description: 'We need a 5 m Cat6 cable for the new printer in room 204.',
    type: 'request',
    priority: 'high',
    status: 'pending_approval',
    requesterId: ids.requester,
    approverId: ids.approver,
    agentResponded: false,
    createdAt: '2026-11-27T10:00:00.000Z',
    updatedAt: '2026-11-27T10:00:00.000Z',
    version: 1,
    ...overrides,
  };
  return ticketRecord(ticket);
}

/** An audit event item as the table stores it. */
export function ticketEventItem(event: Omit<TicketEventItem, 'ticketId' | 'eventId' | 'at'>): Item {
  return ticketEventRecord({
    ticketId: ids.ticket,
    eventId: '01JD3ZR0000000000000000001',
    at: '2026-11-27T11:00:00.000Z',
    ...event,
  });
}

/** A comment item as the table stores it. */
export function commentItem(comment: Pick<CommentItem, 'kind' | 'authorId'> & Partial<CommentItem>): Item {
  return commentRecord({
    ticketId: ids.ticket,
    commentId: '01JD3ZS0000000000000000001',
    body: 'The cable is on its way; it should arrive tomorrow.',
    createdAt: '2026-11-27T12:00:00.000Z',
    updatedAt: '2026-11-27T12:00:00.000Z',
    ...comment,
  });
}

/** A Powertools idempotency record of the notifier, as it sits in the table. */
export function idempotencyRecordItem(status: 'INPROGRESS' | 'COMPLETED'): Item {
  return {
    pk: 'IDEMPOTENCY#notifier#5Vw7kqkU0r3h2l8F3J5Zfw==',
    sk: 'IDEMPOTENCY',
    status,
    expiresAt: 1_764_300_000,
    in_progress_expiration: 1_764_213_600_000,
    ...(status === 'COMPLETED'
      ? { data: { notificationId: '01JD3ZT0000000000000000001', status: 'sent' } }
      : {}),
  };
}

let sequence = 100;

/** The `ApproximateCreationDateTime` of {@link streamRecord}s (epoch seconds): 2025-11-27T10:00:00Z. */
export const streamRecordTime = 1_764_237_600;

/**
 * A DynamoDB stream record (`NEW_AND_OLD_IMAGES`) as Lambda receives it: images marshalled, keys from the item.
 */
export function streamRecord(
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE',
  images: { newItem?: Item; oldItem?: Item; eventID?: string; approximateCreationDateTime?: number },
): DynamoDBRecord {
  const item = images.newItem ?? images.oldItem ?? {};
  sequence += 1;
  const toImage = (value: Item) =>
    marshall(value, { removeUndefinedValues: true }) as NonNullable<
      NonNullable<DynamoDBRecord['dynamodb']>['NewImage']
    >;
  return {
    eventID: images.eventID ?? `c4ca4238a0b923820dcc509a6f75849${sequence}`,
    eventName,
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'us-east-1',
    eventSourceARN: 'arn:aws:dynamodb:us-east-1:123456789012:table/helpdesk/stream/2026-11-27T00:00:00.000',
    dynamodb: {
      ApproximateCreationDateTime: images.approximateCreationDateTime ?? streamRecordTime,
      Keys: toImage({ pk: item.pk, sk: item.sk }),
      ...(images.newItem ? { NewImage: toImage(images.newItem) } : {}),
      ...(images.oldItem ? { OldImage: toImage(images.oldItem) } : {}),
      SequenceNumber: `${sequence}000000000000000000001`,
      SizeBytes: 512,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
  };
}

/**
 * Powertools idempotency records in memory, with the DynamoDB layer's semantics: a conditional put that fails
 * while an unexpired record exists, results marshalled strictly (an `undefined` property fails as in DynamoDB).
 */
export class MemoryPersistenceLayer extends BasePersistenceLayer {
  readonly records = new Map<string, IdempotencyRecord>();

  protected override async _getRecord(idempotencyKey: string): Promise<IdempotencyRecord> {
    const record = this.records.get(idempotencyKey);
    if (!record) throw new IdempotencyItemNotFoundError();
    return record;
  }

  protected override async _putRecord(record: IdempotencyRecord): Promise<void> {
    const existing = this.records.get(record.idempotencyKey);
    if (existing && !existing.isExpired()) {
      throw new IdempotencyItemAlreadyExistsError(`exists: ${record.idempotencyKey}`, existing);
    }
    this.records.set(record.idempotencyKey, record);
  }

  protected override async _updateRecord(record: IdempotencyRecord): Promise<void> {
    marshall({ data: record.responseData }); // throws on undefined values, as the DynamoDB layer does
    this.records.set(
      record.idempotencyKey,
      new IdempotencyRecord({
        idempotencyKey: record.idempotencyKey,
        status: record.getStatus(),
        expiryTimestamp: record.expiryTimestamp,
        responseData: structuredClone(record.responseData),
      }),
    );
  }

  protected override async _deleteRecord(record: IdempotencyRecord): Promise<void> {
    this.records.delete(record.idempotencyKey);
  }
}

export type Scripted = SendOutcome | ((attempt: number) => SendOutcome);

/**
 * The log writer of `aws-dependencies.ts` in memory: an UpdateItem on the row's key that sets every field given,
 * removes a field given as `undefined`, and adds 1 to `attempts` (created at 1) when `countAttempt` is set.
 * Fields the entry does not mention are left as they are.
 */
export function applyNotificationUpdate(
  row: NotificationLogEntry | undefined,
  entry: NotificationLogEntry,
  options: { readonly countAttempt: boolean },
): NotificationLogEntry {
  const next: Record<string, unknown> = { ...row };
  for (const [name, value] of Object.entries(entry)) {
    if (value === undefined) delete next[name];
    else next[name] = structuredClone(value);
  }
  if (options.countAttempt) next.attempts = (row?.attempts ?? 0) + 1;
  return next as unknown as NotificationLogEntry;
}

/** Sender dependencies in memory. Providers answer `sent` unless scripted otherwise per channel. */
export function memoryDependencies(options: { users?: RecipientProfile[]; tickets?: TicketSummary[] } = {}) {
  const users = new Map((options.users ?? []).map((user) => [user.userId, user]));
  const tickets = new Map((options.tickets ?? []).map((ticket) => [ticket.ticketId, ticket]));
  const approvals = new Map<string, NewApproval>();
  const log = new Map<string, NotificationLogEntry>();
  /** Every log write, in order, with its options (what the writer was asked to do). */
  const writes: Array<{ entry: NotificationLogEntry; countAttempt: boolean }> = [];
  const emails: OutgoingEmail[] = [];
  const sms: OutgoingSms[] = [];
  const script: { email: Scripted[]; sms: Scripted[] } = { email: [], sms: [] };
  const attempts = { email: 0, sms: 0 };
  const persistence = new MemoryPersistenceLayer();
  let clock = Date.parse('2026-11-27T12:00:00.000Z');
  let tokenCounter = 0;

  const answer = (channel: 'email' | 'sms'): SendOutcome => {
    attempts[channel] += 1;
    const next = script[channel].shift();
    if (!next) return { status: 'sent', providerMessageId: `${channel}-${attempts[channel]}` };
    return typeof next === 'function' ? next(attempts[channel]) : next;
  };

  const deps: SenderDependencies = {
    findUser: async (userId) => users.get(userId),
    findTicket: async (ticketId) => tickets.get(ticketId),
    saveApproval: async (approval) => {
      if (approvals.has(approval.tokenHash)) throw new Error('ConditionalCheckFailedException');
      approvals.set(approval.tokenHash, approval);
    },
    deleteApproval: async (tokenHash) => {
      approvals.delete(tokenHash);
    },
    recordNotification: async (entry, { countAttempt }) => {
      writes.push({ entry: structuredClone(entry), countAttempt });
      log.set(
        entry.notificationId,
        applyNotificationUpdate(log.get(entry.notificationId), entry, { countAttempt }),
      );
    },
    channels: {
      email: emailChannel(async (email) => {
        const outcome = answer('email');
        if (outcome.status === 'sent') emails.push(email);
        return outcome;
      }),
      sms: smsChannel(async (message) => {
        const outcome = answer('sms');
        if (outcome.status === 'sent') sms.push(message);
        return outcome;
      }),
    },
    once: onceWith(persistence),
    linkSettings: () => ({ publicApiUrl: 'https://api.example.test', approvalLinkTtlSeconds: 259_200 }),
    now: () => new Date(clock),
    newToken: () => `tok${String(++tokenCounter).padStart(40, '0')}`,
  };
  return {
    deps,
    users,
    tickets,
    approvals,
    log,
    writes,
    emails,
    sms,
    script,
    attempts,
    persistence,
    advance: (ms: number) => {
      clock += ms;
    },
  };
}
