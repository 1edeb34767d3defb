/**
 * The inventory ledger's operations (PRODUCT "Operations"; issue 11 "Inventory ledger"): plain values in, domain
 * errors out, never HTTP. Keys: `inventory.entity.ts`; who may: `policy.ts`; pure rules: `ledger.ts`; every stock
 * change: `stock.ts`. No scan: on-hand is one Query of the balances' partition, the lists one Query each (the
 * movements of every type: a keys-only index Query, then a BatchGetItem).
 */
import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { type CableType, cableTypes, maxLengthMm, toMillimetres } from '#shared/inventory/cable.ts';
import { CableTypeNotFound } from '#shared/inventory/errors.ts';
import {
  type BalanceItem,
  balanceEntity,
  balanceKey,
  balancePartition,
  balancePrefix,
  type MovementItem,
  movementPartition,
  newReceiptId,
  type ReceiptItem,
  receiptPartition,
  receiptPrefix,
  receiptRecord,
} from '#shared/inventory/inventory.entity.ts';
import { adjustmentDeltaMm, movementRange } from '#shared/inventory/ledger.ts';
import { managesInventory, readsInventory } from '#shared/inventory/policy.ts';
import type {
  CreateAdjustmentInput,
  CreateReceiptInput,
  ListMovementsInput,
  ListReceiptsInput,
  SetThresholdInput,
} from '#shared/inventory/schemas.ts';
import { moveStock } from '#shared/inventory/stock.ts';
import { documentClient } from '#shared/platform/aws-clients.ts';
import { config } from '#shared/platform/config.ts';
import { decodeCursor, encodeCursor } from '#shared/platform/cursor.ts';
import { getItems, itemIsNew, queryPage, updateItem } from '#shared/platform/db.ts';
import { type FieldError, InvalidInput, NotAllowed } from '#shared/platform/errors.ts';
import type { Actor } from '#shared/roles/actor.ts';

/** A page of a list, newest first. */
export interface InventoryPage<T> {
  readonly items: T[];
  readonly nextCursor: string | null;
}

/** @throws NotAllowed unless the actor manages the inventory (admins, the inventory team) */
function requireWriter(actor: Actor): void {
  if (!managesInventory(actor)) {
    throw new NotAllowed('Only admins and the inventory team change the stock.');
  }
}

/** @throws NotAllowed unless the actor may read the inventory (agents, admins, the inventory team) */
function requireReader(actor: Actor): void {
  if (!readsInventory(actor))
    throw new NotAllowed('Only agents, admins and the inventory team see the stock.');
}

/** Today in UTC, `YYYY-MM-DD`. */
const today = (now: Date) => now.toISOString().slice(0, 10);

/** A length in whole millimetres, or a field error when it is under 1 mm or over `maxLengthMm` (100 km). */
function millimetresOf(
  length: { value: number; unit: 'ft' | 'm' },
  pointer: string,
  problems: FieldError[],
  allowZero = false,
): number {
  const mm = toMillimetres(Math.abs(length.value), length.unit);
  if (mm > maxLengthMm) problems.push({ in: 'body', pointer, detail: 'At most 100 km.' });
  if (mm < 1 && !(allowZero && length.value === 0))
    problems.push({ in: 'body', pointer, detail: 'At least 1 mm.' });
  return mm;
}

/**
 * Receive stock (admins, the inventory team): one transaction writes the receipt, a `receipt` movement of
 * `lengthMm × quantity` and the balance update (`moveStock`).
 * @param now the clock (the `receivedAt` check)
 * @throws NotAllowed; InvalidInput (`/receivedAt` in the future, UTC; `/length/value` under 1 mm or over 100 km);
 *   StockBusy (409) when the balance stayed contended
 */
export async function receiveStock(
  actor: Actor,
  input: CreateReceiptInput,
  now = new Date(),
): Promise<ReceiptItem> {
  requireWriter(actor);
  const problems: FieldError[] = [];
  const lengthMm = millimetresOf(input.length, '/length/value', problems);
  if (input.receivedAt > today(now))
    problems.push({ in: 'body', pointer: '/receivedAt', detail: 'The day is in the future.' });
  if (problems.length > 0) throw new InvalidInput(problems);
  const receiptId = newReceiptId();
  const totalMm = lengthMm * input.quantity;
  let receipt: ReceiptItem | undefined;
  const moved = await moveStock(
    { kind: 'receipt', cableType: input.cableType, deltaMm: totalMm, actorId: actor.userId, receiptId },
    (movement) => {
      receipt = {
        receiptId,
        cableType: input.cableType,
        length: { value: input.length.value, unit: input.length.unit },
        lengthMm,
        quantity: input.quantity,
        totalMm,
        supplier: input.supplier,
        reference: input.reference,
        receivedAt: input.receivedAt,
        movementId: movement.movementId,
        recordedBy: actor.userId,
        createdAt: movement.at,
      };
      return [{ put: receiptRecord(receipt), condition: itemIsNew }];
    },
  );
  if ('refused' in moved || !receipt) throw new Error(`Receipt ${receiptId} not written`);
  return receipt;
}

