import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { CountedState } from '#shared/dashboard/counters.entity.ts';
import {
  bucketDeltas,
  countedChangeOf,
  maxCountedApprovers,
  opticsBuckets,
  planCount,
  ticketBuckets,
} from '#shared/dashboard/counting.ts';
import {
  type CounterStore,
  countChanges,
  countedRefKey,
  maintainTable,
  maxTransactionWrites,
  planItem,
  transactionGroups,
  transactionWrites,
} from '#shared/dashboard/maintenance.ts';
import { lowStockOf, sumCounters } from '#shared/dashboard/operations.ts';
import { rebuildCounters } from '#shared/dashboard/rebuild.ts';
import { tableMaintenanceFilters } from '#shared/dashboard/stream.ts';
import { dashboardStatsView } from '#shared/dashboard/views.ts';
import { passesFilters } from '../../scripts/local/event-filter.ts';

const requester = 'req-1';
const agent = 'agent-1';
const ticket = { status: 'open', priority: 'medium', type: 'incident', requesterId: requester };

/** A stream record of a ticket image, as DynamoDB Streams sends it. */
function ticketRecord(
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE',
  fields: Record<string, string | number | string[] | undefined>,
  sequence = '1',
): DynamoDBRecord {
  const image = Object.fromEntries(
    Object.entries({ entityType: 'ticket', ticketId: 'T1', ...fields })
      .filter(([, value]) => value !== undefined)
      .map(([name, value]) => [
        name,
        typeof value === 'number'
          ? { N: String(value) }
          : Array.isArray(value)
            ? { L: value.map((each) => ({ S: each })) }
            : { S: value },
      ]),
  );
  return {
    eventName,
    dynamodb: {
      SequenceNumber: sequence,
      ...(eventName === 'REMOVE' ? { OldImage: image } : { NewImage: image }),
    },
  } as DynamoDBRecord;
}

/** The counters in memory: the counted states and the summed counters per owner ('' global); writes all or none. */
function memoryStore() {
  const counted = new Map<string, CountedState>();
  const counters = new Map<string, Record<string, number>>();
  const calls = { reads: 0, transactions: 0, writes: [] as number[] };
  const store: CounterStore = {
    async readCounted(refs) {
      calls.reads += 1;
      const states = new Map<string, CountedState>();
      for (const ref of refs) {
        const state = counted.get(countedRefKey(ref));
        if (state) states.set(countedRefKey(ref), state);
      }
      return states;
    },
    async writePlans(plans) {
      calls.transactions += 1;
      const writes = transactionWrites(plans);
      expect(writes.count).toBeLessThanOrEqual(maxTransactionWrites);
      calls.writes.push(writes.count);
      for (const plan of plans) {
        const current = counted.get(countedRefKey(plan));
        if ((current?.version ?? null) !== plan.expectedVersion || current?.deleted) return false;
      }
      for (const plan of plans) counted.set(countedRefKey(plan), plan.next);
      const apply = (owner: string, add: Readonly<Record<string, number>>) => {
        const values = counters.get(owner) ?? {};
        for (const [name, n] of Object.entries(add)) values[name] = (values[name] ?? 0) + n;
        counters.set(owner, values);
      };
      if (writes.global) apply('', writes.global);
      for (const [owner, add] of writes.people) apply(owner, add);
      return true;
    },
  };
  /** The non-zero counters of one owner. */
  const of = (owner: string) =>
    Object.fromEntries(Object.entries(counters.get(owner) ?? {}).filter(([, n]) => n !== 0));
  return { store, counted, of, calls };
}

const options = { shard: () => 0, nowSeconds: () => 1_000, backoffMs: () => 0 };
const quiet = { info() {}, error() {} };

