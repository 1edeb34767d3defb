/**
 * The two notification functions with only their AWS edges mocked: the queue calls of `queue.ts` (enqueue,
 * dead-letter, postpone) and the sender's table/SES/SNS dependencies (in memory, `notify-fixtures.ts`).
 * - `on-table-change.ts` (planner, DynamoDB stream): what it reports in `batchItemFailures`.
 * - `on-delivery.ts` (sender, SQS): postponement by the retry schedule, the final receive, dead letters.
 */
import type { Context, DynamoDBRecord, DynamoDBStreamEvent, SQSEvent, SQSRecord } from 'aws-lambda';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  type DeliveryMessage,
  retryDelaySeconds,
  retrySchedule,
} from '#shared/notifications/delivery-queue.ts';
import { deliveryKey } from '#shared/notifications/plan.ts';
import { plannedIntentsOf } from '#shared/notifications/planner.ts';
import { deadLetter, enqueueDeliveries, postponeDelivery } from '#shared/notifications/queue.ts';
import { deliveryNotificationId, type SenderDependencies } from '#shared/notifications/sender.ts';
import { logger } from '#shared/platform/logger.ts';
import { handler as onDelivery } from '../../functions/notifications/on-delivery.ts';
import { handler as onTableChange } from '../../functions/notifications/on-table-change.ts';
import {
  commentItem,
  idempotencyRecordItem,
  ids,
  memoryDependencies,
  streamRecord,
  ticketItem,
} from './notify-fixtures.ts';

// The sender binds its dependencies once per cold start; this lets each test swap the in-memory ones behind them.
const current = vi.hoisted(() => ({ deps: undefined as unknown as SenderDependencies }));
vi.mock('#shared/notifications/aws-dependencies.ts', () => ({
  awsSenderDependencies: () =>
    new Proxy({} as SenderDependencies, {
      get: (_, name) => current.deps[name as keyof SenderDependencies],
    }),
}));
vi.mock('#shared/notifications/queue.ts', async (importOriginal) => ({
  ...(await importOriginal<typeof import('#shared/notifications/queue.ts')>()),
  enqueueDeliveries: vi.fn(async () => undefined),
  deadLetter: vi.fn(async () => undefined),
  postponeDelivery: vi.fn(async () => undefined),
}));

const context = {
  functionName: 'notifications',
  awsRequestId: 'req-1',
  getRemainingTimeInMillis: () => 30_000,
} as unknown as Context;

let memory: ReturnType<typeof memoryDependencies>;

beforeAll(() => logger.setLogLevel('SILENT'));
beforeEach(() => {
  vi.mocked(enqueueDeliveries).mockReset().mockResolvedValue(undefined);
  vi.mocked(deadLetter).mockReset().mockResolvedValue(undefined);
  vi.mocked(postponeDelivery).mockReset().mockResolvedValue(undefined);
  memory = memoryDependencies({
    users: [
      { userId: ids.requester, name: 'Ada', email: 'ada@example.com' },
      { userId: ids.approver, name: 'Grace', email: 'grace@example.com' },
      { userId: ids.agent, name: 'Alan', email: 'alan@example.com' },
    ],
    tickets: [
      {
        ticketId: ids.ticket,
        number: 42,
        title: 'Cable',
        description: 'Cable please',
        priority: 'low',
        status: 'pending_approval',
        requesterId: ids.requester,
        approverId: ids.approver,
      },
    ],
  });
  current.deps = memory.deps;
});

/** A ticket item without the title its rules need: planning it throws `UnreadableRecordError`. */
function poisonRecord(): DynamoDBRecord {
  const { title: _title, ...broken } = ticketItem();
  return streamRecord('INSERT', { newItem: broken, eventID: 'event-poison-1' });
}

