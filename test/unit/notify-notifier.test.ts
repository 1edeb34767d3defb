import type { Context } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { hashApprovalToken } from '#shared/approvals/token.ts';
import { emailChannel } from '#shared/notifications/channels/email.ts';
import { registerInvocation } from '#shared/notifications/idempotency.ts';
import type { TicketSummary } from '#shared/notifications/intents.ts';
import {
  createNotifier,
  DeliveriesIncompleteError,
  type RecipientProfile,
} from '#shared/notifications/notifier.ts';
import { logger } from '#shared/platform/logger.ts';
import {
  commentItem,
  ids,
  memoryDependencies,
  streamRecord,
  ticketEventItem,
  ticketItem,
} from './notify-fixtures.ts';

beforeAll(() => {
  logger.setLogLevel('SILENT');
  registerInvocation({ getRemainingTimeInMillis: () => 60_000 } as Context);
});

const requester: RecipientProfile = {
  userId: ids.requester,
  name: 'Ada Lovelace',
  email: 'ada@example.com',
  phone: '+15555550101',
  smsOptIn: true,
};
const approver: RecipientProfile = {
  userId: ids.approver,
  name: 'Grace Hopper',
  email: 'grace@example.com',
  phone: '+15555550102',
  smsOptIn: true,
};
const agent: RecipientProfile = { userId: ids.agent, name: 'Alan Turing', email: 'alan@example.com' };
const ticket: TicketSummary = {
  ticketId: ids.ticket,
  number: 42,
  title: 'Cat6 cable for room 204',
  description: 'We need a 5 m Cat6 cable.',
  priority: 'high',
  status: 'open',
  requesterId: ids.requester,
};

function setup(users: RecipientProfile[] = [requester, approver, agent]) {
  const memory = memoryDependencies({ users, tickets: [ticket] });
  return { ...memory, notify: createNotifier(memory.deps) };
}

const approvalRecord = () => streamRecord('INSERT', { newItem: ticketItem(), eventID: 'event-approval-1' });

