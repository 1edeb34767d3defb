/**
 * The inventory ledger's pure rules (`shared/inventory/ledger.ts`), who may read and write it
 * (`shared/inventory/policy.ts`), its keys (`inventory.entity.ts`) and the request schemas' own rules.
 */
import { describe, expect, it } from 'vitest';
import { toMillimetres } from '#shared/inventory/cable.ts';
import { InsufficientStock } from '#shared/inventory/errors.ts';
import {
  balanceKey,
  type MovementItem,
  movementRecord,
  receiptKey,
} from '#shared/inventory/inventory.entity.ts';
import {
  adjustmentDeltaMm,
  dayAfter,
  inUnits,
  isLowStock,
  movementRange,
  stockFailure,
  stockMoveOf,
  stockNeededMm,
  stockRetryDelayMs,
} from '#shared/inventory/ledger.ts';
import { managesInventory, readsInventory } from '#shared/inventory/policy.ts';
import { CreateAdjustmentBody, CreateReceiptBody, ThresholdParams } from '#shared/inventory/schemas.ts';
import type { Actor } from '#shared/roles/actor.ts';
import { builtInRoles, noPermissions } from '#shared/roles/roles.ts';
import { checkTransition } from '#shared/tickets/policy.ts';

describe('lengths', () => {
  it('counts 100 ft as exactly 30,480 mm, and 500 ft less 100 ft as exactly 400 ft', () => {
    const needed = stockNeededMm({ lengthMm: toMillimetres(100, 'ft'), quantity: 1 });
    expect(needed).toBe(30_480);
    expect(inUnits(toMillimetres(500, 'ft') - needed)).toEqual({ mm: 121_920, ft: 400, m: 121.92 });
  });

  it('takes lengthMm × quantity for a request', () => {
    expect(stockNeededMm({ lengthMm: 3048, quantity: 7 })).toBe(21_336);
  });

  it('signs an adjustment by its direction, or by its value without one', () => {
    expect(adjustmentDeltaMm({ value: 10, unit: 'ft', direction: 'remove' }, toMillimetres)).toBe(-3048);
    expect(adjustmentDeltaMm({ value: 10, unit: 'ft', direction: 'add' }, toMillimetres)).toBe(3048);
    expect(adjustmentDeltaMm({ value: -2.5, unit: 'm' }, toMillimetres)).toBe(-2500);
    expect(adjustmentDeltaMm({ value: 2.5, unit: 'm' }, toMillimetres)).toBe(2500);
  });

  it('says what is on hand and needed in mm, ft and m when stock is short', () => {
    const error = new InsufficientStock('Cat6', 30_480, 60_960);
    expect(error.kind).toBe('conflict');
    expect(error.details).toEqual({
      cableType: 'Cat6',
      onHand: { mm: 30_480, ft: 100, m: 30.48 },
      needed: { mm: 60_960, ft: 200, m: 60.96 },
    });
    expect(error.message).toContain('100 ft (30.48 m)');
  });
});

describe('which ticket changes move stock', () => {
  it.each([
    ['in_progress', 'fulfilled', 'fulfilment'],
    ['fulfilled', 'in_progress', 'reversal'],
    ['fulfilled', 'closed', undefined],
    ['approved', 'in_progress', undefined],
    ['in_progress', undefined, undefined],
    ['fulfilled', 'fulfilled', undefined],
  ] as const)('%s → %s: %s', (from, to, move) => {
    expect(stockMoveOf(from, to)).toBe(move);
  });
});

describe('undoing a fulfilment', () => {
  const facts = { status: 'fulfilled', requesterId: 'requester-1', agentResponded: true } as const;
  it('lets an agent move a fulfilled ticket back to in_progress, and not its requester', () => {
    const agent: Actor = { userId: 'agent-1', role: 'agent', permissions: builtInRoles.agent };
    const requester: Actor = {
      userId: 'requester-1',
      role: 'requester',
      permissions: builtInRoles.requester,
    };
    expect(checkTransition(agent, facts, 'in_progress').ok).toBe(true);
    expect(checkTransition(requester, facts, 'in_progress').ok).toBe(false);
    expect(checkTransition(requester, facts, 'closed').ok).toBe(true);
  });
});

describe('low stock', () => {
  it('is below a threshold that is set; equal is not low; no threshold is never low', () => {
    expect(isLowStock({ onHandMm: 99, lowStockThresholdMm: 100 })).toBe(true);
    expect(isLowStock({ onHandMm: 100, lowStockThresholdMm: 100 })).toBe(false);
    expect(isLowStock({ onHandMm: 0 })).toBe(false);
    expect(isLowStock({ onHandMm: 0, lowStockThresholdMm: 0 })).toBe(false);
  });
});

describe('contended stock writes', () => {
  it('waits a jittered time under a cap that doubles up to 500 ms', () => {
    expect(stockRetryDelayMs(1, 0)).toBe(0);
    expect(stockRetryDelayMs(1, 0.999)).toBe(29);
    expect(stockRetryDelayMs(3, 0.5)).toBe(60);
    expect(stockRetryDelayMs(20, 0.999)).toBe(499);
  });

  it('tells the caller’s refusal, a retry and anything else apart', () => {
    // The ticket's version condition failed: the ticket change's own error.
    expect(stockFailure(['ConditionalCheckFailed', 'None', 'None', 'None'], 2)).toBe('caller');
    // The balance changed since it was read, or a concurrent transaction: read again and retry.
    expect(stockFailure(['None', 'None', 'ConditionalCheckFailed', 'None'], 2)).toBe('retry');
    expect(stockFailure(['None', 'None', 'TransactionConflict', 'None'], 2)).toBe('retry');
    expect(stockFailure(['TransactionConflict', 'None', 'None'], 1)).toBe('retry');
    expect(stockFailure(['None', 'ThrottlingError', 'None'], 1)).toBe('unexpected');
  });
});

