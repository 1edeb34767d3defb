/**
 * Quotas on paid sends (`shared/notifications/quotas.ts`, checked by `sender.ts`): the window math, the limits from
 * the environment, and the sender with an in-memory counter of the table's semantics (`countQuotaInTable`: at most
 * `limit` distinct count keys per window; the same key again is within the quota, uncounted).
 */
import type { Context } from 'aws-lambda';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerInvocation } from '#shared/notifications/idempotency.ts';
import type { TicketSummary } from '#shared/notifications/intents.ts';
import { plannedIntentsOf } from '#shared/notifications/planner.ts';
import {
  counterRetentionSeconds,
  type QuotaCounter,
  type QuotaUse,
  quotaLimit,
  quotaWindow,
} from '#shared/notifications/quotas.ts';
import { createSender, type RecipientProfile } from '#shared/notifications/sender.ts';
import { logger } from '#shared/platform/logger.ts';
import { ids, memoryDependencies, streamRecord, streamRecordTime, ticketItem } from './notify-fixtures.ts';

beforeAll(() => {
  logger.setLogLevel('SILENT');
  registerInvocation({ getRemainingTimeInMillis: () => 60_000 } as Context);
});
afterEach(() => {
  vi.unstubAllEnvs();
});

describe('quota windows', () => {
  it('puts a time in the fixed hour that holds it: start inclusive, end exclusive', () => {
    expect(quotaWindow('2026-12-01T09:00:00.000Z', 3600)).toEqual({
      start: Date.parse('2026-12-01T09:00:00Z') / 1000,
      end: Date.parse('2026-12-01T10:00:00Z') / 1000,
      id: '2026-12-01T09:00:00.000Z',
      expiresAt: Date.parse('2026-12-01T10:00:00Z') / 1000 + counterRetentionSeconds,
    });
    expect(quotaWindow('2026-12-01T09:59:59.999Z', 3600).id).toBe('2026-12-01T09:00:00.000Z');
    expect(quotaWindow('2026-12-01T10:00:00.000Z', 3600).id).toBe('2026-12-01T10:00:00.000Z');
    expect(quotaWindow(new Date('2026-12-01T09:30:00.000Z'), 3600).id).toBe('2026-12-01T09:00:00.000Z');
  });

  it('uses UTC days for day windows, and keeps counters 18 days after the window', () => {
    const day = quotaWindow('2026-12-01T23:59:59.000Z', 86_400);
    expect(day.id).toBe('2026-12-01T00:00:00.000Z');
    expect(day.end - day.start).toBe(86_400);
    expect(quotaWindow('2026-12-02T00:00:00.000Z', 86_400).id).toBe('2026-12-02T00:00:00.000Z');
    expect(counterRetentionSeconds).toBe(18 * 86_400);
    expect(day.expiresAt).toBe(day.end + 18 * 86_400);
  });

  it('puts an unreadable time in the window of the epoch', () => {
    expect(quotaWindow('not a time', 3600).start).toBe(0);
  });
});

describe('quota limits', () => {
  it('reads positive integers from the environment and falls back to the documented defaults', () => {
    expect(quotaLimit('approvalRequestsPerRequesterPerHour', {})).toBe(10);
    expect(quotaLimit('smsPerRecipientPerDay', {})).toBe(50);
    expect(
      quotaLimit('approvalRequestsPerRequesterPerHour', {
        QUOTA_APPROVAL_REQUESTS_PER_REQUESTER_PER_HOUR: '3',
      }),
    ).toBe(3);
    expect(quotaLimit('smsPerRecipientPerDay', { QUOTA_SMS_PER_RECIPIENT_PER_DAY: '7' })).toBe(7);
    for (const bad of ['0', '-1', '2.5', 'many', ''])
      expect(quotaLimit('smsPerRecipientPerDay', { QUOTA_SMS_PER_RECIPIENT_PER_DAY: bad })).toBe(50);
  });
});

/** A counter with the table's rules, in memory; `uses` lists every call. */
function memoryCounter() {
  const windows = new Map<string, Set<string>>();
  const uses: QuotaUse[] = [];
  const count: QuotaCounter = async (use) => {
    uses.push(use);
    const id = `${use.quota}#${use.subjectId}#${use.window.id}`;
    const counted = windows.get(id) ?? new Set<string>();
    windows.set(id, counted);
    if (counted.has(use.countKey)) return true;
    if (counted.size >= use.limit) return false;
    counted.add(use.countKey);
    return true;
  };
  return { count, windows, uses };
}

const approver: RecipientProfile = {
  userId: ids.approver,
  name: 'Grace Hopper',
  email: 'grace@example.com',
  phone: '+15555550102',
  smsOptIn: true,
};
const requester: RecipientProfile = {
  userId: ids.requester,
  name: 'Ada Lovelace',
  email: 'ada@example.com',
  phone: '+15555550101',
  smsOptIn: true,
};
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
const firstReceive = { receiveCount: 1, finalAttempt: false, nextAttemptAt: '2026-11-27T12:05:00.000Z' };

function setup() {
  const memory = memoryDependencies({ users: [requester, approver], tickets: [pending] });
  const counter = memoryCounter();
  const send = createSender({ ...memory.deps, countQuota: counter.count });
  return { ...memory, counter, send };
}

/** The one intent of an approval request's stream record (`eventID`, at `streamRecordTime + offset`). */
const approvalRequest = (eventID: string, offsetSeconds = 0) => {
  const [planned] = plannedIntentsOf(
    streamRecord('INSERT', {
      newItem: ticketItem(),
      eventID,
      approximateCreationDateTime: streamRecordTime + offsetSeconds,
    }),
  );
  if (!planned) throw new Error('no intent');
  return planned;
};