describe('approval requests', () => {
  it('stores one approval link and sends it by email and SMS, logging both', async () => {
    const t = setup();
    const report = await t.notify(approvalRecord());

    expect(t.approvals.size).toBe(1);
    const [approval] = [...t.approvals.values()];
    expect(approval).toEqual({
      tokenHash: hashApprovalToken(`tok${'1'.padStart(40, '0')}`),
      ticketId: ids.ticket,
      approverId: ids.approver,
      createdAt: '2026-11-27T12:00:00.000Z',
      expiresAt: Date.parse('2026-11-27T12:00:00.000Z') / 1000 + 259_200,
    });
    const link = `https://api.example.test/approvals/tok${'1'.padStart(40, '0')}`;
    expect(t.emails).toHaveLength(1);
    expect(t.emails[0]?.to).toBe('grace@example.com');
    expect(t.emails[0]?.text).toContain(link);
    expect(t.emails[0]?.text).toContain('Ada Lovelace');
    expect(t.sms).toEqual([{ to: '+15555550102', text: expect.stringContaining(link) }]);

    expect(report.deliveries.map((d) => [d.channel, d.status])).toEqual([
      ['email', 'sent'],
      ['sms', 'sent'],
    ]);
    expect([...t.log.values()]).toEqual([
      {
        ticketId: ids.ticket,
        notificationId: expect.any(String),
        recipientId: ids.approver,
        recipient: 'grace@example.com',
        channel: 'email',
        type: 'approval_requested',
        status: 'sent',
        providerMessageId: 'email-1',
        sourceEventId: 'event-approval-1',
        at: '2026-11-27T12:00:00.000Z',
      },
      expect.objectContaining({
        channel: 'sms',
        recipient: '+15555550102',
        status: 'sent',
        providerMessageId: 'sms-1',
      }),
    ]);
  });

  it('sends nothing again and makes no new link when the record is delivered again', async () => {
    const t = setup();
    const record = approvalRecord();
    await t.notify(record);
    const logBefore = [...t.log.entries()];
    t.advance(60_000);
    await t.notify(record);
    await t.notify(record);
    expect(t.attempts).toEqual({ email: 1, sms: 1 });
    expect(t.approvals.size).toBe(1);
    expect([...t.log.entries()]).toEqual(logBefore);
  });

  it('emails only an approver without SMS opt-in', async () => {
    const t = setup([requester, { ...approver, smsOptIn: false }]);
    await t.notify(approvalRecord());
    expect(t.attempts).toEqual({ email: 1, sms: 0 });
  });

  it('retries only the SMS after a transient SMS failure; the email goes once', async () => {
    const t = setup();
    t.script.sms.push({ status: 'failed', error: 'Throttled: Rate exceeded', retryable: true });
    const record = approvalRecord();

    await expect(t.notify(record)).rejects.toBeInstanceOf(DeliveriesIncompleteError);
    expect(t.emails).toHaveLength(1);
    expect([...t.log.values()].map((e) => [e.channel, e.status, e.error])).toEqual([
      ['email', 'sent', undefined],
      ['sms', 'failed', 'Throttled: Rate exceeded'],
    ]);

    await t.notify(record);
    expect(t.attempts).toEqual({ email: 1, sms: 2 });
    expect(t.sms).toHaveLength(1);
    expect([...t.log.values()].map((e) => [e.channel, e.status])).toEqual([
      ['email', 'sent'],
      ['sms', 'failed'],
      ['sms', 'sent'],
    ]);
    // The retried SMS carries a fresh link (the first token was never stored in clear); both links work.
    expect(t.approvals.size).toBe(2);
    expect(t.sms[0]?.text).toContain(`tok${'2'.padStart(40, '0')}`);
  });

  it('deletes the link again when no message carrying it went out', async () => {
    const t = setup([requester, { ...approver, phone: undefined }]);
    t.script.email.push({ status: 'failed', error: 'ServiceUnavailable: try later', retryable: true });
    await expect(t.notify(approvalRecord())).rejects.toBeInstanceOf(DeliveriesIncompleteError);
    expect(t.approvals.size).toBe(0);
    expect([...t.log.values()].map((e) => e.status)).toEqual(['failed']);
  });

  it('logs a permanent failure once and does not retry it', async () => {
    const t = setup([requester, { ...approver, phone: undefined }]);
    t.script.email.push({
      status: 'failed',
      error: 'MessageRejected: Email address is not verified.',
      retryable: false,
    });
    const record = approvalRecord();
    await expect(t.notify(record)).resolves.toMatchObject({ deliveries: [{ status: 'failed' }] });
    await t.notify(record);
    expect(t.attempts.email).toBe(1);
    expect([...t.log.values()]).toEqual([
      expect.objectContaining({ status: 'failed', error: 'MessageRejected: Email address is not verified.' }),
    ]);
    expect(t.approvals.size).toBe(0);
  });

  it('skips and logs an invalid email address without making a link', async () => {
    const t = setup([requester, { ...approver, email: 'grace(at)example', phone: undefined }]);
    await t.notify(approvalRecord());
    expect(t.attempts.email).toBe(0);
    expect(t.approvals.size).toBe(0);
    expect([...t.log.values()]).toEqual([
      expect.objectContaining({
        channel: 'email',
        recipient: 'grace(at)example',
        status: 'skipped',
        error: 'The recipient email address is invalid.',
      }),
    ]);
  });

  it('skips and logs a recipient without a profile', async () => {
    const t = setup([requester]);
    await t.notify(approvalRecord());
    expect([...t.log.values()]).toEqual([
      expect.objectContaining({
        recipientId: ids.approver,
        status: 'skipped',
        error: 'The recipient has no user profile.',
      }),
    ]);
    expect(t.log.values().next().value?.recipient).toBeUndefined();
  });
});

