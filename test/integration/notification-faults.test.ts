/**
 * Notifications under injected faults, through the whole local pipeline: table stream → notifier → delivery queue
 * (fauxqs) → sender (in its own worker process, like a Lambda execution environment) → SES / SNS behind
 * fault-injection proxies. The stack of the global setup runs a shortened retry schedule (1 s doubling to 10 s,
 * 15 receives, visibility timeout 15 s, sender timeout 10 s): what takes hours in AWS takes a minute here.
 *
 * Control endpoints of the local stack (`scripts/local/stack.ts`): `POST /_local/faults/{ses|sns}` sets a fault,
 * `GET /_local/deliveries` tells what the queue and the sender are doing, `POST /_local/deliveries/crash` kills the
 * sender's process mid-invocation, `POST /_local/deliveries/schedule` changes the schedule for one test, and
 * `GET /_local/dead-letters` lists the dead-letter queue.
 *
 * Each test asserts exact counts: mails and SMS delivered exactly once, one final log row per delivery, and what the
 * dead-letter queue holds.
 */
import { randomUUID } from 'node:crypto';
import { PurgeQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import type { NotificationItem } from '#shared/notifications/notification.entity.ts';
import { queryPage } from '#shared/platform/db.ts';
import { call, eventually, logIn, mailsTo, newRequester, type Session, smsTo } from './support.ts';

const apiUrl = inject('apiUrl');
const accounts = inject('demoAccounts');

async function local(path: string, body?: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${apiUrl}/_local/${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`/_local/${path}: ${response.status} ${text}`);
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

const setFault = (provider: 'ses' | 'sns', fault: Record<string, unknown>) =>
  local(`faults/${provider}`, fault);

interface DeliveriesState {
  queue: { visible: number; notVisible: number };
  deadLetters: number;
  sender: { running: { startedAt: string; messageIds: string[] } | null; pid: number | null };
  proxies: { ses: { holding: number }; sns: { holding: number } };
}
const deliveries = () => local('deliveries') as unknown as Promise<DeliveriesState>;

/** `GET /notifications/dead-letters`' body (the same operation serves `/_local/dead-letters`). */
interface DeadLetterList {
  approximateNumberOfMessages: number;
  items: Array<{ kind: string; ticketId?: string; reason?: string; eventId?: string | null }>;
}
const deadLetters = () => local('dead-letters') as unknown as Promise<DeadLetterList>;

/** Waits until the queue holds nothing visible or hidden and the sender is idle. */
const queueEmpty = (what: string, timeoutMs = 120_000) =>
  eventually(
    async () => {
      const state = await deliveries();
      return state.queue.visible === 0 && state.queue.notVisible === 0 && !state.sender.running
        ? true
        : undefined;
    },
    what,
    timeoutMs,
  );

async function logRows(ticketId: string): Promise<NotificationItem[]> {
  const { items } = await queryPage<NotificationItem>({
    partition: { pk: `TICKET#${ticketId}` },
    beginsWith: ['sk', 'NOTIFICATION#'],
    limit: 100,
  });
  return items;
}

/** Empties the dead-letter queue, so each test counts only its own dead letters. */
async function purgeDeadLetters(): Promise<void> {
  const sqs = new SQSClient({});
  await sqs.send(new PurgeQueueCommand({ QueueUrl: process.env.DELIVERY_DEAD_LETTER_QUEUE_URL }));
  sqs.destroy();
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('notifications under provider faults', () => {
  let requester: Session;
  let approver: Session;
  const approverPhone = accounts.agent.phone;

  beforeAll(async () => {
    // This worker reads the same table as the local gateway.
    Object.assign(process.env, inject('env'));
    requester = await newRequester('Fay Faults');
    approver = await logIn(accounts.agent.email, accounts.agent.password);
    await queueEmpty('the queue to be empty before the fault tests');
    await purgeDeadLetters();
  });

  afterEach(async () => {
    await setFault('ses', { mode: 'up' });
    await setFault('sns', { mode: 'up' });
  });

  /** Opens an approval request to the demo agent; returns its id, number and unique title. */
  async function approvalTicket(label: string) {
    const title = `${label} ${randomUUID().slice(0, 8)}`;
    const created = await call('/tickets', {
      token: requester.token,
      json: {
        title,
        description: 'Needed for the fault tests',
        type: 'request',
        approverId: approver.userId,
      },
    });
    expect(created.status).toBe(201);
    return { ticketId: created.body.ticketId as string, number: created.body.number as number, title };
  }

  const mailsAbout = async (title: string) =>
    (await mailsTo(approver.email)).filter((mail) => mail.subject.includes(title));
  const smsAbout = async (number: number) =>
    (await smsTo(approverPhone)).filter((sms) => new RegExp(`#${number}\\b`).test(sms.message));

  it('SES down for 60 s: all 10 approval mails arrive exactly once after it returns; SMS are not held back', async () => {
    await setFault('ses', { mode: 'down' });
    const downSince = Date.now();
    const tickets: Array<Awaited<ReturnType<typeof approvalTicket>>> = [];
    for (let i = 0; i < 10; i++) tickets.push(await approvalTicket(`Outage ${i}`));

    // While SES is down: the SMS (SNS is up) go out, no mail does, and the email rows say retrying.
    await eventually(
      async () =>
        (await Promise.all(tickets.map((t) => smsAbout(t.number)))).every((s) => s.length === 1)
          ? true
          : undefined,
      'the 10 SMS while SES is down',
      60_000,
    );
    const retrying = await eventually(async () => {
      const rows = (await Promise.all(tickets.map((t) => logRows(t.ticketId)))).flat();
      const emailRows = rows.filter((row) => row.channel === 'email');
      return emailRows.length === 10 && emailRows.every((row) => row.status === 'retrying')
        ? emailRows
        : undefined;
    }, 'a retrying email row per ticket');
    expect(retrying.every((row) => row.error && row.nextAttemptAt && (row.attempts ?? 0) >= 1)).toBe(true);
    for (const ticket of tickets) expect(await mailsAbout(ticket.title)).toHaveLength(0);

    await sleep(Math.max(0, 60_000 - (Date.now() - downSince)));
    await setFault('ses', { mode: 'up' });

    await eventually(
      async () =>
        (await Promise.all(tickets.map((t) => mailsAbout(t.title)))).every((m) => m.length >= 1)
          ? true
          : undefined,
      'the 10 mails after SES returned',
      60_000,
    );
    await queueEmpty('the queue to drain after the outage');
    for (const ticket of tickets) {
      expect(await mailsAbout(ticket.title)).toHaveLength(1);
      expect(await smsAbout(ticket.number)).toHaveLength(1);
      const rows = await logRows(ticket.ticketId);
      expect(rows.map((row) => [row.channel, row.status]).sort()).toEqual([
        ['email', 'sent'],
        ['sms', 'sent'],
      ]);
      const email = rows.find((row) => row.channel === 'email');
      expect(email?.attempts).toBeGreaterThan(1);
      expect(email?.error).toBeUndefined();
    }
    expect((await deadLetters()).approximateNumberOfMessages).toBe(0);
  }, 240_000);

  it('SNS down for longer than the old retry budget: the SMS arrive exactly once, the mail at once', async () => {
    await setFault('sns', { mode: 'unavailable' });
    const tickets = [await approvalTicket('SNS outage a'), await approvalTicket('SNS outage b')];
    for (const ticket of tickets) {
      await eventually(
        async () => ((await mailsAbout(ticket.title)).length === 1 ? true : undefined),
        'the mail',
      );
    }
    await sleep(12_000);
    for (const ticket of tickets) expect(await smsAbout(ticket.number)).toHaveLength(0);
    await setFault('sns', { mode: 'up' });
    await queueEmpty('the SMS to be delivered');
    for (const ticket of tickets) {
      expect(await smsAbout(ticket.number)).toHaveLength(1);
      expect(await mailsAbout(ticket.title)).toHaveLength(1);
      const sms = (await logRows(ticket.ticketId)).find((row) => row.channel === 'sms');
      expect(sms).toMatchObject({ status: 'sent' });
      expect(sms?.attempts).toBeGreaterThan(1);
    }
  }, 120_000);

  it('a permanent rejection is final at once: one failed row, no retry, nothing dead-lettered', async () => {
    await setFault('ses', {
      mode: 'reject',
      code: 'MessageRejected',
      message: 'Email address is not verified.',
    });
    const ticket = await approvalTicket('Rejected');
    const row = await eventually(async () => {
      const email = (await logRows(ticket.ticketId)).find((r) => r.channel === 'email');
      return email?.status === 'failed' ? email : undefined;
    }, 'the failed email row');
    expect(row).toMatchObject({
      status: 'failed',
      attempts: 1,
      error: expect.stringMatching(/MessageRejected/),
    });
    await queueEmpty('the queue to settle');
    expect(await mailsAbout(ticket.title)).toHaveLength(0);
    expect(await smsAbout(ticket.number)).toHaveLength(1);
    expect((await deadLetters()).approximateNumberOfMessages).toBe(0);
  }, 60_000);

  it('a crash mid-send never loses the mail: the sender is killed while SES hangs, the retry sends it once', async () => {
    await setFault('ses', { mode: 'hang' });
    const ticket = await approvalTicket('Crash');
    // The sender's process is inside SendEmail (the proxy holds its request) when it is killed.
    await eventually(async () => {
      const state = await deliveries();
      return state.sender.running && state.proxies.ses.holding > 0 ? true : undefined;
    }, 'the sender to hang in SendEmail');
    const crashed = await local('deliveries/crash', {});
    expect(crashed.killed).toEqual(expect.any(Number));
    await setFault('ses', { mode: 'up' });

    // The message comes back after the visibility timeout; the crashed attempt's lock has expired by then.
    await eventually(
      async () => ((await mailsAbout(ticket.title)).length > 0 ? true : undefined),
      'the mail',
      60_000,
    );
    await queueEmpty('the queue to settle after the crash');
    expect(await mailsAbout(ticket.title)).toHaveLength(1);
    expect(await smsAbout(ticket.number)).toHaveLength(1);
    const rows = await logRows(ticket.ticketId);
    expect(rows.map((row) => [row.channel, row.status]).sort()).toEqual([
      ['email', 'sent'],
      ['sms', 'sent'],
    ]);
  }, 120_000);

  it('the dead-letter queue holds only the delivery that failed for good, and a redrive sends it once', async () => {
    // A short schedule for this test: 4 receives.
    await local('deliveries/schedule', { maxReceiveCount: 4 });
    try {
      const failing = await approvalTicket('Dead letter');
      const fine = await approvalTicket('Alongside');
      // Only the failing ticket's mail meets the fault (its title is in the request body).
      await setFault('ses', { mode: 'unavailable', match: failing.title });

      const failedRow = await eventually(
        async () => {
          const email = (await logRows(failing.ticketId)).find((row) => row.channel === 'email');
          return email?.status === 'failed' ? email : undefined;
        },
        'the final failed row',
        90_000,
      );
      // Four receives; each one that reached SES is an attempt. A receive that found the delivery still held by a
      // slow earlier invocation (its visibility ran out on a loaded machine) retries without an attempt.
      expect(failedRow).toMatchObject({ error: expect.stringMatching(/ServiceUnavailable/) });
      expect(failedRow.attempts).toBeGreaterThanOrEqual(3);
      expect(failedRow.attempts).toBeLessThanOrEqual(4);

      const dead = await eventually(
        async () => {
          const list = await deadLetters();
          return list.approximateNumberOfMessages === 1 ? list : undefined;
        },
        'one dead letter',
        60_000,
      );
      expect(dead.items).toEqual([expect.objectContaining({ kind: 'intent', ticketId: failing.ticketId })]);
      // The other ticket, and the SMS of the failing one, went out once.
      expect(await mailsAbout(fine.title)).toHaveLength(1);
      expect(await mailsAbout(failing.title)).toHaveLength(0);
      expect(await smsAbout(failing.number)).toHaveLength(1);

      await setFault('ses', { mode: 'up' });
      const admin = await logIn(accounts.admin.email, accounts.admin.password);
      const redriven = await call('/notifications/dead-letters/redrive', { token: admin.token, json: {} });
      expect(redriven.status).toBe(200);
      expect(redriven.body.moved).toBe(1);

      await eventually(
        async () => ((await mailsAbout(failing.title)).length > 0 ? true : undefined),
        'the redriven mail',
      );
      await queueEmpty('the redriven message to be sent');
      expect(await mailsAbout(failing.title)).toHaveLength(1);
      expect(await smsAbout(failing.number)).toHaveLength(1);
      const rows = await logRows(failing.ticketId);
      expect(rows.map((row) => [row.channel, row.status]).sort()).toEqual([
        ['email', 'sent'],
        ['sms', 'sent'],
      ]);
      expect((await deadLetters()).approximateNumberOfMessages).toBe(0);
    } finally {
      await local('deliveries/schedule', {});
    }
  }, 180_000);

  it('a poison record is dead-lettered at once and holds back nothing behind it', async () => {
    // A ticket item without the fields the approval rule reads, written straight to the table like a bad import.
    const { putItem } = await import('#shared/platform/db.ts');
    const poisonId = `poison-${randomUUID()}`;
    await putItem({
      pk: `TICKET#${poisonId}`,
      sk: 'TICKET',
      entityType: 'ticket',
      ticketId: poisonId,
      status: 'pending_approval',
    });
    const behind = await approvalTicket('Behind the poison');

    await eventually(
      async () => ((await mailsAbout(behind.title)).length === 1 ? true : undefined),
      'the mail',
    );
    const dead = await eventually(async () => {
      const list = await deadLetters();
      const poison = list.items.find((item) => item.kind === 'record');
      return poison ? { list, poison } : undefined;
    }, 'the poison record in the dead-letter queue');
    // The poison record is the only record dead-lettered (a delivery of an earlier test may still be on its way out).
    expect(dead.list.items.filter((item) => item.kind === 'record')).toHaveLength(1);
    expect(dead.poison).toMatchObject({
      eventName: 'INSERT',
      reason: expect.stringMatching(/UnreadableRecordError/),
    });

    // Redriven, it would only be planned again and come back: cleaned up for the tests after this one.
    await purgeDeadLetters();
    const { deleteItem } = await import('#shared/platform/db.ts');
    await deleteItem({ pk: `TICKET#${poisonId}`, sk: 'TICKET' });
  }, 60_000);
});
