/**
 * The operations notifications and the logged digest (`docs/notifications.md`): the optics and low-stock stream
 * rules (planning, the crossing rule), who the sender tells (groups, plain addresses, the actor left out), their
 * log rows in the partition of what they are about, never twice, retried on a transient failure; and the direct
 * messages' digest delivered and logged like any email.
 */
import { describe, expect, it } from 'vitest';
import { formatLength } from '#shared/inventory/cable.ts';
import { inventoryBalanceEntity, isLowStockImage } from '#shared/inventory/stream-rules.ts';
import { digestEmail, digestSkipReason } from '#shared/messages/digest.ts';
import { readDeliveryMessage } from '#shared/notifications/delivery-queue.ts';
import {
  type NotificationIntent,
  type OperationsIntent,
  UnreadableRecordError,
} from '#shared/notifications/intents.ts';
import { notificationPartition, notificationRecord } from '#shared/notifications/notification.entity.ts';
import { deliveryKey, streamFilterPatterns } from '#shared/notifications/plan.ts';
import { plannedIntentsOf } from '#shared/notifications/planner.ts';
import { groupMembers } from '#shared/notifications/recipient-groups.ts';
import {
  createSender,
  type DeliveryAttempt,
  type DigestMailbox,
  deliveryNotificationId,
  type PlannedIntent,
  type RecipientProfile,
} from '#shared/notifications/sender.ts';
import { type OpticsRequestItem, opticsRequestRecord } from '#shared/optics/optics.entity.ts';
import { passesFilters } from '../../scripts/local/event-filter.ts';
import { memoryDependencies, streamRecord } from './notify-fixtures.ts';

const requestId = '01JD40A0000000000000000001';
const people = {
  requester: 'b0000000-0000-4000-8000-000000000001',
  admin: 'b0000000-0000-4000-8000-000000000002',
  otherAdmin: 'b0000000-0000-4000-8000-000000000003',
  stock: 'b0000000-0000-4000-8000-000000000004',
} as const;

function opticsItem(overrides: Partial<OpticsRequestItem> = {}) {
  return opticsRequestRecord({
    requestId,
    requesterId: people.requester,
    part: 'SFP+ 10G SR 850 nm (MMF)',
    quantity: 4,
    neededBy: '2026-12-20',
    notes: 'For the <core> switch in rack 3',
    status: 'pending',
    version: 1,
    createdAt: '2026-12-01T10:00:00.000Z',
    updatedAt: '2026-12-01T10:00:00.000Z',
    ...overrides,
  });
}

function balanceItem(onHandMm: number, lowStockThresholdMm?: number) {
  return {
    pk: 'INVENTORY',
    sk: 'BALANCE#Cat6',
    entityType: inventoryBalanceEntity,
    cableType: 'Cat6',
    onHandMm,
    ...(lowStockThresholdMm === undefined ? {} : { lowStockThresholdMm }),
  };
}

const intentsOf = (record: ReturnType<typeof streamRecord>) =>
  plannedIntentsOf(record).map((planned) => planned.intent);

