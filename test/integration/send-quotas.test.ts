/**
 * Quotas on paid sends (issue 9, OWASP API4) through the whole local stack: tickets created through the API, the
 * stream notifier, the delivery queue, the sender with its counters in DynamoDB Local, the SES emulator and the SNS
 * endpoint. The test stack runs with large quotas (global setup); this file sets small ones with
 * `POST /_local/deliveries/quotas` and restores them after.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { NotificationItem } from '#shared/notifications/notification.entity.ts';
import { queryPage } from '#shared/platform/db.ts';
import { apiAs, logIn, mailsTo, newRequester, ok, type Session, smsTo } from './support.ts';

const apiUrl = inject('apiUrl');
const accounts = inject('demoAccounts');

async function local(path: string, body: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${apiUrl}/_local/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`/_local/${path}: ${response.status} ${await response.text()}`);
}

/** Wait until every stream record and queued delivery so far was handled. */
const drain = async () => {
  const response = await fetch(inject('drainUrl'), { method: 'POST' });
  expect(response.status).toBe(200);
};

/** Create a ticket with the demo agent as approver, as `session`: its body. */
const createTicket = async (session: Session, title: string, approverId: string) =>
  ok(
    await apiAs(session.token).POST('/tickets', {
      body: { title, description: 'one more approval', type: 'request', approverId },
    }),
    'create a ticket',
  );

/** The log rows of a ticket. */
async function logOf(ticketId: string): Promise<NotificationItem[]> {
  const { items } = await queryPage<NotificationItem>({
    partition: { pk: `TICKET#${ticketId}` },
    beginsWith: ['sk', 'NOTIFICATION#'],
    limit: 100,
    consistent: true,
  });
  return items;
}

describe('quotas on paid sends', () => {
  let approver: Session;

  beforeAll(async () => {
    // This worker reads the log rows from the same DynamoDB Local as the stack.
    Object.assign(process.env, inject('env'));
    approver = await logIn(accounts.agent.email, accounts.agent.password);
    await drain();
  });

  afterAll(async () => {
    await drain();
    await local('deliveries/quotas', {});
  });

  it('sends N approval requests of one requester in an hour and skips the next, logged with the reason', async () => {
    await local('deliveries/quotas', { approvalRequestsPerRequesterPerHour: 2, smsPerRecipientPerDay: 1000 });
    const requester = await newRequester('Quentin Quota');
    const tag = randomUUID().slice(0, 8);
    const tickets: Array<Awaited<ReturnType<typeof createTicket>>> = [];
    for (let i = 1; i <= 3; i++) {
      tickets.push(await createTicket(requester, `Quota ${tag} request ${i}`, approver.userId));
      // One at a time, so the first two are the ones counted.
      await drain();
    }
    const mails = (await mailsTo(approver.email)).filter((mail) => mail.subject.includes(`Quota ${tag}`));
    expect(mails.map((mail) => mail.subject).sort()).toEqual([
      expect.stringContaining(`Quota ${tag} request 1`),
      expect.stringContaining(`Quota ${tag} request 2`),
    ]);
    const texts = (await smsTo(accounts.agent.phone)).filter((sms) =>
      tickets.some((ticket) => sms.message.includes(`#${ticket.number} `)),
    );
    expect(texts).toHaveLength(2);

    const [first, , third] = await Promise.all(tickets.map((ticket) => logOf(ticket.ticketId)));
    expect(first?.map((row) => [row.channel, row.status]).sort()).toEqual([
      ['email', 'sent'],
      ['sms', 'sent'],
    ]);
    expect(third?.map((row) => [row.channel, row.status, row.error]).sort()).toEqual([
      ['email', 'skipped', 'quota: 2 approval requests per requester per hour'],
      ['sms', 'skipped', 'quota: 2 approval requests per requester per hour'],
    ]);
    // Skipped is final: nothing was tried at a provider, and nothing waits on the queue.
    expect(
      third?.every((row) => row.providerMessageId === undefined && row.nextAttemptAt === undefined),
    ).toBe(true);
  });

  it('sends N SMS to one recipient in a day and skips the next, while the mails still go', async () => {
    await local('deliveries/quotas', { approvalRequestsPerRequesterPerHour: 1000, smsPerRecipientPerDay: 2 });
    const phone = `+1555${String(Math.floor(Math.random() * 10_000_000)).padStart(7, '0')}`;
    const requester = await newRequester('Sally Sms', { phone, smsOptIn: true });
    const tag = randomUUID().slice(0, 8);
    const decided: Array<Awaited<ReturnType<typeof createTicket>>> = [];
    for (let i = 1; i <= 3; i++) {
      const ticket = await createTicket(requester, `Sms ${tag} request ${i}`, approver.userId);
      await drain();
      // A decision names the version it decides on (If-Match: 428 without).
      const read = await apiAs(approver.token).GET('/tickets/{ticketId}', {
        params: { path: { ticketId: ticket.ticketId } },
      });
      const patched = await apiAs(approver.token).PATCH('/tickets/{ticketId}', {
        params: {
          path: { ticketId: ticket.ticketId },
          header: { 'if-match': read.response.headers.get('etag') ?? '' },
        },
        body: { status: 'approved' },
      });
      expect(patched.response.status).toBe(200);
      await drain();
      decided.push(ticket);
    }
    // Each decision mails the requester; only two SMS reach the number.
    const mails = (await mailsTo(requester.email)).filter((mail) => /approved/.test(mail.subject));
    expect(mails).toHaveLength(3);
    expect(await smsTo(phone)).toHaveLength(2);

    const last = await logOf(decided[2]?.ticketId ?? '');
    const toRequester = last.filter((row) => row.recipientId === requester.userId);
    expect(toRequester.map((row) => [row.channel, row.status, row.error]).sort()).toEqual([
      ['email', 'sent', undefined],
      ['sms', 'skipped', 'quota: 2 SMS per recipient per day'],
    ]);
  });
});