describe('dashboard counting rules', () => {
  it('counts a ticket in its status, priority and type, its requester’s created and its assignee’s assigned', () => {
    expect(ticketBuckets({ ...ticket, assigneeId: agent })).toEqual([
      'G|ticketStatus_open',
      'G|ticketPriority_medium',
      'G|ticketType_incident',
      `U|${requester}|created_open`,
      `U|${agent}|assigned_open`,
    ]);
  });

  it('counts a pending approval as waiting on each approver named once, never on its requester', () => {
    const buckets = ticketBuckets({
      ...ticket,
      status: 'pending_approval',
      approverId: 'a1',
      approverIds: ['a2', 'a1', requester],
    });
    expect(buckets.filter((bucket) => bucket.endsWith('waitingOnMe'))).toEqual([
      'U|a1|waitingOnMe',
      'U|a2|waitingOnMe',
    ]);
    // Once decided, it waits on nobody.
    expect(ticketBuckets({ ...ticket, status: 'approved', approverId: 'a1' }).join()).not.toContain(
      'waiting',
    );
    const many = Array.from({ length: 60 }, (_, i) => `approver-${String(i).padStart(2, '0')}`);
    expect(
      ticketBuckets({ ...ticket, status: 'pending_approval', approverIds: many }).filter((b) =>
        b.endsWith('waitingOnMe'),
      ),
    ).toHaveLength(maxCountedApprovers);
  });

  it('counts an optics request in its status and its requester’s own', () => {
    expect(opticsBuckets({ status: 'pending', requesterId: requester })).toEqual([
      'G|opticsStatus_pending',
      `U|${requester}|optics_pending`,
    ]);
  });

  it('moves only what changed, per counter item', () => {
    const from = ticketBuckets({ ...ticket, assigneeId: agent });
    const to = ticketBuckets({ ...ticket, status: 'in_progress', assigneeId: agent });
    expect(bucketDeltas(from, to)).toEqual([
      { add: { ticketStatus_open: -1, ticketStatus_in_progress: 1 } },
      { owner: agent, add: { assigned_open: -1, assigned_in_progress: 1 } },
      { owner: requester, add: { created_open: -1, created_in_progress: 1 } },
    ]);
    expect(bucketDeltas(from, from)).toEqual([]);
  });

  it('reads the change a stream record carries, and ignores other items', () => {
    expect(countedChangeOf(ticketRecord('INSERT', { ...ticket, version: 1 }))).toEqual({
      kind: 'TICKET',
      id: 'T1',
      change: { type: 'present', version: 1, buckets: ticketBuckets(ticket) },
    });
    expect(countedChangeOf(ticketRecord('REMOVE', { ...ticket, version: 3 }))).toEqual({
      kind: 'TICKET',
      id: 'T1',
      change: { type: 'removed', version: 3 },
    });
    const comment = ticketRecord('INSERT', { ...ticket, entityType: 'comment' });
    expect(countedChangeOf(comment)).toBeUndefined();
  });

  it('plans nothing for a record that is not newer than what is counted, or after the removal', () => {
    const counted: CountedState = { version: 2, buckets: ticketBuckets(ticket) };
    expect(planCount(counted, { type: 'present', version: 2, buckets: [] }, 0)).toBeUndefined();
    expect(planCount(counted, { type: 'present', version: 1, buckets: [] }, 0)).toBeUndefined();
    const deleted: CountedState = { version: 2, buckets: [], deleted: true };
    expect(planCount(deleted, { type: 'present', version: 5, buckets: [] }, 0)).toBeUndefined();
    expect(planCount(deleted, { type: 'removed', version: 2 }, 0)).toBeUndefined();
  });

  it('takes a removal out of the counted buckets and keeps the state deleted for two days', () => {
    const counted: CountedState = { version: 2, buckets: ticketBuckets(ticket) };
    expect(planCount(counted, { type: 'removed', version: 2 }, 1_000)).toEqual({
      next: { version: 2, buckets: [], deleted: true, expiresAt: 1_000 + 48 * 3600 },
      expectedVersion: 2,
      deltas: bucketDeltas(ticketBuckets(ticket), []),
    });
  });
});