/**
 * Receipts, newest recorded first (readers): one Query of `INVENTORY#RECEIPTS`.
 * @throws NotAllowed; InvalidInput (`/cursor`) for a cursor of another list
 */
export async function listReceipts(
  actor: Actor,
  query: ListReceiptsInput,
): Promise<InventoryPage<ReceiptItem>> {
  requireReader(actor);
  const scope = 'inventory:receipts';
  const after = await decodeCursor(query.cursor, scope);
  const page = await queryPage<ReceiptItem>({
    partition: { pk: receiptPartition },
    beginsWith: ['sk', receiptPrefix],
    descending: true,
    limit: query.limit,
    startKey: after ? (JSON.parse(after) as Record<string, unknown>) : undefined,
  });
  return {
    items: page.items,
    nextCursor: page.lastKey ? await encodeCursor(JSON.stringify(page.lastKey), scope) : null,
  };
}

/**
 * One page of a Query whose sort key lies in `[lower, upper]` (either bound optional), newest first.
 * @param keys the partition key attribute and value, and the sort key attribute
 */
async function queryRange<T>(spec: {
  index?: string;
  partitionKey: string;
  partition: string;
  sortKey: string;
  lower?: string | undefined;
  upper?: string | undefined;
  limit: number;
  startKey?: Record<string, unknown> | undefined;
}): Promise<{ items: T[]; lastKey: Record<string, unknown> | undefined }> {
  const names: Record<string, string> = { '#p': spec.partitionKey };
  const values: Record<string, unknown> = { ':p': spec.partition };
  let expression = '#p = :p';
  if (spec.lower !== undefined || spec.upper !== undefined) names['#s'] = spec.sortKey;
  if (spec.lower !== undefined) values[':lo'] = spec.lower;
  if (spec.upper !== undefined) values[':hi'] = spec.upper;
  if (spec.lower !== undefined && spec.upper !== undefined) expression += ' AND #s BETWEEN :lo AND :hi';
  else if (spec.lower !== undefined) expression += ' AND #s >= :lo';
  else if (spec.upper !== undefined) expression += ' AND #s <= :hi';
  const input: QueryCommandInput = {
    TableName: config.tableName,
    ...(spec.index ? { IndexName: spec.index } : {}),
    KeyConditionExpression: expression,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
    Limit: spec.limit,
    ScanIndexForward: false,
    ...(spec.startKey ? { ExclusiveStartKey: spec.startKey } : {}),
  };
  const { Items, LastEvaluatedKey } = await documentClient().send(new QueryCommand(input));
  return { items: (Items ?? []) as T[], lastKey: LastEvaluatedKey };
}

/**
 * Movements, newest first (readers), of one cable type (one Query of its partition) or of every type (one Query of
 * gsi12 `INVENTORY#MOVEMENTS`, keys only, then a BatchGetItem), between `from` and `to` (days, UTC, both included)
 * by the key's sort order: no filter reads items it then drops.
 * @throws NotAllowed; InvalidInput (`/from` after `/to`; `/cursor` of another list or other filters)
 */
export async function listMovements(
  actor: Actor,
  query: ListMovementsInput,
): Promise<InventoryPage<MovementItem>> {
  requireReader(actor);
  if (query.from && query.to && query.from > query.to) {
    throw new InvalidInput([{ in: 'query', pointer: '/from', detail: '`from` is after `to`.' }]);
  }
  const scope = `inventory:movements:${query.cableType ?? '*'}:${query.from ?? ''}:${query.to ?? ''}`;
  const after = await decodeCursor(query.cursor, scope);
  const startKey = after ? (JSON.parse(after) as Record<string, unknown>) : undefined;
  const { lower, upper } = movementRange(query.from, query.to);
  let items: MovementItem[];
  let lastKey: Record<string, unknown> | undefined;
  if (query.cableType) {
    ({ items, lastKey } = await queryRange<MovementItem>({
      partitionKey: 'pk',
      partition: movementPartition(query.cableType),
      sortKey: 'sk',
      lower,
      upper,
      limit: query.limit,
      startKey,
    }));
  } else {
    const page = await queryRange<{ pk: string; sk: string; gsi12sk: string }>({
      index: 'gsi12',
      partitionKey: 'gsi12pk',
      partition: 'INVENTORY#MOVEMENTS',
      sortKey: 'gsi12sk',
      lower,
      upper,
      limit: query.limit,
      startKey,
    });
    const found = await getItems<MovementItem & { sk: string }>(page.items.map(({ pk, sk }) => ({ pk, sk })));
    const order = new Map(page.items.map((key, index) => [key.sk, index]));
    items = found.sort((a, b) => (order.get(a.sk) ?? 0) - (order.get(b.sk) ?? 0));
    lastKey = page.lastKey;
  }
  return { items, nextCursor: lastKey ? await encodeCursor(JSON.stringify(lastKey), scope) : null };
}