describe('approval requests per requester per hour', () => {
  it('sends N requests and skips the next one on every channel, with the reason, without a link or a retry', async () => {
    vi.stubEnv('QUOTA_APPROVAL_REQUESTS_PER_REQUESTER_PER_HOUR', '2');
    const t = setup();
    for (const id of ['request-1', 'request-2']) {
      const report = await t.send(approvalRequest(id), firstReceive);
      expect(report.deliveries.map((d) => [d.channel, d.status])).toEqual([
        ['email', 'sent'],
        ['sms', 'sent'],
      ]);
    }
    const third = await t.send(approvalRequest('request-3'), firstReceive);
    expect(third.deliveries.map((d) => [d.channel, d.status])).toEqual([
      ['email', 'skipped'],
      ['sms', 'skipped'],
    ]);
    expect(third.retry).toEqual([]);
    expect(t.emails).toHaveLength(2);
    expect(t.sms).toHaveLength(2);
    // No link was made for the skipped request (two links, one per sent request).
    expect(t.approvals.size).toBe(2);
    const skipped = [...t.log.values()].filter((row) => row.status === 'skipped');
    expect(skipped.map((row) => [row.channel, row.error])).toEqual([
      ['email', 'quota: 2 approval requests per requester per hour'],
      ['sms', 'quota: 2 approval requests per requester per hour'],
    ]);
    // The mail and the SMS of one request count once: two keys in the requester's window.
    const window = [...t.counter.windows.entries()].find(([id]) => id.startsWith('approvalRequests'));
    expect(window?.[0]).toContain(ids.requester);
    expect(window?.[1].size).toBe(2);
  });

  it('counts a request planned in the next hour in a fresh window', async () => {
    vi.stubEnv('QUOTA_APPROVAL_REQUESTS_PER_REQUESTER_PER_HOUR', '1');
    const t = setup();
    await t.send(approvalRequest('hour-1'), firstReceive);
    await t.send(approvalRequest('hour-1b', 60), firstReceive);
    await t.send(approvalRequest('hour-2', 3600), firstReceive);
    expect(t.emails).toHaveLength(2);
    expect([...t.log.values()].filter((row) => row.status === 'skipped')).toHaveLength(2);
  });

  it('does not count a message twice: a replayed copy and a retry after a transient failure', async () => {
    vi.stubEnv('QUOTA_APPROVAL_REQUESTS_PER_REQUESTER_PER_HOUR', '1');
    const t = setup();
    // The mail fails transiently after the request was counted; the retry and a later copy send it.
    t.script.email.push({ status: 'failed', error: 'Throttling: slow down', retryable: true });
    const first = await t.send(approvalRequest('counted-once'), firstReceive);
    expect(first.retry).toHaveLength(1);
    const retried = await t.send(approvalRequest('counted-once'), { ...firstReceive, receiveCount: 2 });
    expect(retried.deliveries.map((d) => d.status)).toEqual(['sent', 'sent']);
    const copy = await t.send(approvalRequest('counted-once'), firstReceive);
    expect(copy.deliveries.map((d) => d.status)).toEqual(['sent', 'sent']);
    expect(t.emails).toHaveLength(1);
    // One key in the window; the limit of one still holds for another request.
    expect([...t.counter.windows.values()].map((keys) => keys.size)).toContain(1);
    const other = await t.send(approvalRequest('another'), firstReceive);
    expect(other.deliveries.map((d) => d.status)).toEqual(['skipped', 'skipped']);
  });
});

describe('SMS per recipient per day', () => {
  it('sends the mails but skips the SMS over the limit, with the reason', async () => {
    vi.stubEnv('QUOTA_SMS_PER_RECIPIENT_PER_DAY', '1');
    const t = setup();
    const decision = (eventID: string, offsetSeconds: number) =>
      plannedIntentsOf(
        streamRecord('MODIFY', {
          eventID,
          approximateCreationDateTime: streamRecordTime + offsetSeconds,
          oldItem: ticketItem(),
          newItem: ticketItem({ status: 'approved', decidedBy: ids.approver, version: 2 }),
        }),
      );
    for (const planned of decision('decided-1', 0)) await t.send(planned, firstReceive);
    for (const planned of decision('decided-2', 3600)) await t.send(planned, firstReceive);
    expect(t.emails.map((mail) => mail.to)).toEqual(['ada@example.com', 'ada@example.com']);
    expect(t.sms).toHaveLength(1);
    expect(
      [...t.log.values()].filter((row) => row.status === 'skipped').map((row) => [row.channel, row.error]),
    ).toEqual([['sms', 'quota: 1 SMS per recipient per day']]);
    // Only SMS are counted, under the recipient.
    expect(t.counter.uses.every((use) => use.quota === 'smsPerRecipientPerDay')).toBe(true);
    expect(t.counter.uses.every((use) => use.subjectId === ids.requester)).toBe(true);
  });

  it('counts nothing without a counter (no quota configured in the dependencies)', async () => {
    vi.stubEnv('QUOTA_APPROVAL_REQUESTS_PER_REQUESTER_PER_HOUR', '1');
    const memory = memoryDependencies({ users: [requester, approver], tickets: [pending] });
    const send = createSender(memory.deps);
    await send(approvalRequest('free-1'), firstReceive);
    await send(approvalRequest('free-2'), firstReceive);
    expect(memory.emails).toHaveLength(2);
  });
});
