/**
 * The dashboard (issue 11): `GET /dashboard/stats` through the API as each kind of caller sees it; the counters the
 * table-maintenance consumer keeps, exact when its stream records are redelivered, retried, reordered and raced
 * (the real handler fed against DynamoDB Local); and `npm run dashboard:rebuild` repairing damaged counters.
 */
import { randomUUID } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { Context, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { countedStateKey, globalStatsKey, userStatsKey } from '#shared/dashboard/counters.entity.ts';
import { documentClient } from '#shared/platform/aws-clients.ts';
import { handler as maintainTable } from '../../functions/tickets/on-ticket-removed.ts';
import { rebuildDashboard } from '../../scripts/rebuild-dashboard.ts';
import { apiAs, eventually, logIn, newRequester, ok, type Session } from './support.ts';

type Stats = Awaited<ReturnType<typeof statsOf>>;

async function statsOf(session: Session) {
  return ok(await apiAs(session.token).GET('/dashboard/stats'), 'GET /dashboard/stats');
}

const drain = async () => {
  const response = await fetch(inject('drainUrl'), { method: 'POST' });
  expect(response.ok).toBe(true);
};

/** Polls until the caller's stats satisfy `check` (the counters follow the stream, a moment after the write). */
async function statsWhen(session: Session, what: string, check: (stats: Stats) => boolean): Promise<Stats> {
  return eventually(async () => {
    const stats = await statsOf(session);
    return check(stats) ? stats : undefined;
  }, what);
}

const tableName = () => inject('tableName');

describe('GET /dashboard/stats', () => {
  let requester: Session;
  let agent: Session;
  let admin: Session;
  const accounts = inject('demoAccounts');

  beforeAll(async () => {
    Object.assign(process.env, inject('env'));
    requester = await newRequester('Dana Dashboard');
    agent = await logIn(accounts.agent.email, accounts.agent.password);
    admin = await logIn(accounts.admin.email, accounts.admin.password);
  });

  afterAll(async () => {
    await documentClient().send(
      new DeleteCommand({ TableName: tableName(), Key: { pk: 'INVENTORY', sk: 'BALANCE#coax' } }),
    );
  });

  it('shows a requester their own counts only; every other part is null', async () => {
    const stats = await statsOf(requester);
    expect(stats.tickets).toBeNull();
    expect(stats.opticsRequests).toBeNull();
    expect(stats.lowStock).toBeNull();
    expect(stats.mine.created.total).toBe(0);
    expect(stats.mine.assigned.total).toBe(0);
    expect(stats.mine.waitingOnMe).toBe(0);
    expect(Object.values(stats.mine.opticsRequests).every((n) => n === 0)).toBe(true);
  });

  it('follows creation, assignment, status changes and an approval waiting on the approver', async () => {
    await drain();
    const agentBefore = await statsOf(agent);
    const adminBefore = await statsOf(admin);
    const client = apiAs(requester.token);
    const first = ok(
      await client.POST('/tickets', {
        body: { title: 'Monitor flickers', description: 'Since Monday', priority: 'high', type: 'problem' },
      }),
      'first ticket',
    );
    ok(
      await client.POST('/tickets', {
        body: { title: 'VPN question', description: 'How?', type: 'question' },
      }),
      'second ticket',
    );
    ok(
      await client.POST('/tickets', {
        body: { title: 'New headset', description: 'Mine broke', type: 'request', approverId: agent.userId },
      }),
      'ticket waiting on the agent',
    );

    const mine = await statsWhen(requester, 'three tickets counted', (s) => s.mine.created.total === 3);
    expect(mine.mine.created.byStatus).toMatchObject({ open: 2, pending_approval: 1 });
    const waiting = await statsWhen(
      agent,
      'the approval waiting on the agent',
      (s) => s.mine.waitingOnMe === agentBefore.mine.waitingOnMe + 1,
    );
    expect(waiting.mine.waitingOnMe).toBe(agentBefore.mine.waitingOnMe + 1);

    // The agent takes the first ticket and starts on it.
    ok(
      await apiAs(agent.token).POST('/tickets/{ticketId}/take', {
        params: { path: { ticketId: first.ticketId } },
        body: {},
      }),
      'take',
    );
    ok(
      await apiAs(agent.token).PATCH('/tickets/{ticketId}', {
        params: { path: { ticketId: first.ticketId } },
        body: { status: 'in_progress' },
      }),
      'start',
    );
    const moved = await statsWhen(
      requester,
      'the first ticket in progress',
      (s) => s.mine.created.byStatus.in_progress === 1,
    );
    expect(moved.mine.created.byStatus).toMatchObject({ open: 1, in_progress: 1, pending_approval: 1 });
    expect(moved.mine.created.total).toBe(3);
    const assigned = await statsWhen(
      agent,
      'the first ticket assigned to the agent, in progress',
      (s) => s.mine.assigned.byStatus.in_progress === agentBefore.mine.assigned.byStatus.in_progress + 1,
    );
    expect(assigned.mine.assigned.byStatus.open).toBe(agentBefore.mine.assigned.byStatus.open);
    expect(assigned.mine.assigned.total).toBe(agentBefore.mine.assigned.total + 1);

    // Staff see every ticket; the totals moved by exactly these three tickets.
    await drain();
    const adminAfter = await statsOf(admin);
    if (!adminBefore.tickets || !adminAfter.tickets) throw new Error('an admin sees the ticket totals');
    expect(adminAfter.tickets.total - adminBefore.tickets.total).toBe(3);
    const moves = (after: Record<string, number>, before: Record<string, number>): Record<string, number> =>
      Object.fromEntries(
        Object.keys(after)
          .map((key) => [key, (after[key] ?? 0) - (before[key] ?? 0)] as const)
          .filter(([, n]) => n !== 0),
      );
    expect(moves(adminAfter.tickets.byStatus, adminBefore.tickets.byStatus)).toEqual({
      open: 1,
      in_progress: 1,
      pending_approval: 1,
    });
    expect(moves(adminAfter.tickets.byType, adminBefore.tickets.byType)).toEqual({
      problem: 1,
      question: 1,
      request: 1,
    });
    expect(moves(adminAfter.tickets.byPriority, adminBefore.tickets.byPriority)).toEqual({
      high: 1,
      medium: 2,
    });
  });

  it('counts optics requests: one’s own for the requester, every one by status for admins', async () => {
    await drain();
    const adminBefore = await statsOf(admin);
    ok(
      await apiAs(requester.token).POST('/optics/requests', {
        body: { part: 'Other', description: 'A 2 m MPO trunk', quantity: 1 },
      }),
      'optics request',
    );
    const mine = await statsWhen(
      requester,
      'the optics request counted',
      (s) => s.mine.opticsRequests.pending === 1,
    );
    expect(mine.opticsRequests).toBeNull();
    await drain();
    const adminAfter = await statsOf(admin);
    expect(
      (adminAfter.opticsRequests?.byStatus.pending ?? 0) -
        (adminBefore.opticsRequests?.byStatus.pending ?? 0),
    ).toBe(1);
    // canViewAll without canManageUsers (the agent) sees the ticket totals but not the optics counts.
    const agentStats = await statsOf(agent);
    expect(agentStats.tickets).not.toBeNull();
    expect(agentStats.opticsRequests).toBeNull();
  });

  it('lists the cable types below their threshold to canViewAll, from the balances', async () => {
    await documentClient().send(
      new PutCommand({
        TableName: tableName(),
        Item: {
          pk: 'INVENTORY',
          sk: 'BALANCE#coax',
          entityType: 'inventoryBalance',
          cableType: 'coax',
          onHandMm: 3_048,
          lowStockThresholdMm: 30_480,
        },
      }),
    );
    const stats = await statsOf(agent);
    expect(stats.lowStock).toContainEqual({
      cableType: 'coax',
      onHandMm: 3_048,
      lowStockThresholdMm: 30_480,
    });
    expect((await statsOf(requester)).lowStock).toBeNull();
  });
});

describe('the table-maintenance consumer under redelivery, retries and reordering', () => {
  const context = { functionName: 'TicketRemoved', awsRequestId: 'dashboard-test' } as Context;
  let sequence = 0;

  beforeAll(() => {
    Object.assign(process.env, inject('env'));
  });

  /** A ticket's stream record as DynamoDB Streams delivers it. */
  function record(
    eventName: 'INSERT' | 'MODIFY' | 'REMOVE',
    ticket: Record<string, unknown>,
  ): DynamoDBRecord {
    sequence += 1;
    const image = marshall(
      { pk: `TICKET#${ticket.ticketId}`, sk: 'TICKET', entityType: 'ticket', ...ticket },
      { removeUndefinedValues: true },
    ) as NonNullable<NonNullable<DynamoDBRecord['dynamodb']>['NewImage']>;
    return {
      eventID: `dashboard-${sequence}`,
      eventName,
      eventSource: 'aws:dynamodb',
      dynamodb: {
        Keys: { pk: { S: `TICKET#${ticket.ticketId}` }, sk: { S: 'TICKET' } },
        SequenceNumber: String(sequence).padStart(21, '0'),
        StreamViewType: 'NEW_AND_OLD_IMAGES',
        ...(eventName === 'REMOVE' ? { OldImage: image } : { NewImage: image }),
      },
    };
  }

  const feed = async (records: DynamoDBRecord[]) => {
    const result = await maintainTable({ Records: records } as DynamoDBStreamEvent, context);
    expect(result.batchItemFailures).toEqual([]);
  };

  const countersOf = async (userId: string) => {
    const { Item } = await documentClient().send(
      new GetCommand({ TableName: tableName(), Key: userStatsKey(userId), ConsistentRead: true }),
    );
    return Object.fromEntries(
      Object.entries(Item ?? {}).filter(([name, n]) => typeof n === 'number' && n !== 0 && name !== 'shard'),
    );
  };

  /** A ticket's history: created, assigned, started, waiting for approval by two people, resolved. */
  function history(requesterId: string, assigneeId: string, approvers: [string, string]) {
    const ticketId = ulid();
    const base = { ticketId, requesterId, priority: 'high', type: 'request', title: 'Fed by the test' };
    return {
      ticketId,
      records: [
        record('INSERT', { ...base, status: 'open', version: 1 }),
        record('MODIFY', { ...base, status: 'open', assigneeId, version: 2 }),
        record('MODIFY', {
          ...base,
          status: 'pending_approval',
          assigneeId,
          approverId: approvers[0],
          approverIds: [approvers[0], approvers[1], requesterId],
          version: 3,
        }),
        record('MODIFY', {
          ...base,
          status: 'in_progress',
          assigneeId,
          approverId: approvers[0],
          version: 4,
        }),
      ],
      /** The same item after a comment: a MODIFY that does not change the version. */
      comment: record('MODIFY', {
        ...base,
        status: 'in_progress',
        assigneeId,
        approverId: approvers[0],
        commentCount: 1,
        version: 4,
      }),
      removal: record('REMOVE', {
        ...base,
        status: 'in_progress',
        assigneeId,
        approverId: approvers[0],
        version: 4,
      }),
    };
  }

  it('counts each version once whatever the order and however often a record comes, and a removal once', async () => {
    const people = () => ({
      requester: randomUUID(),
      assignee: randomUUID(),
      approvers: [randomUUID(), randomUUID()] as [string, string],
    });
    const cases = [
      { name: 'in order, then the whole batch again', order: (r: DynamoDBRecord[]) => [...r, ...r] },
      { name: 'reversed', order: (r: DynamoDBRecord[]) => [...r].reverse() },
      {
        name: 'shuffled with repeats',
        // The last record early, then the others around it twice (works for any history of 3 or more).
        order: (r: DynamoDBRecord[]) =>
          [r[2], r[0], r.at(-1), r[1], r.at(-1), r[2], r[0]] as DynamoDBRecord[],
      },
    ];
    for (const each of cases) {
      const who = people();
      const ticket = history(who.requester, who.assignee, who.approvers);
      await feed([...each.order(ticket.records), ticket.comment]);
      expect(await countersOf(who.requester), each.name).toEqual({ created_in_progress: 1 });
      expect(await countersOf(who.assignee), each.name).toEqual({ assigned_in_progress: 1 });
      expect(await countersOf(who.approvers[0]), each.name).toEqual({});
      expect(await countersOf(who.approvers[1]), each.name).toEqual({});

      // Stopped while waiting for approval: both approvers are waited on, the requester never.
      const waitingWho = people();
      const waiting = history(waitingWho.requester, waitingWho.assignee, waitingWho.approvers);
      await feed(each.order(waiting.records.slice(0, 3)));
      expect(await countersOf(waitingWho.approvers[0]), each.name).toEqual({ waitingOnMe: 1 });
      expect(await countersOf(waitingWho.approvers[1]), each.name).toEqual({ waitingOnMe: 1 });
      expect(await countersOf(waitingWho.requester), each.name).toEqual({ created_pending_approval: 1 });

      // Removed: counted out once, however often the removal and the older changes come back.
      await feed([
        ticket.removal,
        ticket.records[1] as DynamoDBRecord,
        ticket.removal,
        ticket.records[3] as DynamoDBRecord,
      ]);
      expect(await countersOf(who.requester), each.name).toEqual({});
      expect(await countersOf(who.assignee), each.name).toEqual({});
      await feed([waiting.removal]);
      expect(await countersOf(waitingWho.approvers[0]), each.name).toEqual({});
      const { Item } = await documentClient().send(
        new GetCommand({
          TableName: tableName(),
          Key: countedStateKey('TICKET', ticket.ticketId),
          ConsistentRead: true,
        }),
      );
      expect(Item).toMatchObject({ deleted: true, buckets: [], version: 4 });
      expect(Item?.expiresAt).toBeGreaterThan(Date.now() / 1000 + 24 * 3600);
    }
  });

  it('keeps the global counters exact when a removal arrives before the changes, and when deliveries race', async () => {
    await drain();
    const globalBefore = await globalSums();
    const requesterId = randomUUID();
    const assigneeId = randomUUID();
    const raced = history(requesterId, assigneeId, [randomUUID(), randomUUID()]);
    // Two deliveries of the same records at once (a retry overlapping a slow first attempt), in opposite orders.
    await Promise.all([feed(raced.records), feed([...raced.records].reverse())]);
    expect(await countersOf(requesterId)).toEqual({ created_in_progress: 1 });
    const during = await globalSums();
    expect(delta(during, globalBefore)).toEqual({
      ticketStatus_in_progress: 1,
      ticketPriority_high: 1,
      ticketType_request: 1,
    });
    // The removal of another ticket first, its changes after: never counted.
    const late = history(randomUUID(), randomUUID(), [randomUUID(), randomUUID()]);
    await feed([late.removal, ...late.records]);
    await feed([raced.removal]);
    expect(delta(await globalSums(), globalBefore)).toEqual({});
    expect(await countersOf(requesterId)).toEqual({});
  });

  it('counts a batch of 100 records in transactions of at most 100 writes, each ticket once', async () => {
    await drain();
    const globalBefore = await globalSums();
    // 100 tickets waiting on 20 approvers each: 2,200 counter items move, far more than one transaction holds.
    const tickets = Array.from({ length: 100 }, () => ({
      ticketId: ulid(),
      requesterId: randomUUID(),
      approverIds: Array.from({ length: 20 }, () => randomUUID()),
    }));
    const fields = {
      priority: 'low',
      type: 'request',
      title: 'A batch',
      status: 'pending_approval',
      version: 1,
    };
    const inserts = tickets.map((ticket) => record('INSERT', { ...ticket, ...fields }));
    await feed(inserts);
    const counted = { ticketStatus_pending_approval: 100, ticketPriority_low: 100, ticketType_request: 100 };
    expect(delta(await globalSums(), globalBefore)).toEqual(counted);
    for (const ticket of [tickets[0], tickets[57], tickets[99]]) {
      if (!ticket) throw new Error('no ticket');
      expect(await countersOf(ticket.requesterId)).toEqual({ created_pending_approval: 1 });
      expect(await countersOf(ticket.approverIds[0] as string)).toEqual({ waitingOnMe: 1 });
      expect(await countersOf(ticket.approverIds[19] as string)).toEqual({ waitingOnMe: 1 });
    }
    // The batch again (a retry) changes nothing; the removals take every count out.
    await feed(inserts);
    expect(delta(await globalSums(), globalBefore)).toEqual(counted);
    await feed(tickets.map((ticket) => record('REMOVE', { ...ticket, ...fields })));
    expect(delta(await globalSums(), globalBefore)).toEqual({});
    expect(await countersOf(tickets[42]?.approverIds[7] as string)).toEqual({});
  });
});

/** The global counters summed over their shards (read by key, consistent). */
async function globalSums(): Promise<Record<string, number>> {
  const sums: Record<string, number> = {};
  for (let shard = 0; shard < 8; shard++) {
    const { Item } = await documentClient().send(
      new GetCommand({ TableName: inject('tableName'), Key: globalStatsKey(shard), ConsistentRead: true }),
    );
    for (const [name, value] of Object.entries(Item ?? {})) {
      if (typeof value === 'number' && name !== 'shard') sums[name] = (sums[name] ?? 0) + value;
    }
  }
  return sums;
}

const delta = (after: Record<string, number>, before: Record<string, number>) =>
  Object.fromEntries(
    [...new Set([...Object.keys(after), ...Object.keys(before)])]
      .map((name) => [name, (after[name] ?? 0) - (before[name] ?? 0)] as const)
      .filter(([, n]) => n !== 0),
  );

describe('npm run dashboard:rebuild', () => {
  it('puts damaged counters right from the tickets and optics requests themselves', async () => {
    Object.assign(process.env, inject('env'));
    const requester = await newRequester('Rita Rebuild');
    const client = apiAs(requester.token);
    for (const title of ['Keyboard', 'Mouse']) {
      ok(await client.POST('/tickets', { body: { title, description: 'Broken' } }), title);
    }
    await statsWhen(requester, 'both tickets counted', (s) => s.mine.created.total === 2);
    await drain();
    const globalBefore = await globalSums();
    const mineBefore = (await statsOf(requester)).mine;

    // Damage: a person's counter, a global shard, and a counted state lost.
    const table = inject('tableName');
    await documentClient().send(
      new UpdateCommand({
        TableName: table,
        Key: userStatsKey(requester.userId),
        UpdateExpression: 'ADD created_open :n, created_closed :m',
        ExpressionAttributeValues: { ':n': 5, ':m': -2 },
      }),
    );
    await documentClient().send(
      new UpdateCommand({
        TableName: table,
        Key: globalStatsKey(3),
        UpdateExpression: 'ADD ticketStatus_open :n',
        ExpressionAttributeValues: { ':n': 7 },
      }),
    );
    expect((await statsOf(requester)).mine.created.byStatus.open).toBe(7);

    const summary = await rebuildDashboard(documentClient(), table);
    expect(summary.counted).toBeGreaterThanOrEqual(2);

    expect((await statsOf(requester)).mine).toEqual(mineBefore);
    expect(delta(await globalSums(), globalBefore)).toEqual({});
    // The counters go on from the rebuilt state: a change after the rebuild counts once.
    const admin = await logIn(inject('demoAccounts').admin.email, inject('demoAccounts').admin.password);
    const before = await statsOf(admin);
    ok(await client.POST('/tickets', { body: { title: 'Cable', description: 'Torn' } }), 'third ticket');
    await statsWhen(requester, 'the third ticket counted', (s) => s.mine.created.total === 3);
    await drain();
    expect(((await statsOf(admin)).tickets?.total ?? 0) - (before.tickets?.total ?? 0)).toBe(1);
  });
});