describe('on-table-change (planner)', () => {
  it('enqueues the messages of each record in shard order and reports nothing', async () => {
    const approval = streamRecord('INSERT', { newItem: ticketItem(), eventID: 'event-approval' });
    const response = streamRecord('INSERT', {
      newItem: commentItem({ kind: 'response', authorId: ids.agent }),
      eventID: 'event-response',
    });
    const event: DynamoDBStreamEvent = {
      Records: [streamRecord('INSERT', { newItem: idempotencyRecordItem('INPROGRESS') }), approval, response],
    };
    await expect(onTableChange(event, context)).resolves.toEqual({ batchItemFailures: [] });
    const calls = vi.mocked(enqueueDeliveries).mock.calls.map(([messages]) => messages);
    expect(calls).toEqual([
      [expect.objectContaining({ kind: 'intent', eventId: 'event-approval' })],
      [expect.objectContaining({ kind: 'intent', eventId: 'event-response' })],
    ]);
    expect(deadLetter).not.toHaveBeenCalled();
  });

  it('reports the record whose messages the queue refused, by its sequence number, and only that one', async () => {
    const approval = streamRecord('INSERT', { newItem: ticketItem(), eventID: 'event-approval' });
    const response = streamRecord('INSERT', {
      newItem: commentItem({ kind: 'response', authorId: ids.agent }),
      eventID: 'event-response',
    });
    vi.mocked(enqueueDeliveries).mockImplementation(async (messages) => {
      if (messages.some((message) => message.kind === 'intent' && message.eventId === 'event-response'))
        throw new Error('SendMessageBatch failed for 1 of 1: InternalError: try again');
    });
    await expect(onTableChange({ Records: [approval, response] }, context)).resolves.toEqual({
      batchItemFailures: [{ itemIdentifier: response.dynamodb?.SequenceNumber }],
    });
  });

  it('dead-letters a poison record once and does not report it; the records after it are planned', async () => {
    const poison = poisonRecord();
    const after = streamRecord('INSERT', { newItem: ticketItem(), eventID: 'event-after' });
    await expect(onTableChange({ Records: [poison, after] }, context)).resolves.toEqual({
      batchItemFailures: [],
    });
    expect(deadLetter).toHaveBeenCalledTimes(1);
    const [message, reason] = vi.mocked(deadLetter).mock.calls[0] ?? [];
    expect(reason).toMatch(/^UnreadableRecordError: .*title/);
    expect(message).toEqual({ kind: 'record', record: poison, reason });
    expect(vi.mocked(enqueueDeliveries).mock.calls).toEqual([
      [[expect.objectContaining({ eventId: 'event-after' })]],
    ]);
  });

  it('reports a poison record when even the dead-letter queue refuses it, so it is not lost', async () => {
    const poison = poisonRecord();
    const after = streamRecord('INSERT', { newItem: ticketItem() });
    vi.mocked(deadLetter).mockRejectedValue(new Error('AccessDenied'));
    await expect(onTableChange({ Records: [poison, after] }, context)).resolves.toEqual({
      batchItemFailures: [{ itemIdentifier: poison.dynamodb?.SequenceNumber }],
    });
  });
});

