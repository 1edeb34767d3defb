/**
 * The inventory ledger (PRODUCT "Operations": receiving records add stock to a ledger of movements; on-hand by
 * cable type; fulfilling a cable request takes stock out, never below zero). Lengths are whole millimetres
 * (`cable.ts`). Four kinds of item, keys below (`docs/data-model.md`, "Inventory"):
 *
 * - **a balance**, one per cable type: `pk = INVENTORY`, `sk = BALANCE#<cableType>`: `onHandMm`,
 *   `lowStockThresholdMm` (optional), `version` (+1 per write). Every stock change is an update of this item in
 *   the transaction that writes its movement, so the table's stream carries the old and new `onHandMm` of each
 *   change (the low-stock alert compares them). The on-hand list is one Query of the partition.
 * - **a movement** (immutable): `pk = INVENTORY#MOVEMENTS#<cableType>`, `sk = <at>#<movementId>` (movementId a
 *   ULID), so one cable type's movements, newest first and between two instants, are one Query of the base table;
 *   gsi12 (keys only) `INVENTORY#MOVEMENTS` / `<at>#<movementId>` holds every type's, newest first.
 * - **a receipt**: `pk = INVENTORY#RECEIPTS`, `sk = RECEIPT#<receiptId>` (ULID): receipts newest first.
 * - **a fulfilment record**: `pk = TICKET#<ticketId>`, `sk = INVENTORY#FULFILMENT`: what a fulfilled cable request
 *   took (cable type, mm, the movement), so undoing the fulfilment puts back exactly that, once. It lives in the
 *   ticket's partition and goes with the ticket.
 */
import { ulid } from 'ulid';
import type { CableType } from '#shared/inventory/cable.ts';

/** Why the stock changed. */
export const movementKinds = ['receipt', 'fulfilment', 'adjustment', 'reversal'] as const;
export type MovementKind = (typeof movementKinds)[number];

/** The stock of one cable type. */
export interface BalanceItem {
  readonly cableType: CableType;
  /** Whole millimetres on hand, never below 0. */
  readonly onHandMm: number;
  /** Below this many millimetres the type is low on stock; absent: no threshold. */
  readonly lowStockThresholdMm?: number | undefined;
  /** +1 per write of the balance (the condition of the next write). */
  readonly version: number;
  readonly updatedAt: string;
}

/** One stock change, never changed afterwards. */
export interface MovementItem {
  /** ULID. */
  readonly movementId: string;
  readonly kind: MovementKind;
  readonly cableType: CableType;
  /** Signed whole millimetres: + into stock, − out of it. */
  readonly deltaMm: number;
  /** The balance's `onHandMm` right after this movement. */
  readonly balanceAfterMm: number;
  /** The cable request fulfilled (`fulfilment`) or whose fulfilment was undone (`reversal`). */
  readonly ticketId?: string | undefined;
  /** The receipt that brought the stock (`receipt`). */
  readonly receiptId?: string | undefined;
  /** Why, for an adjustment (required) or an undone fulfilment. */
  readonly reason?: string | undefined;
  /** Who made the change. */
  readonly actorId: string;
  /** ISO 8601, when. */
  readonly at: string;
}

/** A delivery of cable received into stock. */
export interface ReceiptItem {
  /** ULID: receipts sort by when they were recorded. */
  readonly receiptId: string;
  readonly cableType: CableType;
  /** The length of one unit as given, and in whole millimetres. */
  readonly length: { readonly value: number; readonly unit: 'ft' | 'm' };
  readonly lengthMm: number;
  /** Units received (1-10,000). */
  readonly quantity: number;
  /** `lengthMm × quantity`: what the receipt added. */
  readonly totalMm: number;
  readonly supplier: string;
  /** The supplier's delivery note, invoice or order number. */
  readonly reference: string;
  /** `YYYY-MM-DD`, the day the goods came in (not in the future). */
  readonly receivedAt: string;
  readonly movementId: string;
  readonly recordedBy: string;
  /** ISO 8601, when it was recorded. */
  readonly createdAt: string;
}

/** What a fulfilled cable request took out of stock. */
export interface FulfilmentItem {
  readonly ticketId: string;
  readonly cableType: CableType;
  readonly takenMm: number;
  readonly movementId: string;
  readonly at: string;
}

export const balanceEntity = 'inventoryBalance';
export const movementEntity = 'inventoryMovement';
export const receiptEntity = 'inventoryReceipt';
export const fulfilmentEntity = 'inventoryFulfilment';

export const newMovementId = () => ulid();
export const newReceiptId = () => ulid();

/** The partition of every balance. */
export const balancePartition = 'INVENTORY';
export const balancePrefix = 'BALANCE#';
export const balanceKey = (cableType: CableType) => ({
  pk: balancePartition,
  sk: `${balancePrefix}${cableType}`,
});

/** One cable type's movements (base table). */
export const movementPartition = (cableType: CableType) => `INVENTORY#MOVEMENTS#${cableType}`;
/** Every type's movements (gsi12, keys only). */
export const allMovementsPartition = () => ({ gsi12pk: 'INVENTORY#MOVEMENTS' });
/** The sort key of a movement in both lists: time, then id. */
export const movementSortKey = (movement: Pick<MovementItem, 'at' | 'movementId'>) =>
  `${movement.at}#${movement.movementId}`;
export const movementKey = (movement: Pick<MovementItem, 'cableType' | 'at' | 'movementId'>) => ({
  pk: movementPartition(movement.cableType),
  sk: movementSortKey(movement),
});

export const receiptPartition = 'INVENTORY#RECEIPTS';
export const receiptPrefix = 'RECEIPT#';
export const receiptKey = (receiptId: string) => ({
  pk: receiptPartition,
  sk: `${receiptPrefix}${receiptId}`,
});

export const fulfilmentKey = (ticketId: string) => ({ pk: `TICKET#${ticketId}`, sk: 'INVENTORY#FULFILMENT' });

/** An item without its `undefined` attributes (the document client refuses them). */
function defined<T extends Record<string, unknown>>(item: T): T {
  return Object.fromEntries(Object.entries(item).filter(([, value]) => value !== undefined)) as T;
}

/** The stored movement: keys, its gsi12 keys, entity name and fields. */
export const movementRecord = (movement: MovementItem) =>
  defined({
    ...movement,
    ...movementKey(movement),
    ...allMovementsPartition(),
    gsi12sk: movementSortKey(movement),
    entityType: movementEntity,
  });

export const receiptRecord = (receipt: ReceiptItem) =>
  defined({ ...receipt, ...receiptKey(receipt.receiptId), entityType: receiptEntity });

export const fulfilmentRecord = (fulfilment: FulfilmentItem) => ({
  ...fulfilment,
  ...fulfilmentKey(fulfilment.ticketId),
  entityType: fulfilmentEntity,
});
