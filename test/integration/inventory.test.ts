/**
 * The inventory ledger through the API on the local stack (issue 11 "Inventory ledger"; PRODUCT "Operations"):
 * receipts add stock, a fulfilled cable request takes it out in the ticket's own transaction and never below zero
 * (also under concurrent fulfilments), undoing a fulfilment puts it back, adjustments need a reason, and every
 * change is a movement of the ledger. Other files may have moved stock before (the contract fuzz does), so each
 * test reads the on-hand it starts from, or first brings its cable type to a known amount.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { maxLengthMm } from '#shared/inventory/cable.ts';
import type { Schema } from '../../client/index.ts';
import { api, apiAs, demoPassword, logIn, newRequester, ok, type Session } from './support.ts';

const accounts = inject('demoAccounts');

type CableType = Schema<'InventoryOnHand'>['cableType'];
type Movement = Schema<'InventoryMovement'>;

/** The members of the inventory role (`INVENTORY_ROLE`, `inventory` by default) may write the stock. */
const inventoryRole = 'inventory';

describe('inventory', () => {
  let admin: Session;
  let agent: Session;
  let requester: Session;
  let team: Session;

  /** A user of `role` created by the admin and signed in (temporary password replaced). */
  async function userWithRole(role: string): Promise<Session> {
    const email = `${role}-${randomUUID().slice(0, 8)}@example.com`;
    const created = ok(
      await apiAs(admin.token).POST('/users', { body: { email, name: `A ${role} member`, role } }),
      `create user of role ${role}`,
    );
    const challenge = await api.POST('/auth/login', { body: { email, password: created.temporaryPassword } });
    const session = (challenge.error as { session?: string } | undefined)?.session;
    if (typeof session !== 'string') throw new Error(`no challenge: ${challenge.response.status}`);
    const tokens = ok(
      await api.POST('/auth/password', { body: { session, newPassword: demoPassword } }),
      'first sign-in',
    );
    return { userId: created.userId, email, token: tokens.accessToken, refreshToken: tokens.refreshToken };
  }

  beforeAll(async () => {
    [admin, agent, requester] = await Promise.all([
      logIn(accounts.admin.email, accounts.admin.password),
      logIn(accounts.agent.email, accounts.agent.password),
      newRequester('Rita Reel'),
    ]);
    // The inventory team's role: no permission flag of its own, so only its name lets its members write.
    const role = await apiAs(admin.token).POST('/roles', {
      body: { name: inventoryRole, description: 'The inventory team', permissions: {} },
    });
    expect([201, 409]).toContain(role.response.status);
    team = await userWithRole(inventoryRole);
  });

  /** On hand of one type, as `GET /inventory/on-hand` shows it. */
  async function onHandOf(cableType: CableType, session = admin) {
    const list = ok(await apiAs(session.token).GET('/inventory/on-hand'), 'on-hand');
    const row = list.items.find((item) => item.cableType === cableType);
    if (!row) throw new Error(`${cableType} not listed`);
    return row;
  }

  /** The newest movements of one type. */
  async function movementsOf(cableType: CableType, limit = 25): Promise<Movement[]> {
    return ok(
      await apiAs(admin.token).GET('/inventory/movements', { params: { query: { cableType, limit } } }),
      'movements',
    ).items;
  }

  const receive = (
    session: Session,
    cableType: CableType,
    value: number,
    unit: 'ft' | 'm',
    quantity = 1,
    receivedAt = new Date().toISOString().slice(0, 10),
  ) =>
    apiAs(session.token).POST('/inventory/receipts', {
      body: {
        cableType,
        length: { value, unit },
        quantity,
        supplier: 'Acme Cable Co.',
        reference: `DN-${randomUUID().slice(0, 8)}`,
        receivedAt,
      },
    });

  const adjust = (session: Session, body: Record<string, unknown>) =>
    apiAs(session.token).POST('/inventory/adjustments', { body: body as never });

  /**
   * Brings a type's stock to exactly `mm`, by adjustments of the difference: several when it exceeds what one
   * adjustment may move (100 km; earlier files, the contract fuzz among them, may have received a lot).
   */
  async function setStock(cableType: CableType, mm: number): Promise<void> {
    for (let round = 0; round < 50; round += 1) {
      const { onHandMm } = await onHandOf(cableType);
      if (onHandMm === mm) return;
      const difference = mm - onHandMm;
      const step = Math.min(Math.abs(difference), maxLengthMm);
      ok(
        await adjust(admin, {
          cableType,
          delta: { value: step / 1000, unit: 'm', direction: difference > 0 ? 'add' : 'remove' },
          reason: 'Test set-up: a known amount',
        }),
        'set stock',
      );
    }
    throw new Error(`set stock: ${cableType} did not reach ${mm} mm`);
  }

  /** A cable request of the requester, approved by the agent and in progress: ready to be fulfilled. */
  async function approvedRequest(cableType: CableType, value: number, unit: 'ft' | 'm', quantity = 1) {
    const created = ok(
      await apiAs(requester.token).POST('/tickets', {
        body: {
          title: `${value} ${unit} of ${cableType}`,
          description: 'For the new desks',
          type: 'request',
          priority: 'medium',
          approverId: agent.userId,
          requestDetails: { cableType, length: { value, unit }, quantity },
        },
      }),
      'cable request',
    );
    expect(created.status).toBe('pending_approval');
    let version = created.version;
    for (const status of ['approved', 'in_progress'] as const) {
      const moved = ok(await changeStatus(created.ticketId, status, version), `${status}`);
      version = moved.version;
    }
    return { ticketId: created.ticketId, version };
  }

  const changeStatus = (
    ticketId: string,
    status: 'approved' | 'in_progress' | 'fulfilled',
    version: number,
    session = agent,
  ) =>
    apiAs(session.token).PATCH('/tickets/{ticketId}', {
      params: { path: { ticketId }, header: { 'if-match': `"${ticketId}.${version}"` } },
      body: { status },
    });

  it('receives exactly 500 ft of Cat6: on-hand and the ledger show it', async () => {
    const before = await onHandOf('Cat6');
    const made = await receive(admin, 'Cat6', 500, 'ft');
    expect(made.response.status).toBe(201);
    const receipt = ok(made, 'receipt');
    expect(receipt).toMatchObject({ cableType: 'Cat6', lengthMm: 152_400, quantity: 1, totalMm: 152_400 });

    const after = await onHandOf('Cat6');
    expect(after.onHandMm - before.onHandMm).toBe(152_400);
    expect(after.onHandFt).toBeCloseTo(before.onHandFt + 500, 2);

    const [newest] = await movementsOf('Cat6', 1);
    expect(newest).toMatchObject({
      kind: 'receipt',
      cableType: 'Cat6',
      deltaMm: 152_400,
      balanceAfterMm: after.onHandMm,
      receiptId: receipt.receiptId,
      movementId: receipt.movementId,
      actorId: admin.userId,
      ticketId: null,
    });

    const receipts = ok(
      await apiAs(agent.token).GET('/inventory/receipts', { params: { query: { limit: 5 } } }),
      'receipts',
    );
    expect(receipts.items[0]?.receiptId).toBe(receipt.receiptId);

    // Paged, newest recorded first: the next page starts after the first.
    ok(await receive(admin, 'Cat6', 1, 'm'), 'a second receipt');
    const first = ok(
      await apiAs(agent.token).GET('/inventory/receipts', { params: { query: { limit: 1 } } }),
      'first receipt page',
    );
    const second = ok(
      await apiAs(agent.token).GET('/inventory/receipts', {
        params: { query: { limit: 1, cursor: first.nextCursor ?? '' } },
      }),
      'second receipt page',
    );
    expect([first.items[0]?.lengthMm, second.items[0]?.receiptId]).toEqual([1000, receipt.receiptId]);
  });

  it('refuses a receipt dated in the future (422) and bad bodies (400), writing nothing', async () => {
    const before = await onHandOf('Cat5e');
    const tomorrow = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
    const future = await receive(admin, 'Cat5e', 10, 'ft', 1, tomorrow);
    expect(future.response.status).toBe(422);
    expect(JSON.stringify(future.error)).toContain('/receivedAt');
    for (const quantity of [0, 10_001]) {
      const bad = await receive(admin, 'Cat5e', 10, 'ft', quantity);
      expect(bad.response.status).toBe(400);
      expect(JSON.stringify(bad.error)).toContain('/quantity');
    }
    expect((await onHandOf('Cat5e')).onHandMm).toBe(before.onHandMm);
  });

  it('fulfils a 100 ft request: on-hand drops by exactly 100 ft, a fulfilment movement names the ticket', async () => {
    await setStock('Cat6', 152_400); // 500 ft
    const request = await approvedRequest('Cat6', 100, 'ft');
    const fulfilled = ok(await changeStatus(request.ticketId, 'fulfilled', request.version), 'fulfil');
    expect(fulfilled.status).toBe('fulfilled');

    const after = await onHandOf('Cat6', agent);
    expect(after.onHandMm).toBe(152_400 - 30_480);
    expect(after.onHandFt).toBe(400);
    const [newest] = await movementsOf('Cat6', 1);
    expect(newest).toMatchObject({
      kind: 'fulfilment',
      deltaMm: -30_480,
      balanceAfterMm: 121_920,
      ticketId: request.ticketId,
      actorId: agent.userId,
    });

    // Undo the fulfilment: the stock goes back, with a reversal movement.
    const undone = ok(await changeStatus(request.ticketId, 'in_progress', fulfilled.version), 'undo');
    expect(undone.status).toBe('in_progress');
    expect((await onHandOf('Cat6')).onHandMm).toBe(152_400);
    const [reversal] = await movementsOf('Cat6', 1);
    expect(reversal).toMatchObject({
      kind: 'reversal',
      deltaMm: 30_480,
      balanceAfterMm: 152_400,
      ticketId: request.ticketId,
    });

    // Fulfilled again, it takes the stock again (once per fulfilment).
    ok(await changeStatus(request.ticketId, 'fulfilled', undone.version), 'fulfil again');
    expect((await onHandOf('Cat6')).onHandMm).toBe(121_920);
  });

  it('refuses a fulfilment the stock does not cover: 409 with what is on hand, and nothing changes', async () => {
    await setStock('Cat6a', 30_480); // 100 ft
    const request = await approvedRequest('Cat6a', 60, 'ft', 2); // 120 ft
    const [lastBefore] = await movementsOf('Cat6a', 1);
    const refused = await changeStatus(request.ticketId, 'fulfilled', request.version);
    expect(refused.response.status).toBe(409);
    expect(refused.error).toMatchObject({
      type: '/problems/conflict',
      cableType: 'Cat6a',
      onHand: { mm: 30_480, ft: 100, m: 30.48 },
      needed: { mm: 36_576, ft: 120, m: 36.58 },
    });
    const ticket = ok(
      await apiAs(agent.token).GET('/tickets/{ticketId}', {
        params: { path: { ticketId: request.ticketId } },
      }),
      'ticket',
    );
    expect(ticket).toMatchObject({ status: 'in_progress', version: request.version });
    expect((await onHandOf('Cat6a')).onHandMm).toBe(30_480);
    const [lastAfter] = await movementsOf('Cat6a', 1);
    expect(lastAfter?.movementId).toBe(lastBefore?.movementId);
  });

  it('fulfils exactly as many of 20 concurrent requests as the stock covers, never below zero', async () => {
    const requests = [];
    for (let batch = 0; batch < 4; batch++) {
      requests.push(
        ...(await Promise.all(Array.from({ length: 5 }, () => approvedRequest('coax', 10, 'm')))),
      );
    }
    // 7 requests' worth (10 m each) and 5 m more: 7 succeed, 5 m stays.
    await setStock('coax', 75_000);
    const answers = await Promise.all(
      requests.map((request) => changeStatus(request.ticketId, 'fulfilled', request.version)),
    );
    const statuses = answers.map((answer) => answer.response.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(7);
    expect(statuses.filter((status) => status === 409)).toHaveLength(13);
    expect((await onHandOf('coax')).onHandMm).toBe(5_000);
    const fulfilments = (await movementsOf('coax', 20)).filter((movement) => movement.kind === 'fulfilment');
    expect(fulfilments).toHaveLength(7);
    // Each balance is the one before less 10 m, newest first: 5 m, 15 m, ... 65 m.
    expect(fulfilments.map((movement) => movement.balanceAfterMm)).toEqual(
      [5, 15, 25, 35, 45, 55, 65].map((m) => m * 1000),
    );
    const fulfilledIds = requests
      .filter((_, index) => statuses[index] === 200)
      .map((request) => request.ticketId)
      .sort();
    expect(fulfilments.map((movement) => movement.ticketId).sort()).toEqual(fulfilledIds);
  }, 180_000);

  it('adjusts with a reason only, never below zero', async () => {
    await setStock('fiber-OM3', 10_000);
    const noReason = await adjust(team, {
      cableType: 'fiber-OM3',
      delta: { value: 1, unit: 'm', direction: 'add' },
    });
    expect(noReason.response.status).toBe(400);
    expect(JSON.stringify(noReason.error)).toContain('reason');

    const tooMuch = await adjust(team, {
      cableType: 'fiber-OM3',
      delta: { value: -11, unit: 'm' },
      reason: 'Lost',
    });
    expect(tooMuch.response.status).toBe(409);
    expect(tooMuch.error).toMatchObject({ onHand: { mm: 10_000, m: 10 } });

    const made = await adjust(team, {
      cableType: 'fiber-OM3',
      delta: { value: -2.5, unit: 'm' },
      reason: 'Damaged',
    });
    expect(made.response.status).toBe(201);
    expect(ok(made, 'adjustment')).toMatchObject({
      kind: 'adjustment',
      deltaMm: -2500,
      balanceAfterMm: 7500,
      reason: 'Damaged',
      actorId: team.userId,
    });
    expect((await onHandOf('fiber-OM3')).onHandMm).toBe(7500);
  });

  it('sets a low-stock threshold: on-hand shows it and the low flag; an unknown cable type is a 404', async () => {
    await setStock('fiber-OM4', 5_000);
    const set = await apiAs(team.token).PUT('/inventory/thresholds/{cableType}', {
      params: { path: { cableType: 'fiber-OM4' } },
      body: { length: { value: 10, unit: 'm' } },
    });
    expect(ok(set, 'threshold')).toMatchObject({
      cableType: 'fiber-OM4',
      onHandMm: 5_000,
      lowStockThresholdMm: 10_000,
      low: true,
    });
    expect(await onHandOf('fiber-OM4', agent)).toMatchObject({
      low: true,
      onHandM: 5,
      lowStockThresholdMm: 10_000,
    });
    ok(await receive(team, 'fiber-OM4', 5, 'm'), 'receipt by the team');
    expect(await onHandOf('fiber-OM4')).toMatchObject({ onHandMm: 10_000, low: false });

    const unknown = await apiAs(admin.token).PUT('/inventory/thresholds/{cableType}', {
      params: { path: { cableType: 'Cat7' } },
      body: { length: { value: 10, unit: 'm' } },
    });
    expect(unknown.response.status).toBe(404);
  });

  it('lets admins and the inventory team write, agents read only, requesters nothing', async () => {
    const receipt = (session: Session) => receive(session, 'other', 1, 'm');
    const adjustment = (session: Session) =>
      adjust(session, {
        cableType: 'other',
        delta: { value: 1, unit: 'm', direction: 'add' },
        reason: 'Found',
      });
    const threshold = (session: Session) =>
      apiAs(session.token).PUT('/inventory/thresholds/{cableType}', {
        params: { path: { cableType: 'other' } },
        body: { length: { value: 0, unit: 'm' } },
      });
    const reads = (session: Session) =>
      Promise.all([
        apiAs(session.token).GET('/inventory/on-hand'),
        apiAs(session.token).GET('/inventory/movements'),
        apiAs(session.token).GET('/inventory/receipts'),
      ]);
    for (const [who, session, write, read] of [
      ['admin', admin, [201, 201, 200], 200],
      ['inventory team', team, [201, 201, 200], 200],
      ['agent', agent, [403, 403, 403], 200],
      ['requester', requester, [403, 403, 403], 403],
    ] as const) {
      const writes = await Promise.all([receipt(session), adjustment(session), threshold(session)]);
      expect([who, writes.map((answer) => answer.response.status)]).toEqual([who, write]);
      const answers = await reads(session);
      expect([who, answers.map((answer) => answer.response.status)]).toEqual([who, [read, read, read]]);
    }
    const anonymous = await api.GET('/inventory/on-hand');
    expect(anonymous.response.status).toBe(401);
  });

  it('filters movements by cable type and by day, and pages through them newest first', async () => {
    for (const value of [1, 2, 3]) ok(await receive(admin, 'Cat5e', value, 'm'), `receipt ${value} m`);
    const today = new Date().toISOString().slice(0, 10);
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);

    const first = ok(
      await apiAs(agent.token).GET('/inventory/movements', {
        params: { query: { cableType: 'Cat5e', from: today, to: today, limit: 2 } },
      }),
      'first page',
    );
    expect(first.items.map((movement) => movement.deltaMm)).toEqual([3000, 2000]);
    expect(first.nextCursor).not.toBeNull();
    const second = ok(
      await apiAs(agent.token).GET('/inventory/movements', {
        params: {
          query: { cableType: 'Cat5e', from: today, to: today, limit: 2, cursor: first.nextCursor ?? '' },
        },
      }),
      'second page',
    );
    expect(second.items[0]?.deltaMm).toBe(1000);
    expect([...first.items, ...second.items].every((movement) => movement.cableType === 'Cat5e')).toBe(true);

    // A cursor belongs to its filters.
    const foreign = await apiAs(agent.token).GET('/inventory/movements', {
      params: { query: { cableType: 'Cat6', limit: 2, cursor: first.nextCursor ?? '' } },
    });
    expect(foreign.response.status).toBe(422);

    // Nothing before today in a range that ends yesterday; `from` after `to` is a 422.
    const before = ok(
      await apiAs(agent.token).GET('/inventory/movements', {
        params: { query: { cableType: 'Cat5e', from: '2020-01-01', to: yesterday } },
      }),
      'before today',
    );
    expect(before.items.every((movement) => movement.at < `${today}T00:00:00.000Z`)).toBe(true);
    const reversed = await apiAs(agent.token).GET('/inventory/movements', {
      params: { query: { from: today, to: yesterday } },
    });
    expect(reversed.response.status).toBe(422);

    // Every type, newest first, paged.
    const all = ok(
      await apiAs(agent.token).GET('/inventory/movements', { params: { query: { from: today, limit: 3 } } }),
      'every type',
    );
    expect(all.items).toHaveLength(3);
    const times = all.items.map((movement) => movement.at);
    expect(times).toEqual([...times].sort().reverse());
    expect(all.items[0]?.cableType).toBe('Cat5e');
    const next = ok(
      await apiAs(agent.token).GET('/inventory/movements', {
        params: { query: { from: today, limit: 3, cursor: all.nextCursor ?? '' } },
      }),
      'every type, next page',
    );
    expect(next.items.every((movement) => movement.at <= (times.at(-1) as string))).toBe(true);
    const ids = new Set(all.items.map((movement) => movement.movementId));
    expect(next.items.some((movement) => ids.has(movement.movementId))).toBe(false);
  });
});