describe('on-delivery (sender)', () => {
  const schedule = { base: 10, cap: 60, maxReceiveCount: 5 };
  let random: ReturnType<typeof vi.spyOn>;

  beforeEach(() => {
    vi.stubEnv('DELIVERY_RETRY_BASE_SECONDS', String(schedule.base));
    vi.stubEnv('DELIVERY_RETRY_CAP_SECONDS', String(schedule.cap));
    vi.stubEnv('DELIVERY_MAX_RECEIVE_COUNT', String(schedule.maxReceiveCount));
    // The middle of the jitter band (factor 0.9), so that delays are exact.
    random = vi.spyOn(Math, 'random').mockReturnValue(0.5);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-27T12:00:00.000Z'));
  });
  afterEach(() => {
    vi.useRealTimers();
    random.mockRestore();
    vi.unstubAllEnvs();
  });

  let messageCounter = 0;
  /** A delivery queue message as Lambda receives it. */
  function sqsRecord(body: DeliveryMessage | string, receiveCount = 1): SQSRecord {
    messageCounter += 1;
    return {
      messageId: `message-${messageCounter}`,
      receiptHandle: `receipt-${messageCounter}`,
      body: typeof body === 'string' ? body : JSON.stringify(body),
      attributes: {
        ApproximateReceiveCount: String(receiveCount),
        SentTimestamp: '1764244800000',
        SenderId: 'AROAEXAMPLE',
        ApproximateFirstReceiveTimestamp: '1764244800000',
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:deliveries',
      awsRegion: 'us-east-1',
    };
  }
  const event = (...records: SQSRecord[]): SQSEvent => ({ Records: records });

  /** The intent messages the planner enqueues for a stream record. */
  const intentsOf = (record: DynamoDBRecord): DeliveryMessage[] =>
    plannedIntentsOf(record).map((planned) => ({ kind: 'intent', ...planned }));
  const responseRecord = () =>
    streamRecord('INSERT', {
      newItem: commentItem({ kind: 'response', authorId: ids.agent }),
      eventID: 'event-response',
    });
  const approvalRecord = () => streamRecord('INSERT', { newItem: ticketItem(), eventID: 'event-approval' });
  const [approvalMessage] = intentsOf(approvalRecord()) as [DeliveryMessage];
  const [responseMessage] = intentsOf(responseRecord()) as [DeliveryMessage];
  const responseRowId = deliveryNotificationId(
    deliveryKey('event-response', 'email', ids.requester, 'agent_response'),
    (responseMessage as { plannedAt: string }).plannedAt,
  );

  it('sends each message and reports nothing when every delivery is final', async () => {
    await expect(
      onDelivery(event(sqsRecord(approvalMessage), sqsRecord(responseMessage)), context),
    ).resolves.toEqual({ batchItemFailures: [] });
    expect(memory.emails.map((email) => email.to).toSorted()).toEqual([
      'ada@example.com',
      'grace@example.com',
    ]);
    expect(postponeDelivery).not.toHaveBeenCalled();
    expect(deadLetter).not.toHaveBeenCalled();
  });

  it('postpones a message with a retryable failure by the delay of its receive, and reports it', async () => {
    memory.script.email.push({
      status: 'failed',
      error: 'Throttling: Maximum sending rate exceeded.',
      retryable: true,
    });
    const failing = sqsRecord(responseMessage, 3);
    const delivered = sqsRecord(approvalMessage, 1);
    await expect(onDelivery(event(failing, delivered), context)).resolves.toEqual({
      batchItemFailures: [{ itemIdentifier: failing.messageId }],
    });
    const delay = retryDelaySeconds(3, retrySchedule(), 0.5);
    expect(delay).toBe(36);
    expect(postponeDelivery).toHaveBeenCalledTimes(1);
    expect(postponeDelivery).toHaveBeenCalledWith(failing.receiptHandle, delay);
    expect(memory.log.get(responseRowId)).toMatchObject({
      status: 'retrying',
      error: 'Throttling: Maximum sending rate exceeded.',
      nextAttemptAt: '2026-11-27T12:00:36.000Z',
      attempts: 1,
    });
  });

  it.each([
    [1, 9],
    [2, 18],
    [4, 54],
  ])('on receive %i postpones by %i s (doubling from the base, capped)', async (receiveCount, delay) => {
    memory.script.email.push({ status: 'failed', error: 'ServiceUnavailable: later', retryable: true });
    const failing = sqsRecord(responseMessage, receiveCount);
    await onDelivery(event(failing, sqsRecord(approvalMessage)), context);
    expect(vi.mocked(postponeDelivery).mock.calls).toEqual([[failing.receiptHandle, delay]]);
  });

  it('on the last receive makes the message visible at once (on to the dead-letter queue) and logs it failed', async () => {
    memory.script.email.push({ status: 'failed', error: 'ServiceUnavailable: later', retryable: true });
    const failing = sqsRecord(responseMessage, schedule.maxReceiveCount);
    await expect(onDelivery(event(failing, sqsRecord(approvalMessage)), context)).resolves.toEqual({
      batchItemFailures: [{ itemIdentifier: failing.messageId }],
    });
    expect(vi.mocked(postponeDelivery).mock.calls).toEqual([[failing.receiptHandle, 0]]);
    expect(memory.log.get(responseRowId)).toMatchObject({
      status: 'failed',
      error: 'ServiceUnavailable: later',
    });
    expect(memory.log.get(responseRowId)).not.toHaveProperty('nextAttemptAt');
  });

  it('postpones and reports a message whose recipient cannot be read', async () => {
    memory.deps.findUser = async () => {
      throw new Error('ProvisionedThroughputExceededException');
    };
    const failing = sqsRecord(responseMessage, 2);
    await expect(onDelivery(event(failing, sqsRecord('not json')), context)).resolves.toEqual({
      batchItemFailures: [{ itemIdentifier: failing.messageId }],
    });
    expect(vi.mocked(postponeDelivery).mock.calls).toEqual([[failing.receiptHandle, 18]]);
  });

  it('still reports a message it could not postpone (it then comes back after the visibility timeout)', async () => {
    memory.script.email.push({ status: 'failed', error: 'ServiceUnavailable: later', retryable: true });
    vi.mocked(postponeDelivery).mockRejectedValue(new Error('ReceiptHandleIsInvalid'));
    const failing = sqsRecord(responseMessage);
    await expect(onDelivery(event(failing, sqsRecord(approvalMessage)), context)).resolves.toEqual({
      batchItemFailures: [{ itemIdentifier: failing.messageId }],
    });
  });

  it('answers (does not throw) when every message must be retried, after postponing each', async () => {
    memory.script.email.push({ status: 'failed', error: 'ServiceUnavailable: later', retryable: true });
    const failing = sqsRecord(responseMessage, 2);
    await expect(onDelivery(event(failing), context)).resolves.toEqual({
      batchItemFailures: [{ itemIdentifier: failing.messageId }],
    });
    expect(vi.mocked(postponeDelivery).mock.calls).toEqual([[failing.receiptHandle, 18]]);
  });

  it('dead-letters a body that is not JSON, raw, with the problem, and does not report it', async () => {
    await expect(
      onDelivery(event(sqsRecord('not json'), sqsRecord(responseMessage)), context),
    ).resolves.toEqual({
      batchItemFailures: [],
    });
    expect(vi.mocked(deadLetter).mock.calls).toEqual([['not json', 'The body is not JSON.']]);
    expect(postponeDelivery).not.toHaveBeenCalled();
    expect(memory.emails).toHaveLength(1);
  });

  it('dead-letters JSON that is not a delivery message, naming the wrong fields', async () => {
    const body = JSON.stringify({ kind: 'intent', eventId: 'e' });
    await expect(onDelivery(event(sqsRecord(body), sqsRecord(responseMessage)), context)).resolves.toEqual({
      batchItemFailures: [],
    });
    expect(vi.mocked(deadLetter).mock.calls).toEqual([
      [body, 'The body is not a delivery message: plannedAt, intent'],
    ]);
  });

  it('reports a body it could not dead-letter, so SQS keeps it', async () => {
    vi.mocked(deadLetter).mockRejectedValue(new Error('AccessDenied'));
    const unreadable = sqsRecord('not json');
    await expect(onDelivery(event(unreadable, sqsRecord(responseMessage)), context)).resolves.toEqual({
      batchItemFailures: [{ itemIdentifier: unreadable.messageId }],
    });
  });

  it('sends a redriven stream record that can now be planned, under its original delivery keys', async () => {
    const record = responseRecord();
    // Already delivered before the record was dead-lettered: a redrive sends nothing twice.
    await onDelivery(event(sqsRecord(responseMessage)), context);
    const redriven: DeliveryMessage = { kind: 'record', record, reason: 'Error: a bug since fixed' };
    await expect(
      onDelivery(event(sqsRecord(redriven), sqsRecord(approvalMessage)), context),
    ).resolves.toEqual({
      batchItemFailures: [],
    });
    expect(memory.attempts.email).toBe(2);
    expect(memory.emails.map((email) => email.to).toSorted()).toEqual([
      'ada@example.com',
      'grace@example.com',
    ]);
    expect(memory.log.get(responseRowId)).toMatchObject({ status: 'sent', attempts: 1 });
  });

  it('dead-letters again a redriven record that still cannot be planned, with the new reason, and does not report it', async () => {
    const record = poisonRecord();
    const redriven: DeliveryMessage = { kind: 'record', record, reason: 'UnreadableRecordError: old reason' };
    await expect(
      onDelivery(event(sqsRecord(redriven), sqsRecord(responseMessage)), context),
    ).resolves.toEqual({
      batchItemFailures: [],
    });
    expect(deadLetter).toHaveBeenCalledTimes(1);
    const [message, reason] = vi.mocked(deadLetter).mock.calls[0] ?? [];
    expect(reason).toMatch(/^UnreadableRecordError: .*title/);
    expect(message).toEqual({ kind: 'record', record, reason });
    expect(postponeDelivery).not.toHaveBeenCalled();
  });
});
