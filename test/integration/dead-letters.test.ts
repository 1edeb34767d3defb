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
import { queryPage } from '#shared/platform/db.ts';
import type { Schema } from '../../client/index.ts';
import {
  apiAs,
  call,
  eventually,
  logIn,
  mailFor,
  mailsTo,
  newRequester,
  ok,
  type Session,
} from './support.ts';

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

/** `GET /notifications/dead-letters` as the admin: the list, and its JSON text. */
const listDeadLetters = async (limit = 50) => {
  const list = ok(
    await apiAs(admin.token).GET('/notifications/dead-letters', { params: { query: { limit } } }),
    'list the dead letters',
  );
  return { text: JSON.stringify(list), body: list };
};

/** `POST /notifications/dead-letters/redrive` as the admin: what it did. */
const redrive = async (body: Schema<'RedriveDeadLettersRequest'>) =>
  ok(await apiAs(admin.token).POST('/notifications/dead-letters/redrive', { body }), 'redrive');

/** A new ticket of the requester: its id. */
const newTicket = async (title: string, description: string) =>
  ok(
    await apiAs(requester.token).POST('/tickets', {
      body: { title, description, type: 'incident', priority: 'medium' },
    }),
    'create a ticket',
  ).ticketId;

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
      // Ids of any length: the summary cuts them to the documented 200 characters.
      longIds: await deadLetter(
        JSON.stringify({
          kind: 'intent',
          eventId: 'E'.repeat(300),
          plannedAt: new Date().toISOString(),
          intent: { type: 'assigned', ticketId: 'T'.repeat(300), recipient: 'assignee', sms: false },
        }),
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
    expect(byId.get(ids.longIds)).toMatchObject({
      kind: 'intent',
      type: 'assigned',
      ticketId: `${'T'.repeat(199)}…`,
      recipient: 'assignee',
      eventId: `${'E'.repeat(199)}…`,
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
    // The bounds of `limit` are the query schema's (1-50, an integer): a 400 naming the parameter.
    for (const limit of [0, 51, 1.5]) {
      const refused = await apiAs(admin.token).GET('/notifications/dead-letters', {
        params: { query: { limit } },
      });
      expect([limit, refused.response.status, refused.error]).toEqual([
        limit,
        400,
        expect.objectContaining({
          type: '/problems/validation-error',
          errors: [expect.objectContaining({ in: 'query', pointer: '/limit' })],
        }),
      ]);
    }
    const words = await call('/notifications/dead-letters?limit=ten', { token: admin.token });
    expect([words.status, words.body?.errors?.[0]?.pointer]).toEqual([400, '/limit']);

    // Not for the sender (they would only come back here): this file's next test starts empty.
    await purgeDeadLetters();
  });

  it('redrives to the delivery queue: the messages leave the dead-letter queue and the sender delivers them', async () => {
    const title = `Redriven ${randomUUID().slice(0, 8)}`;
    const ticketId = await newTicket(title, 'Its first notification died.');
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
    const ticketId = await newTicket(title, 'Redriven twice.');
    const eventId = `dl-twice-${randomUUID()}`;
    const body = JSON.stringify(statusChange(eventId, ticketId, 'in_progress'));
    const inProgress = new RegExp(`in progress.*${title}`);

    await deadLetter(body);
    expect((await redrive({ max: 100 })).failed).toBe(0);
    await mailFor(requester.email, inProgress);
    await sentBy(ticketId, eventId);

    // The same message again, then a fresh one behind it in the same redrive: once the fresh one is delivered,
    // the copy has been through the sender too.
    const copy = await deadLetter(body);
    const laterEventId = `dl-later-${randomUUID()}`;
    await deadLetter(JSON.stringify(statusChange(laterEventId, ticketId, 'resolved')));
    // Without `max`: the default, 100.
    const second = await call('/notifications/dead-letters/redrive', { token: admin.token, json: {} });
    expect(second.status, second.text).toBe(200);
    expect(second.body.failed).toBe(0);
    expect(second.body.moved).toBeGreaterThanOrEqual(2);
    await mailFor(requester.email, new RegExp(`resolved.*${title}`));
    await sentBy(ticketId, laterEventId);

    expect((await listDeadLetters()).body.items.map((item) => item.messageId)).not.toContain(copy);
    expect((await mailsTo(requester.email)).filter((mail) => inProgress.test(mail.subject))).toHaveLength(1);
    const rows = (await logOf(ticketId)).filter((entry) => entry.sourceEventId === eventId);
    expect(rows.map((entry) => [entry.channel, entry.status])).toEqual([['email', 'sent']]);
  });

  it('refuses a max outside 1-1000 and unknown fields: the body schema says so (400 naming the field)', async () => {
    for (const max of [0, 1001, 1.5]) {
      const refused = await apiAs(admin.token).POST('/notifications/dead-letters/redrive', { body: { max } });
      expect([max, refused.response.status, refused.error]).toEqual([
        max,
        400,
        expect.objectContaining({
          type: '/problems/validation-error',
          errors: [expect.objectContaining({ in: 'body', pointer: '/max' })],
        }),
      ]);
    }
    // Off the contract on purpose: a field the document does not have.
    const unknown = await call('/notifications/dead-letters/redrive', {
      token: admin.token,
      json: { max: 5, queue: 'other' },
    });
    expect([unknown.status, unknown.body?.errors?.[0]?.pointer]).toEqual([400, '/queue']);
  });
});