describe('optics request notifications', () => {
  it('alerts the optics admins (a group the sender resolves) of a new request, not its requester', () => {
    const [alert, ...more] = intentsOf(
      streamRecord('INSERT', { newItem: opticsItem() }),
    ) as OperationsIntent[];
    expect(more).toEqual([]);
    expect(alert).toMatchObject({
      type: 'optics_requested',
      about: { kind: 'opticsRequest', id: requestId },
      recipient: { group: 'opticsAlerts' },
      actorId: people.requester,
    });
    expect(alert?.email.subject).toBe('New optics request: 4 × SFP+ 10G SR 850 nm (MMF)');
    expect(alert?.email.text).toContain('Needed by: 2026-12-20');
    expect(alert?.email.html).toContain('For the &#60;core&#62; switch');
    expect(alert?.email.html).not.toContain('<core>');
  });

  it('tells the requester of an approval, and of a denial with its reason', () => {
    const pending = opticsItem();
    const approved = intentsOf(
      streamRecord('MODIFY', {
        oldItem: pending,
        newItem: opticsItem({ status: 'approved', decidedBy: people.admin, version: 2 }),
      }),
    ) as OperationsIntent[];
    expect(approved).toHaveLength(1);
    expect(approved[0]).toMatchObject({
      type: 'optics_decided',
      recipient: { userId: people.requester },
      actorId: people.admin,
    });
    expect(approved[0]?.email.subject).toBe('Optics request approved: 4 × SFP+ 10G SR 850 nm (MMF)');

    const [denied] = intentsOf(
      streamRecord('MODIFY', {
        oldItem: pending,
        newItem: opticsItem({
          status: 'denied',
          decidedBy: people.admin,
          decisionReason: 'Use\u202e the spares in room 12',
        }),
      }),
    ) as OperationsIntent[];
    expect(denied?.email.text).toContain('was denied.');
    expect(denied?.email.text).toContain('Reason: Use the spares in room 12');
  });

  it('tells nobody of an archive, of a request inserted already decided, or of a decision by its requester', () => {
    expect(
      intentsOf(
        streamRecord('MODIFY', { oldItem: opticsItem(), newItem: opticsItem({ status: 'archived' }) }),
      ),
    ).toEqual([]);
    expect(
      intentsOf(
        streamRecord('MODIFY', {
          oldItem: opticsItem({ status: 'approved' }),
          newItem: opticsItem({ status: 'archived' }),
        }),
      ),
    ).toEqual([]);
    expect(intentsOf(streamRecord('INSERT', { newItem: opticsItem({ status: 'approved' }) }))).toEqual([]);
    expect(
      intentsOf(
        streamRecord('MODIFY', {
          oldItem: opticsItem(),
          newItem: opticsItem({ status: 'approved', decidedBy: people.requester }),
        }),
      ),
    ).toEqual([]);
  });

  it('a request image without its fields is a poison record', () => {
    const { part: _, ...broken } = opticsItem();
    expect(() => intentsOf(streamRecord('INSERT', { newItem: broken }))).toThrow(UnreadableRecordError);
  });
});

describe('low stock: the crossing rule', () => {
  const threshold = 30_480; // 100 ft
  const change = (
    before: number | undefined,
    after: number,
    thresholds: [number?, number?] = [threshold, threshold],
  ) =>
    intentsOf(
      before === undefined
        ? streamRecord('INSERT', { newItem: balanceItem(after, thresholds[1]) })
        : streamRecord('MODIFY', {
            oldItem: balanceItem(before, thresholds[0]),
            newItem: balanceItem(after, thresholds[1]),
          }),
    );

  it('alerts the inventory team once when the stock falls below its threshold', () => {
    const [alert, ...more] = change(40_000, 27_432) as OperationsIntent[];
    expect(more).toEqual([]);
    expect(alert).toMatchObject({
      type: 'low_stock',
      about: { kind: 'inventoryBalance', id: 'Cat6' },
      recipient: { group: 'inventoryTeam' },
    });
    expect(alert?.email.subject).toBe(`Low stock: Cat6 (${formatLength(27_432)} left)`);
    expect(alert?.email.text).toContain(`below its low-stock threshold of ${formatLength(threshold)}`);
    expect(formatLength(27_432)).toBe('90 ft (27.43 m)');
  });

  it('stays quiet while the stock stays low, and alerts again after it rose to the threshold and fell', () => {
    expect(change(27_432, 20_000)).toEqual([]); // a second drop below
    expect(change(20_000, threshold)).toEqual([]); // back at the threshold: not low
    expect(change(threshold, threshold - 1)).toHaveLength(1); // a new crossing
    expect(change(50_000, 60_000)).toEqual([]);
  });

  it('a new balance below its threshold alerts; no threshold (or 0) never does; raising it above the stock does', () => {
    expect(change(undefined, 1000)).toHaveLength(1);
    expect(change(undefined, 1000, [undefined, undefined])).toEqual([]);
    expect(change(undefined, 1000, [undefined, 0])).toEqual([]);
    expect(change(50_000, 50_000, [threshold, 60_000])).toHaveLength(1);
    expect(isLowStockImage(undefined)).toBe(false);
  });

  it('a balance without cable type or stock is a poison record', () => {
    const { onHandMm: _, ...broken } = balanceItem(1000, threshold);
    expect(() => intentsOf(streamRecord('MODIFY', { oldItem: broken, newItem: broken }))).toThrow(
      UnreadableRecordError,
    );
  });

  it("the notifier's stream filter lets optics requests and balances through", () => {
    expect(passesFilters(streamFilterPatterns, streamRecord('INSERT', { newItem: opticsItem() }))).toBe(true);
    expect(
      passesFilters(
        streamFilterPatterns,
        streamRecord('MODIFY', { oldItem: balanceItem(1, 2), newItem: balanceItem(0, 2) }),
      ),
    ).toBe(true);
  });
});