describe('other messages', () => {
  it('tells the requester about a decision with the reason, by email and SMS', async () => {
    const t = setup();
    const record = streamRecord('MODIFY', {
      oldItem: ticketItem(),
      newItem: ticketItem({
        status: 'rejected',
        decidedBy: ids.approver,
        decisionReason: 'Use a spare.',
        version: 2,
      }),
    });
    await t.notify(record);
    expect(t.emails.map((e) => [e.to, e.subject])).toEqual([
      ['ada@example.com', 'Request #42 rejected: Cat6 cable for room 204'],
    ]);
    expect(t.emails[0]?.text).toContain('Reason: Use a spare.');
    expect(t.sms[0]?.text).toContain('was rejected. Reason: Use a spare.');
    expect(t.approvals.size).toBe(0);
  });

  it("reads the ticket for an audit event and emails the requester about an agent's status change", async () => {
    const t = setup();
    const event = ticketEventItem({ actorId: ids.agent, field: 'status', from: 'open', to: 'in_progress' });
    await t.notify(streamRecord('INSERT', { newItem: event }));
    expect(t.emails.map((e) => [e.to, e.subject])).toEqual([
      ['ada@example.com', 'Ticket #42 is now in progress: Cat6 cable for room 204'],
    ]);
    expect(t.attempts.sms).toBe(0);
  });

  it('tells nobody when the requester changed the status themself', async () => {
    const t = setup();
    const event = ticketEventItem({
      actorId: ids.requester,
      field: 'status',
      from: 'resolved',
      to: 'closed',
    });
    await expect(t.notify(streamRecord('INSERT', { newItem: event }))).resolves.toEqual({ deliveries: [] });
    expect(t.log.size).toBe(0);
  });

  it("emails the requester an agent's response with the agent's name", async () => {
    const t = setup();
    await t.notify(
      streamRecord('INSERT', { newItem: commentItem({ kind: 'response', authorId: ids.agent }) }),
    );
    expect(t.emails[0]?.text).toContain('Alan Turing replied to your ticket #42');
    expect(t.emails[0]?.text).toContain('The cable is on its way');
  });

  it("emails the assignee the requester's reply with the requester's name, logged, once per record", async () => {
    const t = setup();
    t.tickets.set(ids.ticket, { ...ticket, assigneeId: ids.agent });
    const record = streamRecord('INSERT', {
      newItem: commentItem({ kind: 'request', authorId: ids.requester, body: 'Still broken.' }),
    });
    await expect(t.notify(record)).resolves.toMatchObject({
      deliveries: [{ type: 'requester_reply', channel: 'email', recipientId: ids.agent, status: 'sent' }],
    });
    await t.notify(record);
    expect(t.emails).toHaveLength(1);
    expect(t.emails[0]?.to).toBe(agent.email);
    expect(t.emails[0]?.text).toContain('Ada Lovelace wrote on ticket #42');
    expect(t.emails[0]?.text).toContain('Still broken.');
    expect([...t.log.values()]).toMatchObject([
      { type: 'requester_reply', channel: 'email', status: 'sent', recipientId: ids.agent },
    ]);
  });

  it("sends nothing for a requester's reply on an unassigned ticket, or one the assignee wrote", async () => {
    const t = setup();
    await t.notify(
      streamRecord('INSERT', { newItem: commentItem({ kind: 'request', authorId: ids.requester }) }),
    );
    t.tickets.set(ids.ticket, { ...ticket, assigneeId: ids.requester });
    await t.notify(
      streamRecord('INSERT', { newItem: commentItem({ kind: 'request', authorId: ids.requester }) }),
    );
    expect(t.attempts).toEqual({ email: 0, sms: 0 });
    expect(t.log.size).toBe(0);
  });

  it('sends nothing for an internal note', async () => {
    const t = setup();
    await t.notify(streamRecord('INSERT', { newItem: commentItem({ kind: 'note', authorId: ids.agent }) }));
    expect(t.attempts).toEqual({ email: 0, sms: 0 });
  });

  it('sends nothing when the ticket is gone', async () => {
    const t = setup();
    t.tickets.clear();
    await t.notify(
      streamRecord('INSERT', { newItem: commentItem({ kind: 'response', authorId: ids.agent }) }),
    );
    expect(t.attempts.email).toBe(0);
  });
});

describe('failures', () => {
  it('logs and passes over a record it cannot read (a retry would read the same bytes)', async () => {
    const t = setup();
    const { title: _title, ...broken } = ticketItem();
    await expect(t.notify(streamRecord('INSERT', { newItem: broken }))).resolves.toEqual({ deliveries: [] });
  });

  it('fails the record when a read fails, so it is retried', async () => {
    const t = setup();
    t.deps.findUser = async () => {
      throw new Error('ProvisionedThroughputExceededException');
    };
    await expect(t.notify(approvalRecord())).rejects.toThrow('ProvisionedThroughputExceededException');
  });

  it('fails the record when the log cannot be written, and the retry logs without sending again', async () => {
    const t = setup([requester, { ...approver, phone: undefined }]);
    const write = t.deps.recordNotification;
    let failOnce = true;
    t.deps.recordNotification = async (entry) => {
      if (failOnce) {
        failOnce = false;
        throw new Error('InternalServerError');
      }
      await write(entry);
    };
    const record = approvalRecord();
    await expect(t.notify(record)).rejects.toBeInstanceOf(DeliveriesIncompleteError);
    await t.notify(record);
    expect(t.attempts.email).toBe(1);
    expect([...t.log.values()]).toEqual([
      expect.objectContaining({ status: 'sent', providerMessageId: 'email-1' }),
    ]);
  });

  it('fails the record while another invocation holds a delivery (Powertools in-progress lock)', async () => {
    const t = setup([requester, { ...approver, phone: undefined }]);
    let release: () => void = () => undefined;
    t.deps.channels = {
      ...t.deps.channels,
      email: emailChannel(
        () =>
          new Promise((resolve) => {
            release = () => resolve({ status: 'sent', providerMessageId: 'slow-1' });
          }),
      ),
    };
    const record = approvalRecord();
    const first = t.notify(record);
    await new Promise((resolve) => setTimeout(resolve, 10));
    await expect(t.notify(record)).rejects.toThrow(/IdempotencyAlreadyInProgressError/);
    release();
    await expect(first).resolves.toMatchObject({ deliveries: [{ status: 'sent' }] });
  });
});
