/**
 * The notifier against the real table (DynamoDB Local) and the SES emulator: every send is logged, and a stream
 * record delivered twice (streams are at-least-once) sends once.
 */
import { randomUUID } from 'node:crypto';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import type { NotificationItem } from '#shared/notifications/notification.entity.ts';
import { queryPage } from '#shared/platform/db.ts';
import { lambdaContext as localLambdaContext } from '../../scripts/local/lambda-runtime.ts';
import { streamRecord, ticketItem } from '../unit/notify-fixtures.ts';
import { call, logIn, mailsTo, newRequester, type Session, smsTo } from './support.ts';

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
    const created = await call('/tickets', {
      token: requester.token,
      json: { title: 'Placeholder', description: 'x' },
    });
    const title = `Redelivered request ${randomUUID().slice(0, 8)}`;
    const record = streamRecord('INSERT', {
      eventID: randomUUID(),
      newItem: ticketItem({
        ticketId: created.body.ticketId,
        number: created.body.number,
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

    const mails = (await mailsTo(approver.email)).filter((mail) => mail.subject.includes(title));
    expect(mails).toHaveLength(1);
    const number = new RegExp(`#${created.body.number}\\b`);
    const texts = (await smsTo(accounts.agent.phone)).filter((sms) => number.test(sms.message));
    expect(texts).toHaveLength(1);

    const { items: log } = await queryPage<NotificationItem>({
      partition: { pk: `TICKET#${created.body.ticketId}` },
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
