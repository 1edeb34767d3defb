/**
 * The delivery queue's pure parts: the retry schedule (`retryDelaySeconds`, `retrySchedule`) and whether the
 * deployed one holds up against the queue's settings, the message reader (`readDeliveryMessage`), and the
 * SendMessageBatch batching of `queue.ts` (`batchesOf`), plus the SQS calls of `queue.ts` against a stubbed `sqsRequest`.
 */
import type { DynamoDBRecord } from 'aws-lambda';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  type DeliveryMessage,
  deliveryQueueSettings,
  type RetrySchedule,
  readDeliveryMessage,
  retryDelaySeconds,
  retrySchedule,
} from '#shared/notifications/delivery-queue.ts';
import { deliveryMemorySeconds } from '#shared/notifications/idempotency.ts';
import { createPlanner } from '#shared/notifications/planner.ts';
import { batchesOf, deadLetter, enqueueDeliveries, postponeDelivery } from '#shared/notifications/queue.ts';
import { logger } from '#shared/platform/logger.ts';
import { commentItem, ids, streamRecord, ticketEventItem, ticketItem } from './notify-fixtures.ts';

// The signed SQS calls of queue.ts, replaced by a recorder (the last block): `send({ action, input })`.
const sqs = vi.hoisted(() => ({ send: vi.fn() }));
vi.mock('#shared/platform/sqs-requests.ts', () => ({
  sqsRequest: (action: string, input: unknown) => sqs.send({ action, input }),
}));

beforeAll(() => logger.setLogLevel('SILENT'));

const deployed: RetrySchedule = {
  baseSeconds: deliveryQueueSettings.retryBaseSeconds,
  capSeconds: deliveryQueueSettings.retryCapSeconds,
  maxReceiveCount: deliveryQueueSettings.maxReceiveCount,
};
const lowest = 0;
const highest = 1 - Number.EPSILON;

/** Seconds from a message's first receive to its last one: a delay after each receive but the last. */
function scheduleSeconds(schedule: RetrySchedule, random: number): number {
  let total = 0;
  for (let receive = 1; receive < schedule.maxReceiveCount; receive++)
    total += retryDelaySeconds(receive, schedule, random);
  return total;
}

describe('retryDelaySeconds', () => {
  it('doubles from the base on each receive, up to the cap', () => {
    const delays = [1, 2, 3, 4, 5, 6, 7, 8, 9, 40].map((receive) =>
      retryDelaySeconds(receive, deployed, lowest),
    );
    expect(delays).toEqual([24, 48, 96, 192, 384, 768, 1536, 2880, 2880, 2880]);
  });

  it('treats a receive count below 1 as the first receive', () => {
    expect(retryDelaySeconds(0, deployed, lowest)).toBe(24);
    expect(retryDelaySeconds(-3, deployed, lowest)).toBe(24);
  });

  it('never exceeds 12 hours, the SQS maximum, whatever the cap or the receive count', () => {
    const uncapped = { baseSeconds: 30, capSeconds: 1_000_000, maxReceiveCount: 100 };
    for (const receive of [12, 13, 20, 31, 100, 10_000]) {
      expect(retryDelaySeconds(receive, uncapped, highest)).toBeLessThanOrEqual(43_200);
      expect(retryDelaySeconds(receive, uncapped, lowest)).toBe(34_560);
    }
    expect(Number.isFinite(retryDelaySeconds(1e9, uncapped, highest))).toBe(true);
  });

  it('stays within the jitter band [0.8, 1] of the undelayed value', () => {
    for (let receive = 1; receive <= 12; receive++) {
      const full = Math.min(30 * 2 ** (receive - 1), 3600);
      for (const random of [0, 0.1, 0.25, 0.5, 0.75, 0.9, highest]) {
        const delay = retryDelaySeconds(receive, deployed, random);
        expect(delay).toBeGreaterThanOrEqual(Math.round(full * 0.8));
        expect(delay).toBeLessThanOrEqual(full);
        expect(delay).toBe(Math.round(full * (0.8 + 0.2 * random)));
      }
    }
  });

  it('uses Math.random for the jitter by default', () => {
    const random = vi.spyOn(Math, 'random').mockReturnValue(0.5);
    try {
      expect(retryDelaySeconds(3, deployed)).toBe(108);
    } finally {
      random.mockRestore();
    }
  });

  it('is never below 1 second', () => {
    const tiny = { baseSeconds: 0.1, capSeconds: 0.5, maxReceiveCount: 3 };
    expect(retryDelaySeconds(1, tiny, lowest)).toBe(1);
    expect(retryDelaySeconds(5, tiny, highest)).toBe(1);
  });
});