/**
 * Adjust the stock (admins, the inventory team) with a reason: an `adjustment` movement and the balance update in
 * one transaction; never below zero.
 * @throws NotAllowed; InvalidInput (`/delta/value`: under 1 mm, over 100 km, or negative with a `direction`);
 *   InsufficientStock (409, what is on hand) when removing more than is on hand; StockBusy (409)
 */
export async function adjustStock(actor: Actor, input: CreateAdjustmentInput): Promise<MovementItem> {
  requireWriter(actor);
  const problems: FieldError[] = [];
  if (input.delta.direction && input.delta.value < 0)
    problems.push({
      in: 'body',
      pointer: '/delta/value',
      detail: 'With a `direction`, give a positive length (or leave `direction` out and sign the value).',
    });
  millimetresOf(input.delta, '/delta/value', problems);
  if (problems.length > 0) throw new InvalidInput(problems);
  const deltaMm = adjustmentDeltaMm(input.delta, toMillimetres);
  const moved = await moveStock(
    { kind: 'adjustment', cableType: input.cableType, deltaMm, actorId: actor.userId, reason: input.reason },
    () => [],
  );
  if ('refused' in moved) throw new Error('Adjustment not written');
  return moved.movement;
}

/** A cable type's stock as the on-hand list shows it. */
export interface OnHand {
  readonly cableType: CableType;
  readonly onHandMm: number;
  readonly lowStockThresholdMm?: number | undefined;
  readonly updatedAt?: string | undefined;
}

/**
 * Every cable type's stock (readers), in the order of `cableTypes`: one Query of the balances (`pk = INVENTORY`,
 * `begins_with(sk, BALANCE#)`), never a sum over the ledger; a type never received shows 0.
 * @throws NotAllowed
 */
export async function onHand(actor: Actor): Promise<OnHand[]> {
  requireReader(actor);
  const { items } = await queryPage<BalanceItem>({
    partition: { pk: balancePartition },
    beginsWith: ['sk', balancePrefix],
    limit: 100,
  });
  const byType = new Map(items.map((balance) => [balance.cableType, balance]));
  return cableTypes.map((cableType) => {
    const balance = byType.get(cableType);
    return {
      cableType,
      onHandMm: balance?.onHandMm ?? 0,
      lowStockThresholdMm: balance?.lowStockThresholdMm,
      updatedAt: balance?.updatedAt,
    };
  });
}

/** Whether a name is one of the cable types. */
const isCableType = (name: string): name is CableType => (cableTypes as readonly string[]).includes(name);

/**
 * Set a cable type's low-stock threshold (admins, the inventory team): an UpdateItem of its balance (created with
 * 0 on hand if it had none), no movement. The low-stock alert compares `onHandMm` with it on each stock change.
 * @throws NotAllowed; CableTypeNotFound (404) for a name that is not a cable type; InvalidInput (over 100 km)
 */
export async function setThreshold(
  actor: Actor,
  cableType: string,
  input: SetThresholdInput,
): Promise<OnHand> {
  requireWriter(actor);
  if (!isCableType(cableType)) throw new CableTypeNotFound();
  const problems: FieldError[] = [];
  const thresholdMm = millimetresOf(input.length, '/length/value', problems, true);
  if (problems.length > 0) throw new InvalidInput(problems);
  const updated = await updateItem<BalanceItem>(
    balanceKey(cableType),
    {
      set: { entityType: balanceEntity, cableType, lowStockThresholdMm: thresholdMm },
      setIfMissing: { onHandMm: 0 },
      add: { version: 1 },
    },
    { returnNew: true },
  );
  if (!updated) throw new Error(`Threshold of ${cableType} not written`);
  return {
    cableType,
    onHandMm: updated.onHandMm,
    lowStockThresholdMm: updated.lowStockThresholdMm,
    updatedAt: updated.updatedAt,
  };
}