const plannedAt = '2026-12-01T10:00:00.000Z';
const receive = (receiveCount: number, finalAttempt = false): DeliveryAttempt => ({
  receiveCount,
  finalAttempt,
  nextAttemptAt: '2026-12-01T10:01:00.000Z',
});
const profile = (userId: string, email: string): RecipientProfile => ({ userId, email, smsOptIn: false });

function operationsSetup(members: OperationsIntent['recipient'][] = []) {
  const memory = memoryDependencies({
    users: [
      profile(people.requester, 'requester@example.com'),
      profile(people.admin, 'admin@example.com'),
      profile(people.otherAdmin, 'other-admin@example.com'),
      profile(people.stock, 'stock@example.com'),
    ],
  });
  const send = createSender({
    ...memory.deps,
    groupMembers: async () => members as Array<{ userId: string } | { address: string }>,
  });
  return { ...memory, send };
}

const alertIntent = (): PlannedIntent => ({
  eventId: 'event-optics-1',
  plannedAt,
  intent: intentsOf(streamRecord('INSERT', { newItem: opticsItem() }))[0] as NotificationIntent,
});

describe('the sender: operations messages', () => {
  it('mails each member of the group once, leaves the actor out, and logs rows in the request partition', async () => {
    const t = operationsSetup([
      { userId: people.admin },
      { userId: people.otherAdmin },
      { userId: people.admin },
      { userId: people.requester },
    ]);
    const report = await t.send(alertIntent(), receive(1));
    expect(report.retry).toEqual([]);
    expect(t.emails.map((email) => email.to).sort()).toEqual([
      'admin@example.com',
      'other-admin@example.com',
    ]);
    const rows = [...t.log.values()];
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row).toMatchObject({
        about: { kind: 'opticsRequest', id: requestId },
        type: 'optics_requested',
        channel: 'email',
        status: 'sent',
        sourceEventId: 'event-optics-1',
      });
      expect(row.ticketId).toBeUndefined();
      expect(notificationRecord(row).pk).toBe(`OPTICS#${requestId}`);
    }
    // A redelivered copy sends nothing again.
    await t.send(alertIntent(), receive(1));
    expect(t.emails).toHaveLength(2);
  });

  it('mails plain addresses (the configured list) with the address as the recipient id', async () => {
    const t = operationsSetup([{ address: 'optics@example.com' }, { address: 'buyer@example.com' }]);
    await t.send(alertIntent(), receive(1));
    expect(t.emails.map((email) => email.to).sort()).toEqual(['buyer@example.com', 'optics@example.com']);
    const key = deliveryKey('event-optics-1', 'email', 'optics@example.com', 'optics_requested');
    expect(t.log.get(deliveryNotificationId(key, plannedAt))).toMatchObject({
      recipientId: 'optics@example.com',
      recipient: 'optics@example.com',
      status: 'sent',
    });
  });

  it('retries a transient failure through the queue; a permanent one is failed with the one recipient to retry', async () => {
    const t = operationsSetup([{ userId: people.admin }, { address: 'optics@example.com' }]);
    t.script.email.push(
      { status: 'failed', error: 'Throttling: slow down', retryable: true },
      { status: 'failed', error: 'MessageRejected: no', retryable: false },
    );
    const first = await t.send(alertIntent(), receive(1));
    expect(first.retry).toHaveLength(1);
    const adminRow = deliveryNotificationId(
      deliveryKey('event-optics-1', 'email', people.admin, 'optics_requested'),
      plannedAt,
    );
    const listRow = deliveryNotificationId(
      deliveryKey('event-optics-1', 'email', 'optics@example.com', 'optics_requested'),
      plannedAt,
    );
    expect(t.log.get(adminRow)).toMatchObject({ status: 'retrying', error: 'Throttling: slow down' });
    expect(t.log.get(listRow)).toMatchObject({ status: 'failed' });
    expect(JSON.parse(t.log.get(listRow)?.intent ?? '{}').recipient).toEqual({
      address: 'optics@example.com',
    });

    const second = await t.send(alertIntent(), receive(2));
    expect(second.retry).toEqual([]);
    expect(t.log.get(adminRow)).toMatchObject({ status: 'sent', attempts: 2 });
    expect(t.emails.map((email) => email.to)).toEqual(['admin@example.com']);
  });

  it('counts one alert per request against the requester quota, whatever the group; over it, every row is skipped', async () => {
    const counted = new Map<string, Set<string>>();
    const memory = operationsSetup();
    const send = createSender({
      ...memory.deps,
      groupMembers: async () => [{ userId: people.admin }, { address: 'optics@example.com' }],
      countQuota: async (use) => {
        const keys = counted.get(`${use.quota}#${use.subjectId}#${use.window.id}`) ?? new Set<string>();
        counted.set(`${use.quota}#${use.subjectId}#${use.window.id}`, keys);
        if (keys.has(use.countKey)) return true;
        if (keys.size >= use.limit) return false;
        keys.add(use.countKey);
        return true;
      },
    });
    const before = process.env.QUOTA_OPTICS_ALERTS_PER_REQUESTER_PER_HOUR;
    process.env.QUOTA_OPTICS_ALERTS_PER_REQUESTER_PER_HOUR = '2';
    try {
      for (const n of [1, 2, 3]) await send({ ...alertIntent(), eventId: `event-optics-q${n}` }, receive(1));
    } finally {
      if (before === undefined) delete process.env.QUOTA_OPTICS_ALERTS_PER_REQUESTER_PER_HOUR;
      else process.env.QUOTA_OPTICS_ALERTS_PER_REQUESTER_PER_HOUR = before;
    }
    expect(memory.emails).toHaveLength(4);
    expect([...counted.values()].map((keys) => keys.size)).toEqual([2]);
    const third = [...memory.log.values()].filter((row) => row.sourceEventId === 'event-optics-q3');
    expect(third.map((row) => [row.status, row.error])).toEqual([
      ['skipped', 'quota: 2 optics request alerts per requester per hour'],
      ['skipped', 'quota: 2 optics request alerts per requester per hour'],
    ]);
  });

  it('the decision goes to the requester at their profile address', async () => {
    const t = operationsSetup();
    const [decided] = intentsOf(
      streamRecord('MODIFY', {
        oldItem: opticsItem(),
        newItem: opticsItem({ status: 'approved', decidedBy: people.admin }),
      }),
    );
    await t.send({ eventId: 'event-optics-2', plannedAt, intent: decided as NotificationIntent }, receive(1));
    expect(t.emails).toEqual([expect.objectContaining({ to: 'requester@example.com' })]);
    expect(t.emails[0]?.subject).toContain('approved');
  });

  it('the optics alert list, when set, is the group; the inventory team is read from the table otherwise', async () => {
    const before = process.env.OPTICS_ALERT_EMAILS;
    process.env.OPTICS_ALERT_EMAILS = ' Optics@Example.com, buyer@example.com ,';
    try {
      expect(await groupMembers('opticsAlerts')).toEqual([
        { address: 'optics@example.com' },
        { address: 'buyer@example.com' },
      ]);
    } finally {
      if (before === undefined) delete process.env.OPTICS_ALERT_EMAILS;
      else process.env.OPTICS_ALERT_EMAILS = before;
    }
  });

  it('log rows of messages about no ticket live in their subject’s partition; queue bodies are read back', () => {
    expect(notificationPartition({ ticketId: 'T1' })).toBe('TICKET#T1');
    expect(notificationPartition({ about: { kind: 'opticsRequest', id: 'R1' } })).toBe('OPTICS#R1');
    expect(notificationPartition({ about: { kind: 'inventoryBalance', id: 'Cat6' } })).toBe('INVENTORY');
    expect(notificationPartition({ about: { kind: 'user', id: 'U1' } })).toBe('USER#U1');
    const message = { kind: 'intent', ...alertIntent() };
    expect(readDeliveryMessage(JSON.stringify(message))).toEqual(message);
    const { about: _, ...withoutAbout } = message.intent as OperationsIntent;
    expect(readDeliveryMessage(JSON.stringify({ ...message, intent: withoutAbout }))).toEqual({
      problem: 'The body is not a delivery message: intent.about',
    });
  });
});

