/** What the API shows of receipts, movements and balances (typed by `responses.ts`, a type-only import). */
import type * as z from 'zod/mini';
import type { MovementItem, ReceiptItem } from '#shared/inventory/inventory.entity.ts';
import { inUnits, isLowStock } from '#shared/inventory/ledger.ts';
import type { OnHand } from '#shared/inventory/operations.ts';
import type { MovementView, OnHandView, ReceiptView } from '#shared/inventory/responses.ts';

export const receiptView = (receipt: ReceiptItem): z.output<typeof ReceiptView> => ({
  receiptId: receipt.receiptId,
  cableType: receipt.cableType,
  length: { value: receipt.length.value, unit: receipt.length.unit },
  lengthMm: receipt.lengthMm,
  quantity: receipt.quantity,
  totalMm: receipt.totalMm,
  supplier: receipt.supplier,
  reference: receipt.reference,
  receivedAt: receipt.receivedAt,
  movementId: receipt.movementId,
  recordedBy: receipt.recordedBy,
  createdAt: receipt.createdAt,
});

export const movementView = (movement: MovementItem): z.output<typeof MovementView> => ({
  movementId: movement.movementId,
  kind: movement.kind,
  cableType: movement.cableType,
  deltaMm: movement.deltaMm,
  balanceAfterMm: movement.balanceAfterMm,
  ticketId: movement.ticketId ?? null,
  receiptId: movement.receiptId ?? null,
  reason: movement.reason ?? null,
  actorId: movement.actorId,
  at: movement.at,
});

/** A type's stock in mm, ft and m, its threshold and whether it is low (`isLowStock`). */
export function onHandView(stock: OnHand): z.output<typeof OnHandView> {
  const { ft, m } = inUnits(stock.onHandMm);
  return {
    cableType: stock.cableType,
    onHandMm: stock.onHandMm,
    onHandFt: ft,
    onHandM: m,
    lowStockThresholdMm: stock.lowStockThresholdMm ?? null,
    low: isLowStock(stock),
    updatedAt: stock.updatedAt ?? null,
  };
}
