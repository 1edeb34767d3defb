/**
 * Every stock change goes through {@link moveStock}: one transaction that updates the cable type's balance and
 * writes its immutable movement, together with the caller's own writes (a receipt, a ticket change). Used by the
 * inventory routes (`operations.ts`) and by the ticket change that fulfils a cable request (`fulfilment.ts`).
 */
import type { CableType } from '#shared/inventory/cable.ts';
import { InsufficientStock, StockBusy } from '#shared/inventory/errors.ts';
import {
  type BalanceItem,
  balanceEntity,
  balanceKey,
  type MovementItem,
  type MovementKind,
  movementRecord,
  newMovementId,
} from '#shared/inventory/inventory.entity.ts';
import { stockFailure, stockRetryDelayMs, stockWriteAttempts } from '#shared/inventory/ledger.ts';
import {
  attributesEqual,
  both,
  type Condition,
  getItem,
  itemIsNew,
  type TransactionWrite,
  transactWrite,
} from '#shared/platform/db.ts';
import { logger } from '#shared/platform/logger.ts';

/** The balance of a cable type as stored, or `undefined` before its first write (strongly consistent GetItem). */
export const readBalance = (cableType: CableType) =>
  getItem<BalanceItem>(balanceKey(cableType), { consistent: true });

/** A stock change to make: everything of its movement but the id, the time and the balance after it. */
export interface StockChange {
  readonly kind: MovementKind;
  readonly cableType: CableType;
  /** Signed whole millimetres: + into stock, − out of it. */
  readonly deltaMm: number;
  readonly actorId: string;
  readonly ticketId?: string | undefined;
  readonly receiptId?: string | undefined;
  readonly reason?: string | undefined;
}

/**
 * The balance write of a change: `ADD onHandMm delta, version 1`, on the condition that the balance is still the
 * one read (`version`) and, taking stock out, that at least that much is on hand (`onHandMm >= needed`); a balance
 * never written yet is created (`attribute_not_exists`). An UpdateItem, so the stream shows old and new images.
 */
function balanceWrite(cableType: CableType, read: BalanceItem | undefined, deltaMm: number, at: string) {
  let condition: Condition = itemIsNew;
  if (read) {
    condition = attributesEqual({ version: read.version });
    if (deltaMm < 0) {
      condition = both(condition, {
        expression: '#onHand >= :needed',
        names: { '#onHand': 'onHandMm' },
        values: { ':needed': -deltaMm },
      });
    }
  }
  return {
    update: balanceKey(cableType),
    changes: {
      set: { entityType: balanceEntity, cableType, updatedAt: at },
      add: { onHandMm: deltaMm, version: 1 },
    },
    condition,
  } satisfies TransactionWrite;
}

/**
 * Make a stock change: read the balance, then one transaction of `writes(movement)` (the caller's own, first), the
 * balance update and the movement. A cancellation because the balance changed since it was read, or because
 * another transaction held one of the items (`TransactionConflict`), is retried with a fresh read, up to
 * {@link stockWriteAttempts} times with jittered waits, so concurrent changes of one type all land, one after the
 * other, each with its exact `balanceAfterMm`; the stock never goes below zero.
 * The movement's time is taken right after the read its balance is computed from, so the movements of a type
 * sort in the order of their balances.
 * @param writes the caller's writes, given the movement (its id and time); called again on each attempt
 * @returns the movement written, or `{ refused: reasons }` when one of the caller's own conditions failed (the
 *   cancellation codes of the caller's writes, in their order): nothing was written
 * @throws InsufficientStock (409) when taking stock out would leave less than zero (nothing written); StockBusy
 *   (409) when every attempt was cancelled by other writes; Error on any other cancellation
 */
export async function moveStock(
  change: StockChange,
  writes: (movement: MovementItem) => readonly TransactionWrite[],
): Promise<{ movement: MovementItem } | { refused: string[] }> {
  for (let attempt = 0; attempt < stockWriteAttempts; attempt++) {
    if (attempt > 0) {
      await new Promise((resolve) => setTimeout(resolve, stockRetryDelayMs(attempt, Math.random())));
    }
    const read = await readBalance(change.cableType);
    const now = new Date().toISOString();
    const onHandMm = read?.onHandMm ?? 0;
    const balanceAfterMm = onHandMm + change.deltaMm;
    if (balanceAfterMm < 0) throw new InsufficientStock(change.cableType, onHandMm, -change.deltaMm);
    const movement: MovementItem = {
      movementId: newMovementId(),
      kind: change.kind,
      cableType: change.cableType,
      deltaMm: change.deltaMm,
      balanceAfterMm,
      ticketId: change.ticketId,
      receiptId: change.receiptId,
      reason: change.reason,
      actorId: change.actorId,
      at: now,
    };
    const own = writes(movement);
    const result = await transactWrite([
      ...own,
      balanceWrite(change.cableType, read, change.deltaMm, now),
      { put: movementRecord(movement), condition: itemIsNew },
    ]);
    if (result.ok) return { movement };
    const failure = stockFailure(result.reasons, own.length);
    if (failure === 'caller') return { refused: result.reasons.slice(0, own.length) };
    if (failure === 'unexpected') {
      throw new Error(`Stock change of ${change.cableType} not written: ${result.reasons.join(', ')}`);
    }
  }
  logger.warn('Stock change gave up after contention', { cableType: change.cableType, kind: change.kind });
  throw new StockBusy(change.cableType);
}