describe('the sender: the direct messages digest, logged', () => {
  const since = '2026-12-01T09:55:00.000Z';
  const digest = (overrides: Partial<PlannedIntent> = {}): PlannedIntent => ({
    eventId: 'event-mailbox-1',
    plannedAt,
    intent: { type: 'message_digest', recipient: { userId: people.requester }, since },
    ...overrides,
  });

  function digestSetup(mailbox: DigestMailbox | undefined) {
    const memory = memoryDependencies({ users: [profile(people.requester, 'requester@example.com')] });
    const state = { mailbox, releases: [] as Array<[string, number | undefined]> };
    const send = createSender({
      ...memory.deps,
      digest: {
        read: async () => state.mailbox,
        release: async (_userId, at, mailed) => {
          state.releases.push([at, mailed]);
          if (state.mailbox?.unmailedSince === at) state.mailbox = { unread: state.mailbox.unread };
        },
        skipReason: digestSkipReason,
        email: digestEmail,
      },
    });
    const rowId = deliveryNotificationId(
      deliveryKey('event-mailbox-1', 'email', people.requester, 'message_digest'),
      plannedAt,
    );
    return { ...memory, send, state, row: () => memory.log.get(rowId) };
  }

  it('mails the due digest once, logs it in the user partition, then releases the marker', async () => {
    const t = digestSetup({ unread: 3, unmailedSince: since });
    expect((await t.send(digest(), receive(1))).retry).toEqual([]);
    expect(t.emails).toEqual([
      expect.objectContaining({ to: 'requester@example.com', subject: 'Unread messages: 3' }),
    ]);
    expect(t.row()).toMatchObject({
      status: 'sent',
      type: 'message_digest',
      about: { kind: 'user', id: people.requester },
    });
    expect(notificationRecord(t.row() as never).pk).toBe(`USER#${people.requester}`);
    expect(t.state.releases).toEqual([[since, 3]]);
    // A copy: the marker is gone, nothing is sent and no row changes.
    await t.send(digest(), receive(1));
    expect(t.emails).toHaveLength(1);
  });

  it('sends nothing and writes no row for a stale digest (read meanwhile, or a later marker)', async () => {
    const t = digestSetup({ unread: 1, unmailedSince: '2026-12-01T09:58:00.000Z' });
    expect(await t.send(digest(), receive(1))).toEqual({ deliveries: [], retry: [] });
    expect(t.log.size).toBe(0);
  });

  it('retries a transient SES failure without releasing the marker; the next receive sends', async () => {
    const t = digestSetup({ unread: 2, unmailedSince: since });
    t.script.email.push({ status: 'failed', error: 'ServiceUnavailable: down', retryable: true });
    expect((await t.send(digest(), receive(1))).retry).toHaveLength(1);
    expect(t.row()).toMatchObject({ status: 'retrying' });
    expect(t.state.releases).toEqual([]);
    expect((await t.send(digest(), receive(2))).retry).toEqual([]);
    expect(t.row()).toMatchObject({ status: 'sent', attempts: 2 });
    expect(t.emails).toHaveLength(1);
  });

  it('logs a skip (message emails off) and releases the marker; a retry of a failed digest ignores the marker', async () => {
    const t = digestSetup({ unread: 2, unmailedSince: since });
    t.users.set(people.requester, {
      ...profile(people.requester, 'requester@example.com'),
      messageEmails: false,
    });
    await t.send(digest(), receive(1));
    expect(t.row()).toMatchObject({ status: 'skipped', error: 'The recipient turned message emails off.' });
    expect(t.state.releases).toEqual([[since, undefined]]);

    const retry = digestSetup({ unread: 4 });
    await retry.send(
      digest({ eventId: 'retry#01JD40B0000000000000000001', retryOf: '01JD40B0000000000000000001' }),
      receive(1),
    );
    expect(retry.emails).toEqual([expect.objectContaining({ subject: 'Unread messages: 4' })]);
    expect(retry.state.releases).toEqual([]);
  });
});