describe('dashboard counts under redelivery and reordering (in memory)', () => {
  const history = [
    ticketRecord('INSERT', { ...ticket, version: 1 }, '1'),
    ticketRecord('MODIFY', { ...ticket, version: 2, assigneeId: agent }, '2'),
    ticketRecord('MODIFY', { ...ticket, version: 3, assigneeId: agent, status: 'in_progress' }, '3'),
    ticketRecord('MODIFY', { ...ticket, version: 4, assigneeId: agent, status: 'resolved' }, '4'),
  ];
  const final = {
    global: { ticketStatus_resolved: 1, ticketPriority_medium: 1, ticketType_incident: 1 },
    requester: { created_resolved: 1 },
    agent: { assigned_resolved: 1 },
  };

  it('ends at the last version’s counts whatever the order, however often each record comes', async () => {
    const orders = [
      history,
      [...history].reverse(),
      [...history, ...history],
      [history[2], history[0], history[3], history[1], history[0], history[3]],
    ];
    for (const records of orders) {
      const { store, of } = memoryStore();
      const result = await maintainTable(
        records as DynamoDBRecord[],
        { ...options, counters: store, cleanUpTicket: async () => ({}) },
        quiet,
      );
      expect(result.batchItemFailures).toEqual([]);
      expect(of('')).toEqual(final.global);
      expect(of(requester)).toEqual(final.requester);
      expect(of(agent)).toEqual(final.agent);
    }
  });

  it('counts a removed ticket out once, and a change arriving after the removal does not bring it back', async () => {
    const removal = ticketRecord('REMOVE', { ...ticket, version: 4, status: 'resolved' }, '5');
    const { store, of } = memoryStore();
    let cleanups = 0;
    const ports = {
      ...options,
      counters: store,
      cleanUpTicket: async () => {
        cleanups += 1;
        return {};
      },
    };
    await maintainTable(
      [history[0], history[1], removal, history[3], removal] as DynamoDBRecord[],
      ports,
      quiet,
    );
    expect(of('')).toEqual({});
    expect(of(requester)).toEqual({});
    expect(of(agent)).toEqual({});
    expect(cleanups).toBe(2); // the cleanup is idempotent: a redelivered removal runs it again
  });

  it('reads again after a lost race, and fails the batch after too many', async () => {
    const { store } = memoryStore();
    let refusals = 2;
    const racing: CounterStore = {
      readCounted: store.readCounted,
      async writePlans(...args) {
        if (refusals-- > 0) return false;
        return store.writePlans(...args);
      },
    };
    const change = countedChangeOf(history[0] as DynamoDBRecord);
    if (!change) throw new Error('no change');
    expect(await countChanges([change], racing, options)).toEqual({
      counted: 1,
      unchanged: 0,
      transactions: 3,
    });
    expect(await countChanges([change], racing, options)).toEqual({
      counted: 0,
      unchanged: 1,
      transactions: 0,
    });
    const losing: CounterStore = { readCounted: async () => new Map(), writePlans: async () => false };
    const failed = await maintainTable(
      [history[0], history[1]] as DynamoDBRecord[],
      { ...options, counters: losing, cleanUpTicket: async () => ({}) },
      quiet,
    );
    // The whole batch is retried from its first record (counting is idempotent).
    expect(failed.batchItemFailures).toEqual([{ itemIdentifier: '1' }]);
  });

  it('counts a batch with one read and folds each item’s records into one write', async () => {
    const { store, of, calls, counted } = memoryStore();
    const records = history.map((record, i) =>
      ticketRecord(
        record.eventName as 'INSERT' | 'MODIFY',
        { ...(i === 0 ? ticket : { ...ticket, assigneeId: agent }), version: i + 1 },
        String(i + 1),
      ),
    );
    const other = ticketRecord('INSERT', { ...ticket, ticketId: 'T2', version: 1 }, '9');
    const result = await maintainTable(
      [...records, other],
      { ...options, counters: store, cleanUpTicket: async () => ({}) },
      quiet,
    );
    expect(result.batchItemFailures).toEqual([]);
    expect(calls).toMatchObject({ reads: 1, transactions: 1 });
    expect(counted.get('TICKET#T1')?.version).toBe(4);
    expect(of('')).toEqual({ ticketStatus_open: 2, ticketPriority_medium: 2, ticketType_incident: 2 });
    expect(of(requester)).toEqual({ created_open: 2 });
    expect(of(agent)).toEqual({ assigned_open: 1 });
  });

  it('ends at the same counts whether records come one per batch or all in one', async () => {
    const tickets = Array.from({ length: 30 }, (_, i) => `T${i}`);
    const records = tickets.flatMap((ticketId, i) => [
      ticketRecord('INSERT', { ...ticket, ticketId, requesterId: `r${i % 7}`, version: 1 }, `${i}1`),
      ticketRecord(
        'MODIFY',
        {
          ...ticket,
          ticketId,
          requesterId: `r${i % 7}`,
          assigneeId: `a${i % 3}`,
          status: 'in_progress',
          version: 2,
        },
        `${i}2`,
      ),
      ...(i % 5 === 0 ? [ticketRecord('REMOVE', { ...ticket, ticketId, version: 2 }, `${i}3`)] : []),
    ]);
    const ports = (store: CounterStore) => ({ ...options, counters: store, cleanUpTicket: async () => ({}) });
    const single = memoryStore();
    for (const record of records) await maintainTable([record], ports(single.store), quiet);
    const batched = memoryStore();
    await maintainTable(records, ports(batched.store), quiet);
    for (const owner of ['', 'r0', 'r3', 'r6', 'a0', 'a1', 'a2'])
      expect(batched.of(owner)).toEqual(single.of(owner));
    expect(batched.of('')).toMatchObject({ ticketStatus_in_progress: 24 });
    expect(batched.calls.reads).toBe(1);
  });

  it('splits a batch into transactions of at most 100 writes', () => {
    const now = 1_000;
    const plans = Array.from({ length: 100 }, (_, i) =>
      planItem(
        { kind: 'TICKET', id: `T${i}` },
        undefined,
        [{ type: 'present', version: 1, buckets: ticketBuckets({ ...ticket, requesterId: `r${i}` }) }],
        now,
      ),
    ).flatMap((plan) => plan ?? []);
    const groups = transactionGroups(plans);
    expect(groups.flat()).toEqual(plans);
    for (const group of groups)
      expect(transactionWrites(group).count).toBeLessThanOrEqual(maxTransactionWrites);
    // 100 puts + 100 people + the global shard do not fit one; packed, they need 3 at most.
    expect(groups.length).toBeGreaterThan(1);
    expect(groups.length).toBeLessThanOrEqual(3);
    // The global deltas are summed into one write.
    expect(transactionWrites(plans).global).toEqual({
      ticketStatus_open: 100,
      ticketPriority_medium: 100,
      ticketType_incident: 100,
    });
  });

  it('retries only the items of a transaction that lost its race', async () => {
    const { store, of } = memoryStore();
    let refused = false;
    const read: number[] = [];
    const racing: CounterStore = {
      async readCounted(refs) {
        read.push(refs.length);
        return store.readCounted(refs);
      },
      async writePlans(plans, shard) {
        // The second transaction of the first attempt loses once.
        if (!refused && plans.some((plan) => plan.id === 'T99')) {
          refused = true;
          return false;
        }
        return store.writePlans(plans, shard);
      },
    };
    const changes = Array.from({ length: 100 }, (_, i) =>
      countedChangeOf(
        ticketRecord('INSERT', { ...ticket, ticketId: `T${i}`, requesterId: `r${i}`, version: 1 }),
      ),
    ).flatMap((change) => change ?? []);
    const outcome = await countChanges(changes, racing, options);
    expect(outcome.counted).toBe(100);
    expect(read[0]).toBe(100);
    expect(read[1]).toBeGreaterThan(0);
    expect(read[1]).toBeLessThan(100);
    expect(of('')).toEqual({ ticketStatus_open: 100, ticketPriority_medium: 100, ticketType_incident: 100 });
  });

  it('reports the removal whose cleanup failed, after counting the whole batch', async () => {
    const { store, of } = memoryStore();
    const removal = ticketRecord('REMOVE', { ...ticket, version: 1 }, '7');
    const result = await maintainTable(
      [
        history[0],
        removal,
        ticketRecord('INSERT', { ...ticket, ticketId: 'T2', version: 1 }, '8'),
      ] as DynamoDBRecord[],
      {
        ...options,
        counters: store,
        cleanUpTicket: async () => {
          throw new Error('throttled');
        },
      },
      quiet,
    );
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: '7' }]);
    expect(of('')).toEqual({ ticketStatus_open: 1, ticketPriority_medium: 1, ticketType_incident: 1 });
  });
});

