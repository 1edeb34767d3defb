/**
 * What the conversation notifies, through the HTTP API and the stream notifier of the local stack: the requester
 * hears of agent responses, the assignee of requester replies; internal notes notify nobody; each message is
 * logged and a redelivered stream record sends nothing twice.
 */
import { randomUUID } from 'node:crypto';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import type { NotificationItem } from '#shared/notifications/notification.entity.ts';
import { queryPage } from '#shared/platform/db.ts';
import { lambdaContext as localLambdaContext } from '../../scripts/local/lambda-runtime.ts';
import { commentItem, streamRecord } from '../unit/notify-fixtures.ts';
import { apiAs, logIn, mailFor, mailsTo, newRequester, ok, type Session } from './support.ts';

const accounts = inject('demoAccounts');
const drain = () => fetch(inject('drainUrl'), { method: 'POST' });

let requester: Session;
let agent: Session;
let admin: Session;

beforeAll(async () => {
  // The notification log is read from the table; the redelivery test runs the notifier in this worker.
  Object.assign(process.env, inject('env'));
  [requester, agent, admin] = await Promise.all([
    newRequester('Rhea Replies'),
    logIn(accounts.agent.email, accounts.agent.password),
    logIn(accounts.admin.email, accounts.admin.password),
  ]);
});

/** A fresh ticket of the requester. */
async function newTicket(title: string) {
  const created = await apiAs(requester.token).POST('/tickets', {
    body: { title, description: `About ${title}` },
  });
  expect(created.response.status).toBe(201);
  return ok(created, 'create ticket');
}

async function post(session: Session, ticketId: string, body: string, internal = false) {
  const posted = await apiAs(session.token).POST('/tickets/{ticketId}/comments', {
    params: { path: { ticketId } },
    body: { body, internal },
  });
  expect(posted.response.status).toBe(201);
  return ok(posted, 'post comment');
}

/** The admin assigns the ticket to the agent. */
async function assignToAgent(ticketId: string) {
  const assigned = await apiAs(admin.token).PATCH('/tickets/{ticketId}', {
    params: { path: { ticketId } },
    body: { assigneeId: agent.userId },
  });
  expect(assigned.response.status).toBe(200);
}

async function notificationLog(ticketId: string) {
  const { items } = await queryPage<NotificationItem>({
    partition: { pk: `TICKET#${ticketId}` },
    beginsWith: ['sk', 'NOTIFICATION#'],
    limit: 100,
    consistent: true,
  });
  return items;
}

/** The context the notifier gets in Lambda, a minute to run. */
const lambdaContext = () => localLambdaContext('notifier', 60_000);

describe('the assignee is told of requester replies', () => {
  it("emails the ticket's assignee a requester's reply, logged as requester_reply", async () => {
    const ticket = await newTicket(`Assigned reply ${randomUUID().slice(0, 8)}`);
    await assignToAgent(ticket.ticketId);
    const marker = `Still broken ${randomUUID().slice(0, 8)}`;
    await post(requester, ticket.ticketId, marker);

    const mail = await mailFor(agent.email, new RegExp(`^New message on ticket #${ticket.number}:`));
    expect(mail.body.text).toContain(`Rhea Replies wrote on ticket #${ticket.number}`);
    expect(mail.body.text).toContain(marker);
    await drain();
    const log = (await notificationLog(ticket.ticketId)).filter((entry) => entry.type === 'requester_reply');
    expect(log.map((entry) => [entry.recipientId, entry.channel, entry.status])).toEqual([
      [agent.userId, 'email', 'sent'],
    ]);
  });

  it('tells nobody of a reply on an unassigned ticket', async () => {
    const ticket = await newTicket(`Unassigned reply ${randomUUID().slice(0, 8)}`);
    await post(requester, ticket.ticketId, 'Anyone there?');
    await drain();
    expect(
      (await notificationLog(ticket.ticketId)).filter((entry) => entry.type === 'requester_reply'),
    ).toEqual([]);
    const subject = new RegExp(`^New message on ticket #${ticket.number}:`);
    for (const address of [agent.email, admin.email]) {
      expect((await mailsTo(address)).filter((mail) => subject.test(mail.subject))).toEqual([]);
    }
  });

  it('sends a redelivered stream record of a reply once', async () => {
    const ticket = await newTicket(`Redelivered reply ${randomUUID().slice(0, 8)}`);
    await assignToAgent(ticket.ticketId);
    const marker = `Redelivered ${randomUUID()}`;
    const record = streamRecord('INSERT', {
      eventID: randomUUID(),
      newItem: commentItem({
        ticketId: ticket.ticketId,
        commentId: `${ticket.ticketId}-01JD3ZS0000000000000000009`,
        kind: 'request',
        authorId: requester.userId,
        body: marker,
      }),
    });
    const event: DynamoDBStreamEvent = { Records: [record] };
    const { handler } = await import('../../functions/notifications/on-table-change.ts');
    expect(await handler(event, lambdaContext())).toEqual({ batchItemFailures: [] });
    expect(await handler(event, lambdaContext())).toEqual({ batchItemFailures: [] });
    // The notifier queued the message twice; the sender sends it once.
    await drain();

    const mails = (await mailsTo(agent.email)).filter((mail) => mail.body.text?.includes(marker));
    expect(mails).toHaveLength(1);
    const fromRecord = (await notificationLog(ticket.ticketId)).filter(
      (entry) => entry.sourceEventId === record.eventID,
    );
    expect(fromRecord.map((entry) => [entry.type, entry.recipientId, entry.status])).toEqual([
      ['requester_reply', agent.userId, 'sent'],
    ]);
  });
});

describe('internal notes never reach requesters: no notification', () => {
  it("mails the requester an agent's response but nothing about an internal note", async () => {
    const ticket = await newTicket(`Note and reply ${randomUUID().slice(0, 8)}`);
    const secret = `Internal ${randomUUID()}`;
    await post(agent, ticket.ticketId, secret, true);
    const reply = `Public reply ${randomUUID().slice(0, 8)}`;
    await post(agent, ticket.ticketId, reply);

    const mail = await mailFor(requester.email, new RegExp(`^New reply on ticket #${ticket.number}:`));
    expect(mail.body.text).toContain(reply);
    await drain();
    const mails = await mailsTo(requester.email);
    expect(mails.filter((m) => `${m.subject}${m.body.text}${m.body.html}`.includes(secret))).toEqual([]);
    const log = await notificationLog(ticket.ticketId);
    expect(log.map((entry) => [entry.type, entry.recipientId])).toEqual([
      ['agent_response', requester.userId],
    ]);
  });
});
