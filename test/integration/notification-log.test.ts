/**
 * The notification log through the API (issue 11, "Notification log"; PRODUCT "Every send is logged"): a ticket's
 * rows for agents and admins, the rows of one status for admins, and the retry of a failed delivery through the
 * delivery queue, on the local stack (stream → notifier → queue → sender → SES emulator behind its fault proxy).
 *
 * A failed delivery is made with the SES fault proxy: `reject` (a permanent `MessageRejected`) matched on a unique
 * title, so only this file's mails are refused.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { apiAs, eventually, logIn, mailsTo, newRequester, ok, type Session, smsTo } from './support.ts';

const apiUrl = inject('apiUrl');
/** How long to wait for the sender: it may take several tries to start while the machine is busy. */
const slow = 150_000;
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

describe('notification log', () => {
  let agent: Session;
  let admin: Session;

  beforeAll(async () => {
    [agent, admin] = await Promise.all([
      logIn(accounts.agent.email, accounts.agent.password),
      logIn(accounts.admin.email, accounts.admin.password),
    ]);
  });

  afterEach(async () => {
    await local('faults/ses', { mode: 'up' });
  });

  afterAll(async () => {
    await drain();
    await local('deliveries/quotas', {});
  });

  /** A fresh requester's approval request to the demo agent (email and SMS), handled by the notifier and sender. */
  async function approvalRequest(label: string, requester?: Session) {
    const who = requester ?? (await newRequester('Lena Logged'));
    const title = `${label}-${randomUUID().slice(0, 8)}`;
    const ticket = ok(
      await apiAs(who.token).POST('/tickets', {
        body: { title, description: 'For the notification log', type: 'request', approverId: agent.userId },
      }),
      'create ticket',
    );
    await drain();
    return { ...ticket, title, requester: who };
  }

  const logOf = async (session: Session, ticketId: string, query: { limit?: number; cursor?: string } = {}) =>
    ok(
      await apiAs(session.token).GET('/tickets/{ticketId}/notifications', {
        params: { path: { ticketId }, query },
      }),
      'ticket notifications',
    );

  /** The ticket's log once every row has a final status (the sender may be slow to start on a busy machine). */
  const settledLog = (ticketId: string, rows: number) =>
    eventually(
      async () => {
        const page = await logOf(agent, ticketId);
        return page.items.length === rows && page.items.every((row) => row.status !== 'retrying')
          ? page
          : undefined;
      },
      `${rows} final rows`,
      slow,
    );

  it("shows agents and admins a ticket's sends, newest first, paginated; requesters may not look", async () => {
    const ticket = await approvalRequest('Logged');
    const page = await settledLog(ticket.ticketId, 2);
    expect(page.nextCursor).toBeNull();
    expect(page.items.map((row) => [row.channel, row.type, row.status]).sort()).toEqual([
      ['email', 'approval_requested', 'sent'],
      ['sms', 'approval_requested', 'sent'],
    ]);
    for (const row of page.items) {
      expect(row).toMatchObject({
        ticketId: ticket.ticketId,
        recipientId: agent.userId,
        error: null,
        attempts: 1,
        retryOf: null,
        retriedAs: null,
      });
      expect(row.providerMessageId).toEqual(expect.any(String));
      expect(row.recipient).toBe(row.channel === 'email' ? accounts.agent.email : accounts.agent.phone);
    }
    // Newest first: the ids are ULIDs of the planned time, in descending order.
    const ids = page.items.map((row) => row.notificationId);
    expect(ids).toEqual([...ids].sort().reverse());
    // The admin sees the same; one row a page, then the next.
    expect((await logOf(admin, ticket.ticketId)).items).toEqual(page.items);
    const first = await logOf(agent, ticket.ticketId, { limit: 1 });
    expect(first.items).toEqual([page.items[0]]);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await logOf(agent, ticket.ticketId, { limit: 1, cursor: first.nextCursor as string });
    expect(second.items).toEqual([page.items[1]]);

    // The requester of the ticket is no agent: 403, not the log of their own ticket.
    const asRequester = await apiAs(ticket.requester.token).GET('/tickets/{ticketId}/notifications', {
      params: { path: { ticketId: ticket.ticketId } },
    });
    expect(asRequester.response.status).toBe(403);
    // A cursor of another ticket's log is refused.
    const other = await approvalRequest('Logged other');
    const crossed = await apiAs(agent.token).GET('/tickets/{ticketId}/notifications', {
      params: { path: { ticketId: other.ticketId }, query: { limit: 1, cursor: first.nextCursor as string } },
    });
    expect(crossed.response.status).toBe(422);
    // An unknown ticket is a 404.
    const unknown = await apiAs(agent.token).GET('/tickets/{ticketId}/notifications', {
      params: { path: { ticketId: '01JDQ8Z3M4N5P6Q7R8S9T0V1W2' } },
    });
    expect(unknown.response.status).toBe(404);
  }, 300_000);

  it('lists failed sends for admins and retries one: sent again on its channel only, logged as a new attempt', async () => {
    const label = `Refused${randomUUID().slice(0, 8)}`;
    await local('faults/ses', {
      mode: 'reject',
      code: 'MessageRejected',
      message: 'Refused here',
      match: label,
    });
    const ticket = await approvalRequest(label);
    const failed = await eventually(
      async () => {
        const rows = (await logOf(agent, ticket.ticketId)).items;
        return rows.find((row) => row.channel === 'email' && row.status === 'failed');
      },
      'the failed email row',
      slow,
    );
    expect(failed.error).toContain('MessageRejected');
    expect(failed.providerMessageId).toBeNull();
    expect(await mailsTo(agent.email).then((m) => m.filter((mail) => mail.subject.includes(label)))).toEqual(
      [],
    );
    const texts = async () =>
      (await smsTo(accounts.agent.phone)).filter((sms) =>
        new RegExp(`#${ticket.number}\\b`).test(sms.message),
      );
    await eventually(async () => ((await texts()).length === 1 ? true : undefined), 'the SMS', slow);

    // Admins list the failed rows, newest first (served by the status index): this one is among them.
    const failedRows = ok(
      await apiAs(admin.token).GET('/notifications', { params: { query: { status: 'failed', limit: 100 } } }),
      'failed notifications',
    );
    expect(failedRows.items.every((row) => row.status === 'failed')).toBe(true);
    expect(failedRows.items.map((row) => row.notificationId)).toContain(failed.notificationId);
    const listedIds = failedRows.items.map((row) => row.notificationId);
    expect(listedIds).toEqual([...listedIds].sort().reverse());
    const sentRows = ok(
      await apiAs(admin.token).GET('/notifications', { params: { query: { status: 'sent', limit: 100 } } }),
      'sent notifications',
    );
    expect(sentRows.items.map((row) => row.notificationId)).not.toContain(failed.notificationId);

    // SES takes mail again; the retry goes through the queue and the sender.
    await local('faults/ses', { mode: 'up' });
    const retried = await apiAs(admin.token).POST('/notifications/{notificationId}/retry', {
      params: { path: { notificationId: failed.notificationId } },
      body: {},
    });
    expect(retried.response.status).toBe(202);
    const queued = ok(retried, 'retry');
    expect(queued).toMatchObject({
      retryOf: failed.notificationId,
      ticketId: ticket.ticketId,
      channel: 'email',
      type: 'approval_requested',
      recipientId: agent.userId,
      status: 'queued',
    });
    expect(queued.notificationId).not.toBe(failed.notificationId);
    // The log shows the new attempt at once, linked to the first, until the sender's attempt.
    const queuedRow = (await logOf(admin, ticket.ticketId)).items.find(
      (row) => row.notificationId === queued.notificationId,
    );
    expect(queuedRow?.retryOf).toBe(failed.notificationId);
    await drain();

    const mail = await eventually(
      async () => (await mailsTo(agent.email)).find((m) => m.subject.includes(label)),
      'the retried mail',
      slow,
    );
    expect(mail.body.text).toMatch(/\/approvals\//);
    const rows = await eventually(
      async () => {
        const items = (await logOf(agent, ticket.ticketId)).items;
        return items.some((row) => row.notificationId === queued.notificationId && row.status === 'sent')
          ? items
          : undefined;
      },
      'the retry row',
      slow,
    );
    const retry = rows.find((row) => row.notificationId === queued.notificationId);
    expect(retry).toMatchObject({
      channel: 'email',
      status: 'sent',
      retryOf: failed.notificationId,
      attempts: 1,
      error: null,
    });
    expect(rows.find((row) => row.notificationId === failed.notificationId)).toMatchObject({
      status: 'failed',
      retriedAs: queued.notificationId,
    });
    // Newest first: the retry heads the log. Only the email was sent again: still one SMS, one mail.
    expect(rows[0]?.notificationId).toBe(queued.notificationId);
    expect(await texts()).toHaveLength(1);
    expect((await mailsTo(agent.email)).filter((m) => m.subject.includes(label))).toHaveLength(1);

    // A row is retried once; a sent row (the retry, or the SMS) is a 409.
    for (const notificationId of [
      failed.notificationId,
      queued.notificationId,
      rows.find((row) => row.channel === 'sms')?.notificationId as string,
    ]) {
      const again = await apiAs(admin.token).POST('/notifications/{notificationId}/retry', {
        params: { path: { notificationId } },
        body: {},
      });
      expect(again.response.status).toBe(409);
      expect(again.error).toMatchObject({ notificationStatus: expect.stringMatching(/^(failed|sent)$/) });
    }
    const unknown = await apiAs(admin.token).POST('/notifications/{notificationId}/retry', {
      params: { path: { notificationId: '01JDQ8Z3M4N5P6Q7R8S9T0V1W2' } },
      body: {},
    });
    expect(unknown.response.status).toBe(404);
  }, 300_000);

  it('counts a retry against the send quotas: over the quota it is logged skipped, and a skipped row is a 409', async () => {
    const label = `Quota${randomUUID().slice(0, 8)}`;
    const requester = await newRequester('Quinn Quota');
    await local('faults/ses', {
      mode: 'reject',
      code: 'MessageRejected',
      message: 'Refused here',
      match: label,
    });
    const ticket = await approvalRequest(label, requester);
    const failed = await eventually(
      async () => {
        const rows = (await logOf(agent, ticket.ticketId)).items;
        return rows.find((row) => row.channel === 'email' && row.status === 'failed');
      },
      'the failed email row',
      slow,
    );
    await local('faults/ses', { mode: 'up' });
    // The request was counted once already: with a quota of 1 an hour, the retry is the second.
    await local('deliveries/quotas', { approvalRequestsPerRequesterPerHour: 1, smsPerRecipientPerDay: 1000 });
    try {
      const queued = ok(
        await apiAs(admin.token).POST('/notifications/{notificationId}/retry', {
          params: { path: { notificationId: failed.notificationId } },
          body: {},
        }),
        'retry',
      );
      await drain();
      const retry = await eventually(
        async () =>
          (await logOf(admin, ticket.ticketId)).items.find(
            // Written by the retry as `retrying` at once; final once the sender tried.
            (row) => row.notificationId === queued.notificationId && row.status !== 'retrying',
          ),
        'the retry row',
        slow,
      );
      expect(retry).toMatchObject({ status: 'skipped', retryOf: failed.notificationId });
      expect(retry?.error).toMatch(/quota/);
      expect((await mailsTo(agent.email)).filter((m) => m.subject.includes(label))).toEqual([]);
      const skipped = await apiAs(admin.token).POST('/notifications/{notificationId}/retry', {
        params: { path: { notificationId: queued.notificationId } },
        body: {},
      });
      expect(skipped.response.status).toBe(409);
      expect(skipped.error).toMatchObject({ notificationStatus: 'skipped' });
    } finally {
      await local('deliveries/quotas', {});
    }
  }, 300_000);
});
