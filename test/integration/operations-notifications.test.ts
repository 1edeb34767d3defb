/**
 * The operations notifications through the API on the local stack (`docs/notifications.md`): a new optics request
 * mails the configured alert list, else every admin; a decision mails the requester; a redelivered stream record
 * sends nothing twice; an inventory balance that crosses below its threshold mails the inventory team once per
 * crossing; each send is a row of the notification log (failed ones listed and retried through the API); and the
 * direct messages' digest is logged like any other send.
 */
import { randomUUID } from 'node:crypto';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { inventoryBalanceEntity } from '#shared/inventory/stream-rules.ts';
import type { NotificationItem } from '#shared/notifications/notification.entity.ts';
import { type OpticsRequestItem, opticsRequestKey } from '#shared/optics/optics.entity.ts';
import { getItem, putItem, queryPage, updateItem } from '#shared/platform/db.ts';
import { lambdaContext } from '../../scripts/local/lambda-runtime.ts';
import { streamRecord } from '../unit/notify-fixtures.ts';
import { apiAs, eventually, logIn, mailsTo, newRequester, ok, type Session } from './support.ts';

const accounts = inject('demoAccounts');

async function local(path: string, body: unknown): Promise<void> {
  const response = await fetch(`${inject('apiUrl')}/_local/${path}`, {
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

/** The sender's optics alert list (`OPTICS_ALERT_EMAILS`), set while no delivery runs. */
async function alertList(emails: string | undefined): Promise<void> {
  await drain();
  await local('deliveries/optics-alerts', emails === undefined ? {} : { emails });
}

/** The log rows in a partition (an optics request's, `INVENTORY`, a user's), read from the stack's table. */
async function rowsIn(pk: string): Promise<NotificationItem[]> {
  const { items } = await queryPage<NotificationItem>({
    partition: { pk },
    beginsWith: ['sk', 'NOTIFICATION#'],
    limit: 200,
    consistent: true,
  });
  return items;
}

const mailsAbout = async (address: string, text: string) =>
  (await mailsTo(address)).filter((mail) => `${mail.subject}\n${mail.body.text}`.includes(text));

const unique = () => randomUUID().slice(0, 8);

describe('operations notifications', () => {
  let admin: Session;
  let requester: Session;

  beforeAll(async () => {
    // This worker reads and writes the stack's table directly (log rows, balances) and runs the notifier.
    Object.assign(process.env, inject('env'));
    [admin, requester] = await Promise.all([
      logIn(accounts.admin.email, accounts.admin.password),
      newRequester('Otto Operations'),
    ]);
  });

  afterEach(async () => {
    await local('faults/ses', { mode: 'up' });
  });

  afterAll(async () => {
    await alertList(undefined);
  });

  /** An optics request for `Other`, its description unique to find its mails by. */
  async function opticsRequest(label: string) {
    const description = `${label} ${unique()}`;
    const made = ok(
      await apiAs(requester.token).POST('/optics/requests', {
        body: { part: 'Other', description, quantity: 3 },
      }),
      'optics request',
    );
    return { ...made, description };
  }

  it('mails a new optics request to the configured list, logged once per address, never twice for a redelivered record', async () => {
    const list = [`optics-${unique()}@example.com`, `buyer-${unique()}@example.com`];
    await alertList(list.join(','));
    const request = await opticsRequest('Alert list');
    await drain();
    for (const address of list) {
      const [mail, ...more] = await eventually(async () => {
        const mails = await mailsAbout(address, request.description);
        return mails.length > 0 ? mails : undefined;
      }, `the alert to ${address}`);
      expect(more).toEqual([]);
      expect(mail?.subject).toMatch(/^New optics request: 3 × Other/);
      expect(mail?.body.text).toContain(`Request: ${request.requestId}`);
    }
    // Not every admin: the list replaces them.
    expect(await mailsAbout(accounts.admin.email, request.description)).toEqual([]);
    const rows = await rowsIn(opticsRequestKey(request.requestId).pk);
    expect(
      rows.map((row) => [row.recipientId, row.recipient, row.type, row.status, row.channel]).sort(),
    ).toEqual(list.map((address) => [address, address, 'optics_requested', 'sent', 'email']).sort());
    expect(rows.every((row) => row.ticketId === undefined && row.about?.id === request.requestId)).toBe(true);

    // The request's record delivered to the notifier twice (streams are at-least-once): one more mail each, not two.
    const item = await getItem<OpticsRequestItem & Record<string, unknown>>(
      opticsRequestKey(request.requestId),
    );
    const event: DynamoDBStreamEvent = {
      Records: [streamRecord('INSERT', { eventID: randomUUID(), newItem: item as Record<string, unknown> })],
    };
    const { handler } = await import('../../functions/notifications/on-table-change.ts');
    const context = () => lambdaContext('notifier', 60_000);
    expect(await handler(event, context())).toEqual({ batchItemFailures: [] });
    expect(await handler(event, context())).toEqual({ batchItemFailures: [] });
    await drain();
    for (const address of list) {
      await eventually(
        async () => ((await mailsAbout(address, request.description)).length === 2 ? true : undefined),
        `the redelivered alert to ${address}`,
      );
    }
    await drain();
    for (const address of list) expect(await mailsAbout(address, request.description)).toHaveLength(2);
    expect(await rowsIn(opticsRequestKey(request.requestId).pk)).toHaveLength(4);
  }, 120_000);

  it('mails every admin when no list is configured', async () => {
    await alertList('');
    const request = await opticsRequest('Every admin');
    const [mail] = await eventually(async () => {
      const mails = await mailsAbout(accounts.admin.email, request.description);
      return mails.length > 0 ? mails : undefined;
    }, 'the alert to the demo admin');
    expect(mail?.subject).toMatch(/^New optics request/);
    await drain();
    const rows = await rowsIn(opticsRequestKey(request.requestId).pk);
    expect(rows.map((row) => row.recipientId)).toContain(admin.userId);
    expect(rows.map((row) => row.recipientId)).not.toContain(requester.userId);
    expect(rows.every((row) => row.type === 'optics_requested')).toBe(true);
  }, 120_000);

  it('mails the requester the decision (approved; denied with the reason), not an archive', async () => {
    await alertList(`quiet-${unique()}@example.com`);
    const change = (requestId: string, body: Record<string, unknown>) =>
      apiAs(admin.token).PATCH('/optics/requests/{requestId}/status', {
        params: { path: { requestId } },
        body: body as never,
      });
    const approved = await opticsRequest('To approve');
    const denied = await opticsRequest('To deny');
    ok(await change(approved.requestId, { action: 'approve' }), 'approve');
    ok(await change(denied.requestId, { action: 'deny', reason: 'No budget this quarter' }), 'deny');
    const decisionFor = (description: string, status: string) =>
      eventually(
        async () =>
          (await mailsAbout(requester.email, description)).find((mail) =>
            mail.subject.startsWith(`Optics request ${status}`),
          ),
        `the ${status} mail`,
      );
    expect((await decisionFor(approved.description, 'approved')).body.text).toContain('was approved.');
    const denial = await decisionFor(denied.description, 'denied');
    expect(denial.body.text).toContain('Reason: No budget this quarter');

    ok(await change(approved.requestId, { action: 'archive' }), 'archive');
    await drain();
    expect(await mailsAbout(requester.email, approved.description)).toHaveLength(1);
    const rows = await rowsIn(opticsRequestKey(denied.requestId).pk);
    expect(rows.find((row) => row.type === 'optics_decided')).toMatchObject({
      recipientId: requester.userId,
      recipient: requester.email,
      status: 'sent',
    });
  }, 120_000);

  it('lists a failed optics alert among the failed rows and retries it to the same address', async () => {
    const address = `refused-${unique()}@example.com`;
    await alertList(address);
    await local('faults/ses', {
      mode: 'reject',
      code: 'MessageRejected',
      message: 'Refused here',
      match: address,
    });
    const request = await opticsRequest('Refused');
    const failed = await eventually(
      async () =>
        (await rowsIn(opticsRequestKey(request.requestId).pk)).find((row) => row.status === 'failed'),
      'the failed row',
    );
    const listed = ok(
      await apiAs(admin.token).GET('/notifications', { params: { query: { status: 'failed', limit: 100 } } }),
      'failed rows',
    );
    expect(listed.items.find((row) => row.notificationId === failed.notificationId)).toMatchObject({
      ticketId: null,
      about: { kind: 'opticsRequest', id: request.requestId },
      type: 'optics_requested',
      recipientId: address,
    });
    await local('faults/ses', { mode: 'up' });
    const retried = ok(
      await apiAs(admin.token).POST('/notifications/{notificationId}/retry', {
        params: { path: { notificationId: failed.notificationId } },
        body: {},
      }),
      'retry',
    );
    expect(retried).toMatchObject({
      ticketId: null,
      about: { kind: 'opticsRequest', id: request.requestId },
    });
    const [mail] = await eventually(async () => {
      const mails = await mailsAbout(address, request.description);
      return mails.length > 0 ? mails : undefined;
    }, 'the retried alert');
    expect(mail?.subject).toMatch(/^New optics request/);
    await drain();
    const rows = await rowsIn(opticsRequestKey(request.requestId).pk);
    expect(rows.find((row) => row.notificationId === retried.notificationId)).toMatchObject({
      status: 'sent',
      retryOf: failed.notificationId,
      recipientId: address,
    });
  }, 120_000);

  it('counts the alerts of one requester against their hourly quota: over it, the alert is logged skipped', async () => {
    const address = `counted-${unique()}@example.com`;
    await alertList(address);
    const counted = await newRequester('Quentin Quota');
    await local('deliveries/quotas', {
      approvalRequestsPerRequesterPerHour: 1000,
      smsPerRecipientPerDay: 1000,
      opticsAlertsPerRequesterPerHour: 1,
    });
    try {
      const ask = async (label: string) => {
        const description = `${label} ${unique()}`;
        const made = ok(
          await apiAs(counted.token).POST('/optics/requests', {
            body: { part: 'Other', description, quantity: 1 },
          }),
          label,
        );
        return { ...made, description };
      };
      const first = await ask('Within the quota');
      const second = await ask('Over the quota');
      await eventually(
        async () => ((await mailsAbout(address, first.description)).length === 1 ? true : undefined),
        'the first alert',
      );
      const skipped = await eventually(
        async () =>
          (await rowsIn(opticsRequestKey(second.requestId).pk)).find((row) => row.status === 'skipped'),
        'the skipped alert',
      );
      expect(skipped.error).toBe('quota: 1 optics request alerts per requester per hour');
      expect(await mailsAbout(address, second.description)).toEqual([]);
    } finally {
      await drain();
      await local('deliveries/quotas', {});
    }
  }, 120_000);

  it('mails the inventory team once per crossing below the low-stock threshold', async () => {
    const role = 'inventory';
    const made = await apiAs(admin.token).POST('/roles', {
      body: { name: role, permissions: { canViewAll: true } },
    });
    expect([201, 409]).toContain(made.response.status);
    const email = `stock-${unique()}@example.com`;
    const member = ok(
      await apiAs(admin.token).POST('/users', { body: { email, name: 'Stella Stock', role } }),
      'inventory member',
    );
    const cableType = `test-cable-${unique()}`;
    // A balance item as the inventory feature writes it, under a key of its own: the feature's reads never see it,
    // and the rule reads only the stream images.
    const key = { pk: 'TEST#INVENTORY', sk: `BALANCE#${cableType}` };
    const setStock = async (onHandMm: number) => {
      await updateItem(key, { set: { onHandMm } });
      await drain();
    };
    const alerts = async () => (await mailsTo(email)).filter((mail) => mail.subject.includes(cableType));

    await putItem({
      ...key,
      entityType: inventoryBalanceEntity,
      cableType,
      onHandMm: 60_960,
      lowStockThresholdMm: 30_480,
    });
    await drain();
    await setStock(27_432); // crosses below 100 ft
    const [first] = await eventually(
      async () => ((await alerts()).length === 1 ? alerts() : undefined),
      'the low-stock alert',
    );
    expect(first?.subject).toBe(`Low stock: ${cableType} (90 ft (27.43 m) left)`);
    expect(first?.body.text).toContain('below its low-stock threshold of 100 ft (30.48 m)');

    await setStock(20_000); // a second drop below: no alert
    await setStock(30_480); // back at the threshold
    await setStock(3048); // a new crossing
    await eventually(async () => ((await alerts()).length === 2 ? true : undefined), 'the second alert');
    await drain();
    expect(await alerts()).toHaveLength(2);

    const rows = (await rowsIn('INVENTORY')).filter((row) => row.about?.id === cableType);
    expect(
      rows.filter((row) => row.recipientId === member.userId).map((row) => [row.type, row.status]),
    ).toEqual([
      ['low_stock', 'sent'],
      ['low_stock', 'sent'],
    ]);
  }, 180_000);

  it('logs the direct messages digest as a row of the notification log', async () => {
    const reader = await newRequester('Dora Digest');
    ok(
      await apiAs(admin.token).POST('/conversations/{userId}/messages', {
        params: { path: { userId: reader.userId } },
        body: { body: 'Please read me later' },
      }),
      'message',
    );
    const [mail] = await eventually(
      async () => {
        const mails = (await mailsTo(reader.email)).filter((m) => m.subject.startsWith('Unread messages'));
        return mails.length > 0 ? mails : undefined;
      },
      'the digest',
      60_000,
    );
    expect(mail?.subject).toBe('Unread messages: 1');
    await drain();
    const rows = await rowsIn(`USER#${reader.userId}`);
    expect(rows).toEqual([
      expect.objectContaining({
        type: 'message_digest',
        status: 'sent',
        channel: 'email',
        recipientId: reader.userId,
        recipient: reader.email,
        about: { kind: 'user', id: reader.userId },
        attempts: 1,
      }),
    ]);
    expect(rows[0]?.providerMessageId).toBeTruthy();
  }, 120_000);
});