describe('the deployed schedule', () => {
  it('keeps retrying for at least 24 hours even at the lowest jitter', () => {
    expect(scheduleSeconds(deployed, lowest)).toBeGreaterThanOrEqual(24 * 3600);
  });

  it("fits within the queue's retention at the highest jitter, with every receive held a visibility timeout", () => {
    const worst =
      scheduleSeconds(deployed, highest) +
      deliveryQueueSettings.maxReceiveCount * deliveryQueueSettings.visibilityTimeoutSeconds;
    expect(worst).toBeLessThanOrEqual(deliveryQueueSettings.retentionSeconds);
  });

  it('hides a message for longer than the sender can hold it', () => {
    expect(deliveryQueueSettings.visibilityTimeoutSeconds).toBeGreaterThanOrEqual(
      6 * deliveryQueueSettings.senderTimeoutSeconds,
    );
  });

  // Exposes a bug (see the report): a delivery sent on the first receive is forgotten after 24 h while its message
  // (another channel still failing) keeps coming back for up to 33 h, so it is sent again.
  it('is shorter than the time a delivery is remembered, so a delivered channel is never sent again', () => {
    expect(deliveryMemorySeconds).toBeGreaterThanOrEqual(scheduleSeconds(deployed, highest));
  });
});

describe('retrySchedule', () => {
  it('is the deployed settings without environment', () => {
    expect(retrySchedule({})).toEqual(deployed);
  });

  it('reads the environment overrides', () => {
    expect(
      retrySchedule({
        DELIVERY_RETRY_BASE_SECONDS: '2',
        DELIVERY_RETRY_CAP_SECONDS: '10',
        DELIVERY_MAX_RECEIVE_COUNT: '4',
      }),
    ).toEqual({ baseSeconds: 2, capSeconds: 10, maxReceiveCount: 4 });
  });

  it.each(['', 'abc', '0', '-5', 'Infinity', 'NaN'])('falls back on the setting for %j', (value) => {
    expect(
      retrySchedule({
        DELIVERY_RETRY_BASE_SECONDS: value,
        DELIVERY_RETRY_CAP_SECONDS: value,
        DELIVERY_MAX_RECEIVE_COUNT: value,
      }),
    ).toEqual(deployed);
  });

  it('reads process.env by default', () => {
    vi.stubEnv('DELIVERY_RETRY_BASE_SECONDS', '5');
    try {
      expect(retrySchedule().baseSeconds).toBe(5);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});

describe('readDeliveryMessage', () => {
  async function plannerOutput(): Promise<DeliveryMessage[]> {
    const messages: DeliveryMessage[] = [];
    const plan = createPlanner({
      enqueue: async (batch) => {
        messages.push(...batch);
      },
      deadLetter: async (message) => {
        messages.push(message);
      },
    });
    const { title: _title, ...broken } = ticketItem();
    for (const record of [
      streamRecord('INSERT', { newItem: ticketItem() }),
      streamRecord('MODIFY', {
        oldItem: ticketItem(),
        newItem: ticketItem({
          status: 'rejected',
          decidedBy: ids.approver,
          decisionReason: 'No.',
          version: 2,
        }),
      }),
      streamRecord('INSERT', {
        newItem: ticketEventItem({ actorId: ids.agent, field: 'status', from: 'open', to: 'resolved' }),
      }),
      streamRecord('INSERT', { newItem: commentItem({ kind: 'request', authorId: ids.requester }) }),
      streamRecord('INSERT', { newItem: broken }),
    ])
      await plan(record);
    return messages;
  }

  it("reads back every message the planner enqueues or dead-letters, as the queue's JSON bodies", async () => {
    const messages = await plannerOutput();
    expect(messages.map((message) => message.kind)).toEqual([
      'intent',
      'intent',
      'intent',
      'intent',
      'record',
    ]);
    for (const message of messages) {
      const body = JSON.stringify(message);
      expect(readDeliveryMessage(body)).toEqual(JSON.parse(body));
    }
  });

  it('keeps the fields of an intent it does not check', async () => {
    const [approval] = await plannerOutput();
    const read = readDeliveryMessage(JSON.stringify(approval));
    expect(read).toMatchObject({ kind: 'intent', intent: { sms: true, ticket: { number: 42 } } });
  });

  it.each(['not json', '', '{"kind":'])('reports a body that is not JSON: %j', (body) => {
    expect(readDeliveryMessage(body)).toEqual({ problem: 'The body is not JSON.' });
  });

  const intent = { type: 'assigned', ticketId: ids.ticket, recipient: { userId: ids.agent } };
  it.each([
    ['null', null, '(body)'],
    ['an array', [], '(body)'],
    ['no kind', {}, 'kind'],
    ['an unknown kind', { kind: 'email' }, 'kind'],
    ['an intent without its fields', { kind: 'intent' }, 'eventId, plannedAt, intent'],
    ['an empty eventId', { kind: 'intent', eventId: '', plannedAt: 'x', intent }, 'eventId'],
    [
      'an unknown type',
      { kind: 'intent', eventId: 'e', plannedAt: 'x', intent: { ...intent, type: 'nope' } },
      'intent.type',
    ],
    [
      'a bad recipient',
      { kind: 'intent', eventId: 'e', plannedAt: 'x', intent: { ...intent, recipient: 'approver' } },
      'intent.recipient',
    ],
    ['a record without a reason', { kind: 'record', record: { eventName: 'INSERT' } }, 'reason'],
    ['a record that is not an object', { kind: 'record', record: 'x', reason: 'r' }, 'record'],
  ])('reports %s, naming the wrong fields', (_what, body, fields) => {
    expect(readDeliveryMessage(JSON.stringify(body))).toEqual({
      problem: `The body is not a delivery message: ${fields}`,
    });
  });
});

describe('batchesOf', () => {
  const bytes = (batch: string[]) => batch.reduce((sum, body) => sum + Buffer.byteLength(body), 0);

  it('puts at most 10 bodies in a batch, in order', () => {
    const bodies = Array.from({ length: 25 }, (_, i) => `body-${i}`);
    const batches = batchesOf(bodies);
    expect(batches.map((batch) => batch.length)).toEqual([10, 10, 5]);
    expect(batches.flat()).toEqual(bodies);
  });

  it('keeps each batch within the byte limit', () => {
    const bodies = Array.from({ length: 5 }, (_, i) => `${i}`.repeat(100_000));
    const batches = batchesOf(bodies);
    expect(batches.map((batch) => batch.length)).toEqual([2, 2, 1]);
    expect(batches.flat()).toEqual(bodies);
    for (const batch of batches) expect(bytes(batch)).toBeLessThanOrEqual(250_000);
  });

  it('counts bytes, not characters', () => {
    // 70,000 characters, 140,000 bytes in UTF-8: two fit by characters, not by bytes.
    const bodies = ['é'.repeat(70_000), 'é'.repeat(70_000)];
    expect(batchesOf(bodies).map((batch) => batch.length)).toEqual([1, 1]);
  });

  it('fills a batch exactly to the limit', () => {
    const bodies = ['a'.repeat(125_000), 'b'.repeat(125_000), 'c'];
    expect(batchesOf(bodies).map((batch) => batch.length)).toEqual([2, 1]);
  });

  it('sends a body larger than the limit alone, and nothing for no bodies', () => {
    expect(batchesOf(['x', 'y'.repeat(300_000), 'z']).map((batch) => batch.length)).toEqual([1, 1, 1]);
    expect(batchesOf([])).toEqual([]);
  });
});

describe('queue.ts against SQS', () => {
  const message: DeliveryMessage = {
    kind: 'record',
    record: { eventID: 'event-1', eventName: 'INSERT' } as DynamoDBRecord,
    reason: 'UnreadableRecordError: no title',
  };

  beforeEach(() => {
    sqs.send.mockReset();
    vi.stubEnv('DELIVERY_QUEUE_URL', 'https://sqs.test/deliveries');
    vi.stubEnv('DELIVERY_DEAD_LETTER_QUEUE_URL', 'https://sqs.test/dead-letters');
  });
  afterEach(() => vi.unstubAllEnvs());

  it('enqueues the messages as JSON in batches of 10', async () => {
    sqs.send.mockResolvedValue({ Successful: [], Failed: [] });
    await enqueueDeliveries(Array.from({ length: 12 }, () => message));
    const inputs = sqs.send.mock.calls.map(([command]) => command.input);
    expect(inputs.map((input) => [input.QueueUrl, input.Entries.length])).toEqual([
      ['https://sqs.test/deliveries', 10],
      ['https://sqs.test/deliveries', 2],
    ]);
    expect(inputs[0].Entries[0]).toEqual({ Id: '0', MessageBody: JSON.stringify(message) });
  });

  it('throws when SQS refused an entry, naming it', async () => {
    sqs.send.mockResolvedValue({
      Failed: [{ Id: '0', Code: 'InternalError', Message: 'try again', SenderFault: false }],
    });
    await expect(enqueueDeliveries([message])).rejects.toThrow(
      'SendMessageBatch failed for 1 of 1: InternalError: try again',
    );
  });

  it('dead-letters a message as JSON and a raw body as it is, with the reason as an attribute', async () => {
    sqs.send.mockResolvedValue({});
    await deadLetter(message, 'UnreadableRecordError: no title');
    await deadLetter('not json', 'x'.repeat(2000));
    await deadLetter('{}', '');
    const inputs = sqs.send.mock.calls.map(([command]) => command.input);
    expect(inputs[0]).toEqual({
      QueueUrl: 'https://sqs.test/dead-letters',
      MessageBody: JSON.stringify(message),
      MessageAttributes: { reason: { DataType: 'String', StringValue: 'UnreadableRecordError: no title' } },
    });
    expect(inputs[1].MessageBody).toBe('not json');
    expect(inputs[1].MessageAttributes.reason.StringValue).toHaveLength(1000);
    expect(inputs[2].MessageAttributes.reason.StringValue).toBe('unknown');
  });

  it('postpones by changing the visibility, rounded and kept within 0 to 12 hours', async () => {
    sqs.send.mockResolvedValue({});
    for (const seconds of [29.6, 0, -5, 50_000]) await postponeDelivery('receipt-1', seconds);
    const inputs = sqs.send.mock.calls.map(([command]) => command.input);
    expect(inputs[0]).toEqual({
      QueueUrl: 'https://sqs.test/deliveries',
      ReceiptHandle: 'receipt-1',
      VisibilityTimeout: 30,
    });
    expect(inputs.map((input) => input.VisibilityTimeout)).toEqual([30, 0, 0, 43_200]);
  });
});
