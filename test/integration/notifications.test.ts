/**
 * The notifier and the sender against the real table (DynamoDB Local), the queue (fauxqs) and the SES emulator:
 * every delivery is logged, and a stream record delivered twice (streams are at-least-once) sends once.
 */
import { randomUUID } from 'node:crypto';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import type { NotificationItem } from '#shared/notifications/notification.entity.ts';
import { queryPage } from '#shared/platform/db.ts';
import { lambdaContext as localLambdaContext } from '../../scripts/local/lambda-runtime.ts';
import { streamRecord, ticketItem } from '../unit/notify-fixtures.ts';
import { apiAs, logIn, mailsTo, newRequester, ok, type Session, smsTo } from './support.ts';

const drain = async () => {
  const response = await fetch(inject('drainUrl'), { method: 'POST' });
  expect(response.status).toBe(200);
};

const accounts = inject('demoAccounts');

/** The context the notifier gets in Lambda, a minute to run. */
const lambdaContext = () => localLambdaContext('notifier', 60_000);

describe('notifier', () => {
  let requester: Session;
  let approver: Session;

  beforeAll(async () => {
    // This worker talks to the same emulators as the local gateway.
    Object.assign(process.env, inject('env'));
    requester = await newRequester('Nora Notified');
    approver = await logIn(accounts.agent.email, accounts.agent.password);
  });

  it('logs each send and sends once when the same stream record arrives twice', async () => {
    const title = `Redelivered request ${randomUUID().slice(0, 8)}`;
    const created = await apiAs(requester.token).POST('/tickets', {
      body: { title, description: 'x', type: 'request', approverId: approver.userId },
    });
    expect(created.response.status).toBe(201);
    const ticket = ok(created, 'create ticket');
    // The ticket's own stream record sends the first request.
    await drain();
    const number = new RegExp(`#${ticket.number}\\b`);
    const mailsAbout = async () =>
      (await mailsTo(approver.email)).filter((mail) => mail.subject.includes(title));
    const textsAbout = async () =>
      (await smsTo(accounts.agent.phone)).filter((sms) => number.test(sms.message));
    expect(await mailsAbout()).toHaveLength(1);
    expect(await textsAbout()).toHaveLength(1);

    // Another record of the same ticket (a new eventID), delivered to the notifier twice.
    const record = streamRecord('INSERT', {
      eventID: randomUUID(),
      newItem: ticketItem({
        ticketId: ticket.ticketId,
        number: ticket.number,
        title,
        requesterId: requester.userId,
        approverId: approver.userId,
        status: 'pending_approval',
      }),
    });
    const event: DynamoDBStreamEvent = { Records: [record] };
    const { handler } = await import('../../functions/notifications/on-table-change.ts');

    expect(await handler(event, lambdaContext())).toEqual({ batchItemFailures: [] });
    expect(await handler(event, lambdaContext())).toEqual({ batchItemFailures: [] });
    await drain();

    // Two copies of its message were queued; one more mail and one more SMS went out.
    expect(await mailsAbout()).toHaveLength(2);
    expect(await textsAbout()).toHaveLength(2);

    const { items: log } = await queryPage<NotificationItem>({
      partition: { pk: `TICKET#${ticket.ticketId}` },
      beginsWith: ['sk', 'NOTIFICATION#'],
      limit: 100,
    });
    const fromRecord = log.filter((entry) => entry.sourceEventId === record.eventID);
    expect(fromRecord.map((entry) => [entry.channel, entry.status, entry.recipientId]).sort()).toEqual([
      ['email', 'sent', approver.userId],
      ['sms', 'sent', approver.userId],
    ]);
    expect(fromRecord.every((entry) => entry.type && entry.at && entry.providerMessageId)).toBe(true);
  });
});