describe('dashboard rebuild and view (pure)', () => {
  it('rebuilds the counters the stream would hold from the items themselves', () => {
    const rebuilt = rebuildCounters([
      { entityType: 'ticket', ticketId: 'T1', ...ticket, assigneeId: agent, version: 3 },
      {
        entityType: 'ticket',
        ticketId: 'T2',
        ...ticket,
        status: 'pending_approval',
        approverIds: new Set([agent, requester]),
        version: 1,
      },
      {
        entityType: 'opticsRequest',
        requestId: 'O1',
        status: 'approved',
        requesterId: requester,
        version: 2,
      },
      { entityType: 'comment', ticketId: 'T1' },
      { entityType: 'statsShard', ticketStatus_open: 99 },
    ]);
    expect(rebuilt.global).toEqual({
      ticketStatus_open: 1,
      ticketStatus_pending_approval: 1,
      ticketPriority_medium: 2,
      ticketType_incident: 2,
      opticsStatus_approved: 1,
    });
    expect(Object.fromEntries(rebuilt.people)).toEqual({
      [requester]: { created_open: 1, created_pending_approval: 1, optics_approved: 1 },
      [agent]: { assigned_open: 1, waitingOnMe: 1 },
    });
    expect(rebuilt.counted.map(({ kind, id, state }) => [kind, id, state.version])).toEqual([
      ['TICKET', 'T1', 3],
      ['TICKET', 'T2', 1],
      ['OPTICS', 'O1', 2],
    ]);
  });

  it('sums the shards, lists low stock below its threshold only, and shows every value of each vocabulary', () => {
    const totals = sumCounters([
      { pk: 'STATS#GLOBAL', sk: 'SHARD#0', shard: 0, ticketStatus_open: 3, ticketPriority_high: 1 },
      { pk: 'STATS#GLOBAL', sk: 'SHARD#5', shard: 5, ticketStatus_open: -1, opticsStatus_pending: 2 },
    ]);
    expect(totals).toEqual({ ticketStatus_open: 2, ticketPriority_high: 1, opticsStatus_pending: 2 });
    expect(
      lowStockOf([
        { cableType: 'Cat6', onHandMm: 100, lowStockThresholdMm: 200 },
        { cableType: 'Cat5e', onHandMm: 200, lowStockThresholdMm: 200 },
        { cableType: 'coax', onHandMm: 0 },
      ]),
    ).toEqual([{ cableType: 'Cat6', onHandMm: 100, lowStockThresholdMm: 200 }]);
    const view = dashboardStatsView({ mine: { created_open: 2, assigned_closed: -1 }, tickets: totals });
    expect(view.mine.created).toMatchObject({ total: 2, byStatus: { open: 2, closed: 0 } });
    expect(view.mine.assigned.total).toBe(0); // a damaged negative count shows as 0
    expect(view.tickets?.byStatus.open).toBe(2);
    expect(view.tickets?.byPriority).toEqual({ low: 0, medium: 0, high: 1, urgent: 0 });
    expect(view.opticsRequests).toBeNull();
    expect(view.lowStock).toBeNull();
  });
});

describe('the table-maintenance consumer’s event filters', () => {
  it('pass every change and removal of tickets and optics requests, and nothing else', () => {
    const pass = (record: DynamoDBRecord) => passesFilters(tableMaintenanceFilters, record);
    expect(pass(ticketRecord('INSERT', { ...ticket, version: 1 }))).toBe(true);
    expect(pass(ticketRecord('MODIFY', { ...ticket, version: 2 }))).toBe(true);
    expect(pass(ticketRecord('REMOVE', { ...ticket, version: 2 }))).toBe(true);
    expect(pass(ticketRecord('MODIFY', { entityType: 'opticsRequest', status: 'approved' }))).toBe(true);
    expect(pass(ticketRecord('REMOVE', { entityType: 'opticsRequest', status: 'approved' }))).toBe(true);
    expect(pass(ticketRecord('INSERT', { entityType: 'comment' }))).toBe(false);
    expect(pass(ticketRecord('MODIFY', { entityType: 'statsShard' }))).toBe(false);
    expect(pass(ticketRecord('INSERT', { entityType: 'countedState' }))).toBe(false);
  });
});
