/**
 * The notification log's retry rules without AWS: a failed row keeps the message a retry sends again, a retry
 * message sends only its channel and links its row to the first attempt, and only a failed row that was not retried
 * yet may be retried (`shared/notifications/log.ts`, `shared/notifications/sender.ts`).
 */
import type { Context } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerInvocation } from '#shared/notifications/idempotency.ts';
import type { NotificationIntent, TicketSummary } from '#shared/notifications/intents.ts';
import { retryRefusal } from '#shared/notifications/log.ts';
import type { NotificationItem } from '#shared/notifications/notification.entity.ts';
import { notificationIndexKeys, notificationRecord } from '#shared/notifications/notification.entity.ts';
import { plannedIntentsOf } from '#shared/notifications/planner.ts';
import { createSender, type PlannedIntent, type RecipientProfile } from '#shared/notifications/sender.ts';
import { logger } from '#shared/platform/logger.ts';
import { ids, memoryDependencies, streamRecord, ticketItem } from './notify-fixtures.ts';

beforeAll(() => {
  logger.setLogLevel('SILENT');
  registerInvocation({ getRemainingTimeInMillis: () => 60_000 } as Context);
});

const approver: RecipientProfile = {
  userId: ids.approver,
  name: 'Grace Hopper',
  email: 'grace@example.com',
  phone: '+15555550102',
  smsOptIn: true,
};
const requester: RecipientProfile = { userId: ids.requester, name: 'Ada', email: 'ada@example.com' };
const pending: TicketSummary = {
  ticketId: ids.ticket,
  number: 42,
  title: 'Cat6 cable for room 204',
  description: 'We need a 5 m Cat6 cable.',
  priority: 'high',
  status: 'pending_approval',
  requesterId: ids.requester,
  approverId: ids.approver,
};
const first = { receiveCount: 1, finalAttempt: false, nextAttemptAt: '2026-11-27T12:05:00.000Z' };

function approvalRequest(): PlannedIntent {
  const [planned] = plannedIntentsOf(
    streamRecord('INSERT', { newItem: ticketItem(), eventID: 'event-log-1' }),
  );
  return planned as PlannedIntent;
}

describe('failed rows keep their message', () => {
  it('stores the intent on a failed row only', async () => {
    const memory = memoryDependencies({ users: [requester, approver], tickets: [pending] });
    memory.script.email.push({ status: 'failed', error: 'MessageRejected: no', retryable: false });
    await createSender(memory.deps)(approvalRequest(), first);
    const rows = [...memory.log.values()];
    const failed = rows.find((row) => row.channel === 'email') as NotificationItem;
    const sent = rows.find((row) => row.channel === 'sms') as NotificationItem;
    expect(failed.status).toBe('failed');
    const intent = JSON.parse(failed.intent as string) as NotificationIntent;
    expect(intent).toMatchObject({
      type: 'approval_requested',
      ticketId: ids.ticket,
      recipient: { userId: ids.approver },
    });
    // The SMS row (sent, or skipped when the number is not one to text) keeps no message.
    expect(sent.status).not.toBe('failed');
    expect(sent.intent).toBeUndefined();
  });
});

describe('a retry message', () => {
  it('sends only its channel, under a delivery key of its own (a new row, newest in the log)', async () => {
    const memory = memoryDependencies({ users: [requester, approver], tickets: [pending] });
    const original = approvalRequest();
    const retry: PlannedIntent = {
      eventId: 'retry#01JDQ9C4D5E6F7G8H9J0K1M2N3',
      plannedAt: '2026-12-01T09:00:00.000Z',
      intent: { ...original.intent, ticket: undefined, recipient: { userId: ids.approver } },
      retryOf: '01JDQ9C4D5E6F7G8H9J0K1M2N3',
      channel: 'email',
    };
    const report = await createSender(memory.deps)(retry, first);
    expect(report.deliveries.map((delivery) => [delivery.channel, delivery.status])).toEqual([
      ['email', 'sent'],
    ]);
    expect(memory.sms).toHaveLength(0);
    expect(memory.emails).toHaveLength(1);
    const rows = [...memory.log.values()];
    expect(rows).toEqual([
      expect.objectContaining({
        channel: 'email',
        status: 'sent',
        sourceEventId: retry.eventId,
      }),
    ]);
    // Its row sorts by the retry's time: newest first in the log.
    expect((rows[0] as NotificationItem).notificationId > '01JDQ9C4D5E6F7G8H9J0K1M2N3').toBe(true);
  });
});

describe('which rows may be retried', () => {
  const row = (fields: Partial<NotificationItem>): NotificationItem => ({
    ticketId: ids.ticket,
    notificationId: '01JDQ9C4D5E6F7G8H9J0K1M2N3',
    recipientId: ids.approver,
    channel: 'email',
    type: 'approval_requested',
    status: 'failed',
    at: '2026-12-01T09:00:00.000Z',
    intent: '{"type":"approval_requested"}',
    ...fields,
  });

  it('a failed row with its message, once', () => {
    expect(retryRefusal(row({}))).toBeUndefined();
    expect(retryRefusal(row({ retriedAs: '01JDQ9F1G2H3J4K5M6N7P8Q9R0' }))).toMatch(/retried already/);
    expect(retryRefusal(row({ intent: undefined }))).toMatch(/without its message/);
  });

  it.each(['sent', 'skipped', 'retrying'] as const)('never a %s row', (status) => {
    expect(retryRefusal(row({ status }))).toMatch(`this one is ${status}`);
  });

  it('keeps each row in the index of its status, under its id', () => {
    expect(notificationRecord(row({ status: 'failed' }))).toMatchObject({
      gsi12pk: 'NOTIFICATIONS#failed',
      gsi12sk: '01JDQ9C4D5E6F7G8H9J0K1M2N3',
    });
    expect(notificationIndexKeys('X', 'sent')).toEqual({ gsi12pk: 'NOTIFICATIONS#sent', gsi12sk: 'X' });
  });
});