describe('movement keys and ranges', () => {
  const movement: MovementItem = {
    movementId: '01JDQAB2C3D4E5F6G7H8J9K0M1',
    kind: 'fulfilment',
    cableType: 'Cat6',
    deltaMm: -30_480,
    balanceAfterMm: 121_920,
    ticketId: '01JDQBB2C3D4E5F6G7H8J9K0M4',
    receiptId: undefined,
    actorId: 'agent-1',
    at: '2026-12-01T11:00:00.000Z',
  };

  it('keys a movement by its type and time, and every type’s in gsi12, without undefined attributes', () => {
    const record = movementRecord(movement);
    expect(record).toMatchObject({
      pk: 'INVENTORY#MOVEMENTS#Cat6',
      sk: '2026-12-01T11:00:00.000Z#01JDQAB2C3D4E5F6G7H8J9K0M1',
      gsi12pk: 'INVENTORY#MOVEMENTS',
      gsi12sk: '2026-12-01T11:00:00.000Z#01JDQAB2C3D4E5F6G7H8J9K0M1',
      entityType: 'inventoryMovement',
    });
    expect('receiptId' in record).toBe(false);
  });

  it('keys balances and receipts as the dashboard and the lists read them', () => {
    expect(balanceKey('Cat6')).toEqual({ pk: 'INVENTORY', sk: 'BALANCE#Cat6' });
    expect(receiptKey('01JDQAB2C3D4E5F6G7H8J9K0M1')).toEqual({
      pk: 'INVENTORY#RECEIPTS',
      sk: 'RECEIPT#01JDQAB2C3D4E5F6G7H8J9K0M1',
    });
  });

  it('bounds a day range so that both days are in it and nothing else', () => {
    const { lower, upper } = movementRange('2026-11-30', '2026-12-01');
    expect({ lower, upper }).toEqual({ lower: '2026-11-30', upper: '2026-12-02' });
    const inRange = (sk: string) => sk >= (lower as string) && sk <= (upper as string);
    expect(inRange('2026-11-30T00:00:00.000Z#X')).toBe(true);
    expect(inRange('2026-12-01T23:59:59.999Z#X')).toBe(true);
    expect(inRange('2026-11-29T23:59:59.999Z#X')).toBe(false);
    expect(inRange('2026-12-02T00:00:00.000Z#X')).toBe(false);
    expect(movementRange(undefined, undefined)).toEqual({});
    expect(dayAfter('2026-12-31')).toBe('2027-01-01');
    expect(dayAfter('2028-02-28')).toBe('2028-02-29');
  });
});

describe('who may', () => {
  const actor = (role: string, permissions = noPermissions): Actor => ({ userId: 'u', role, permissions });

  it('lets admins and the inventory team write, agents only read, requesters neither', () => {
    const admin = actor('admin', builtInRoles.admin);
    const agent = actor('agent', builtInRoles.agent);
    const requester = actor('requester', builtInRoles.requester);
    const team = actor('stores');
    expect([managesInventory(admin, 'stores'), readsInventory(admin, 'stores')]).toEqual([true, true]);
    expect([managesInventory(agent, 'stores'), readsInventory(agent, 'stores')]).toEqual([false, true]);
    expect([managesInventory(requester, 'stores'), readsInventory(requester, 'stores')]).toEqual([
      false,
      false,
    ]);
    expect([managesInventory(team, 'stores'), readsInventory(team, 'stores')]).toEqual([true, true]);
    expect(managesInventory(team, 'inventory')).toBe(false);
  });
});

describe('request schemas', () => {
  const receipt = {
    cableType: 'Cat6',
    length: { value: 500, unit: 'ft' },
    quantity: 1,
    supplier: ' Acme ',
    reference: 'DN-1',
    receivedAt: '2026-12-01',
  };

  it('takes a receipt (trimmed texts) and refuses quantities out of 1-10,000, unknown units and fields', () => {
    expect(CreateReceiptBody.safeParse(receipt).data?.supplier).toBe('Acme');
    for (const bad of [
      { ...receipt, quantity: 0 },
      { ...receipt, quantity: 10_001 },
      { ...receipt, quantity: 1.5 },
      { ...receipt, length: { value: 5, unit: 'yd' } },
      { ...receipt, length: { value: 0, unit: 'ft' } },
      { ...receipt, supplier: '  ' },
      { ...receipt, receivedAt: '2026-13-01' },
      { ...receipt, colour: 'blue' },
    ]) {
      expect(CreateReceiptBody.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });

  it('needs a reason for an adjustment', () => {
    const delta = { value: 10, unit: 'ft', direction: 'remove' };
    expect(CreateAdjustmentBody.safeParse({ cableType: 'Cat6', delta, reason: 'Count' }).success).toBe(true);
    expect(CreateAdjustmentBody.safeParse({ cableType: 'Cat6', delta }).success).toBe(false);
    expect(CreateAdjustmentBody.safeParse({ cableType: 'Cat6', delta, reason: ' ' }).success).toBe(false);
  });

  it('takes any cable-type-like name in the threshold path (the operation answers 404 for an unknown one)', () => {
    expect(ThresholdParams.safeParse({ cableType: 'fiber-OM4' }).success).toBe(true);
    expect(ThresholdParams.safeParse({ cableType: 'Cat7' }).success).toBe(true);
    expect(ThresholdParams.safeParse({ cableType: 'Cat 6' }).success).toBe(false);
  });
});
