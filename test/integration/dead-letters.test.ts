/**
 * The dead-letter routes against the local stack: delivery messages put straight into the local dead-letter queue
 * (fauxqs) are listed through the API, summarised and never shown whole; redriven through the API, they leave the
 * dead-letter queue and the sender takes them from the delivery queue (the requester's mail, the notification log);
 * a delivery redriven once more after it was sent sends nothing.
 *
 * The sender consumes the delivery queue as soon as anything lands there, so what reached it is asserted by what
 * the sender did, not by looking into the queue.
 */
import { randomUUID } from 'node:crypto';
import { PurgeQueueCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { DeliveryMessage } from '#shared/notifications/delivery-queue.ts';
import type { NotificationItem } from '#shared/notifications/notification.entity.ts';
import type { DeadLetterList } from '#shared/notifications/schemas.ts';
import { queryPage } from '#shared/platform/db.ts';
import { call, eventually, logIn, mailFor, mailsTo, newRequester, type Session } from './support.ts';

const env = inject('env');
const accounts = inject('demoAccounts');

let sqs: SQSClient;
let deadLetterQueueUrl: string;
let admin: Session;
let requester: Session;

/** Put a body straight into the dead-letter queue, as SQS or the sender would; its message id. */
async function deadLetter(body: string): Promise<string> {
  const sent = await sqs.send(new SendMessageCommand({ QueueUrl: deadLetterQueueUrl, MessageBody: body }));
  if (!sent.MessageId) throw new Error('SendMessage answered no message id');
  return sent.MessageId;
}

/** Empty the dead-letter queue: this file's messages only (what other files dead-lettered is theirs). */
const purgeDeadLetters = () => sqs.send(new PurgeQueueCommand({ QueueUrl: deadLetterQueueUrl }));

/** `GET /notifications/dead-letters` as the admin: the raw text and the parsed list. */
const listDeadLetters = async (limit = 50): Promise<{ text: string; body: DeadLetterList }> => {
  const response = await call(`/notifications/dead-letters?limit=${limit}`, { token: admin.token });
  expect(response.status, response.text).toBe(200);
  return { text: response.text, body: response.body as DeadLetterList };
};

const redrive = async (json: Record<string, unknown> = {}) => {
  const response = await call('/notifications/dead-letters/redrive', { token: admin.token, json });
  expect(response.status, response.text).toBe(200);
  return response.body as { moved: number; failed: number; remaining: number };
};

/** A status change of the requester's ticket, planned for them (the sender reads the ticket itself). */
function statusChange(eventId: string, ticketId: string, to: string): DeliveryMessage {
  return {
    kind: 'intent',
    eventId,
    plannedAt: new Date().toISOString(),
    intent: {
      type: 'status_changed',
      ticketId,
      ticket: undefined,
      recipient: { userId: requester.userId },
      actorId: undefined,
      sms: false,
      from: 'open',
      to,
    },
  };
}

/** The notification log rows of a ticket. */
async function logOf(ticketId: string): Promise<NotificationItem[]> {
  const { items } = await queryPage<NotificationItem>({
    partition: { pk: `TICKET#${ticketId}` },
    beginsWith: ['sk', 'NOTIFICATION#'],
    limit: 100,
  });
  return items;
}

const sentBy = (ticketId: string, eventId: string) =>
  eventually(
    async () =>
      (await logOf(ticketId)).find(
        (entry) => entry.sourceEventId === eventId && entry.channel === 'email' && entry.status === 'sent',
      ),
    `the sent email of ${eventId} in the notification log`,
  );

beforeAll(async () => {
  // The notification log is read from this worker: it talks to the same emulators as the local gateway.
  Object.assign(process.env, env);
  const endpoint = env.AWS_ENDPOINT_URL_SQS;
  deadLetterQueueUrl = env.DELIVERY_DEAD_LETTER_QUEUE_URL ?? '';
  if (!endpoint || !deadLetterQueueUrl || !env.DELIVERY_QUEUE_URL) {
    throw new Error(
      'The local stack provides no SQS: AWS_ENDPOINT_URL_SQS, DELIVERY_QUEUE_URL and DELIVERY_DEAD_LETTER_QUEUE_URL ' +
        "are missing from inject('env').",
    );
  }
  sqs = new SQSClient({
    endpoint,
    region: env.AWS_REGION ?? 'us-east-1',
    credentials: {
      accessKeyId: env.AWS_ACCESS_KEY_ID ?? '',
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? '',
    },
    // The emulator names queues by URL; send every call to its endpoint, whatever host the URL names.
    useQueueUrlAsEndpoint: false,
  });
  await purgeDeadLetters();
  [admin, requester] = await Promise.all([
    logIn(accounts.admin.email, accounts.admin.password),
    newRequester('Dana Deadletter'),
  ]);
});

afterAll(() => sqs?.destroy());

describe('dead letters', () => {
  it('lists what died, summarised by kind, never a body, and leaves it in the queue', async () => {
    const secret = `secret-${randomUUID()}`;
    const intentEventId = `dl-intent-${randomUUID()}`;
    const recordEventId = `dl-record-${randomUUID()}`;
    const ids = {
      intent: await deadLetter(
        JSON.stringify({
          kind: 'intent',
          eventId: intentEventId,
          plannedAt: new Date().toISOString(),
          intent: {
            type: 'agent_response',
            ticketId: 'T-DEAD-LETTER',
            ticket: { ticketId: 'T-DEAD-LETTER', title: secret, description: secret },
            recipient: 'requester',
            actorId: 'someone',
            sms: true,
            commentId: 'C-1',
            body: secret,
          },
        }),
      ),
      record: await deadLetter(
        JSON.stringify({
          kind: 'record',
          record: {
            eventID: recordEventId,
            eventName: 'MODIFY',
            dynamodb: { NewImage: { description: { S: secret } } },
          },
          reason: 'UnreadableRecordError: ticket image lacks or mistypes status',
        }),
      ),
      unreadable: await deadLetter(`not JSON: ${secret}`),
      mistyped: await deadLetter(
        JSON.stringify({ kind: 'intent', eventId: secret, intent: { note: secret } }),
      ),
    };

    const listed = await listDeadLetters();
    expect(listed.text).not.toContain(secret);
    expect(listed.body.approximateNumberOfMessages).toBeGreaterThanOrEqual(4);
    const byId = new Map(listed.body.items.map((item) => [item.messageId, item]));
    const envelope = { sentAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), receiveCount: expect.any(Number) };
    expect(byId.get(ids.intent)).toEqual({
      ...envelope,
      messageId: ids.intent,
      kind: 'intent',
      type: 'agent_response',
      ticketId: 'T-DEAD-LETTER',
      recipient: 'requester',
      eventId: intentEventId,
    });
    expect(byId.get(ids.record)).toEqual({
      ...envelope,
      messageId: ids.record,
      kind: 'record',
      eventId: recordEventId,
      eventName: 'MODIFY',
      reason: 'UnreadableRecordError: ticket image lacks or mistypes status',
    });
    expect(byId.get(ids.unreadable)).toEqual({
      ...envelope,
      messageId: ids.unreadable,
      kind: 'unreadable',
      reason: 'The body is not JSON.',
    });
    expect(byId.get(ids.mistyped)).toMatchObject({
      kind: 'unreadable',
      reason: expect.stringContaining('intent'),
    });
    // Oldest first.
    const times = listed.body.items.map((item) => item.sentAt);
    expect(times).toEqual([...times].sort());

    // A peek consumes nothing.
    const again = await listDeadLetters();
    expect(again.body.items.map((item) => item.messageId)).toEqual(
      expect.arrayContaining(Object.values(ids)),
    );
    expect((await listDeadLetters(2)).body.items).toHaveLength(2);
    const tooMany = await call('/notifications/dead-letters?limit=51', { token: admin.token });
    expect(tooMany.status).toBe(400);

    // Not for the sender (they would only come back here): this file's next test starts empty.
    await purgeDeadLetters();
  });

  it('redrives to the delivery queue: the messages leave the dead-letter queue and the sender delivers them', async () => {
    const title = `Redriven ${randomUUID().slice(0, 8)}`;
    const created = await call('/tickets', {
      token: requester.token,
      json: { title, description: 'Its first notification died.' },
    });
    expect(created.status, created.text).toBe(201);
    const ticketId = created.body.ticketId as string;
    const eventId = `dl-redrive-${randomUUID()}`;
    const body = JSON.stringify(statusChange(eventId, ticketId, 'in_progress'));
    const messageId = await deadLetter(body);
    expect((await listDeadLetters()).body.items.map((item) => item.messageId)).toContain(messageId);

    const result = await redrive({ max: 10 });
    expect(result.failed).toBe(0);
    expect(result.moved).toBeGreaterThanOrEqual(1);
    expect(typeof result.remaining).toBe('number');

    // Gone from the dead-letter queue (and not back: the sender could deliver it)...
    const after = await listDeadLetters();
    expect(after.body.items.map((item) => item.messageId)).not.toContain(messageId);
    // ...and taken from the delivery queue by the sender: the mail and its log row.
    const inProgress = new RegExp(`in progress.*${title}`);
    await mailFor(requester.email, inProgress);
    await sentBy(ticketId, eventId);
    expect(
      (await listDeadLetters()).body.items.filter(
        (item) => item.kind === 'intent' && item.eventId === eventId,
      ),
    ).toEqual([]);
  });

  it('sends nothing again when a delivery that was already sent is redriven once more', async () => {
    const title = `Redriven twice ${randomUUID().slice(0, 8)}`;
    const created = await call('/tickets', {
      token: requester.token,
      json: { title, description: 'Redriven twice.' },
    });
    expect(created.status, created.text).toBe(201);
    const ticketId = created.body.ticketId as string;
    const eventId = `dl-twice-${randomUUID()}`;
    const body = JSON.stringify(statusChange(eventId, ticketId, 'in_progress'));
    const inProgress = new RegExp(`in progress.*${title}`);

    await deadLetter(body);
    expect((await redrive()).failed).toBe(0);
    await mailFor(requester.email, inProgress);
    await sentBy(ticketId, eventId);

    // The same message again, then a fresh one behind it in the same redrive: once the fresh one is delivered,
    // the copy has been through the sender too.
    const copy = await deadLetter(body);
    const laterEventId = `dl-later-${randomUUID()}`;
    await deadLetter(JSON.stringify(statusChange(laterEventId, ticketId, 'resolved')));
    const second = await redrive();
    expect(second.failed).toBe(0);
    expect(second.moved).toBeGreaterThanOrEqual(2);
    await mailFor(requester.email, new RegExp(`resolved.*${title}`));
    await sentBy(ticketId, laterEventId);

    expect((await listDeadLetters()).body.items.map((item) => item.messageId)).not.toContain(copy);
    expect((await mailsTo(requester.email)).filter((mail) => inProgress.test(mail.subject))).toHaveLength(1);
    const rows = (await logOf(ticketId)).filter((entry) => entry.sourceEventId === eventId);
    expect(rows.map((entry) => [entry.channel, entry.status])).toEqual([['email', 'sent']]);
  });

  it('refuses a max outside 1-1000 and unknown fields', async () => {
    for (const json of [{ max: 0 }, { max: 1001 }, { max: 1.5 }, { max: 5, queue: 'other' }]) {
      const response = await call('/notifications/dead-letters/redrive', { token: admin.token, json });
      expect([JSON.stringify(json), response.status]).toEqual([JSON.stringify(json), 400]);
    }
  });
});
