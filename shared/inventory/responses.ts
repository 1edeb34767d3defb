/**
 * What the inventory routes answer, for the OpenAPI document and the contract tests (doc-only): each route's success
 * body schema (the views are typed by them) and an example. Only the document generator and the tests import it.
 */
import * as z from 'zod/mini';
import { cableTypes, lengthUnits } from '#shared/inventory/cable.ts';
import { movementKinds } from '#shared/inventory/inventory.entity.ts';
import type { inventoryRoutes } from '#shared/inventory/routes.ts';
import {
  type CreateAdjustmentBody,
  type CreateReceiptBody,
  inventoryLimits,
  type SetThresholdBody,
} from '#shared/inventory/schemas.ts';
import { nextCursor } from '#shared/platform/responses.ts';
import { documented, type RouteResponses } from '#shared/platform/route-table.ts';
import { UserId } from '#shared/platform/schemas.ts';

const ulidOf = (description: string) =>
  z.string().check(z.length(26), z.regex(/^[0-9A-HJKMNP-TV-Z]{26}$/), z.meta({ description }));
const timeOf = (description: string) => z.iso.datetime().check(z.maxLength(30), z.meta({ description }));
/** Whole millimetres (at most 2^53 − 1). */
const mm = (description: string, min = 0) =>
  z.number().check(z.int(), z.gte(min), z.lte(Number.MAX_SAFE_INTEGER), z.meta({ description }));
const signedMm = (description: string) =>
  z
    .number()
    .check(z.int(), z.gte(-Number.MAX_SAFE_INTEGER), z.lte(Number.MAX_SAFE_INTEGER), z.meta({ description }));
const decimal = (description: string) => z.number().check(z.gte(0), z.meta({ description }));

/** A receipt. */
export const ReceiptView = /* @__PURE__ */ (() =>
  z
    .object({
      receiptId: ulidOf('The receipt'),
      cableType: z.enum(cableTypes),
      length: z
        .object({ value: z.number().check(z.gt(0)), unit: z.enum(lengthUnits) })
        .check(z.meta({ description: 'One piece’s length as given' })),
      lengthMm: mm('One piece’s length, whole millimetres', 1),
      quantity: z.number().check(z.int(), z.gte(1), z.lte(inventoryLimits.quantity)),
      totalMm: mm('What the receipt added: lengthMm × quantity', 1),
      supplier: z.string().check(z.minLength(1), z.maxLength(inventoryLimits.supplier)),
      reference: z.string().check(z.minLength(1), z.maxLength(inventoryLimits.reference)),
      receivedAt: z.iso.date().check(z.maxLength(10), z.meta({ description: 'The day the goods came in' })),
      movementId: ulidOf('Its `receipt` movement in the ledger'),
      recordedBy: UserId,
      createdAt: timeOf('When it was recorded'),
    })
    .check(z.meta({ id: 'InventoryReceipt', description: 'A delivery of cable received into stock' })))();

export const ReceiptPageView = /* @__PURE__ */ (() =>
  z
    .object({
      items: z.array(ReceiptView).check(z.maxLength(100)),
      nextCursor: nextCursor(),
    })
    .check(z.meta({ id: 'InventoryReceiptPage', description: 'Receipts, newest recorded first' })))();

/** A movement of the ledger. */
export const MovementView = /* @__PURE__ */ (() =>
  z
    .object({
      movementId: ulidOf('The movement (sorts by time)'),
      kind: z.enum(movementKinds),
      cableType: z.enum(cableTypes),
      deltaMm: signedMm('The change, whole millimetres: + into stock, − out of it'),
      balanceAfterMm: mm('On hand right after this movement, whole millimetres'),
      ticketId: z.nullable(ulidOf('The cable request fulfilled, or whose fulfilment was undone')),
      receiptId: z.nullable(ulidOf('The receipt, for a `receipt` movement')),
      reason: z.nullable(
        z.string().check(z.maxLength(1000), z.meta({ description: 'Why: an adjustment’s reason, an undo' })),
      ),
      actorId: UserId,
      at: timeOf('When'),
    })
    .check(
      z.meta({
        id: 'InventoryMovement',
        description:
          'One stock change of the ledger (receipt, fulfilment, adjustment, reversal); never changed',
      }),
    ))();

export const MovementPageView = /* @__PURE__ */ (() =>
  z
    .object({
      items: z.array(MovementView).check(z.maxLength(100)),
      nextCursor: nextCursor(),
    })
    .check(z.meta({ id: 'InventoryMovementPage', description: 'Movements, newest first' })))();

/** One cable type's stock. */
export const OnHandView = /* @__PURE__ */ (() =>
  z
    .object({
      cableType: z.enum(cableTypes),
      onHandMm: mm('On hand, whole millimetres'),
      onHandFt: decimal('On hand in feet (2 decimals)'),
      onHandM: decimal('On hand in metres (2 decimals)'),
      lowStockThresholdMm: z.nullable(mm('Below this the type is low on stock; null: no threshold')),
      low: z.boolean().check(z.meta({ description: 'A threshold is set and less than it is on hand' })),
      updatedAt: z.nullable(timeOf('The last write of the balance; null: never received')),
    })
    .check(
      z.meta({ id: 'InventoryOnHand', description: 'The stock of one cable type, from its balance' }),
    ))();

export const OnHandListView = /* @__PURE__ */ (() =>
  z
    .object({ items: z.array(OnHandView).check(z.maxLength(cableTypes.length)) })
    .check(
      z.meta({ id: 'InventoryOnHandList', description: 'Every cable type’s stock, in a fixed order' }),
    ))();

const actor = '2b9d0c41-6e7f-4a8b-9c0d-1e2f3a4b5c6d';
const receipt = {
  receiptId: '01JDQAB2C3D4E5F6G7H8J9K0M1',
  cableType: 'Cat6',
  length: { value: 500, unit: 'ft' },
  lengthMm: 152_400,
  quantity: 1,
  totalMm: 152_400,
  supplier: 'Acme Cable Co.',
  reference: 'DN-2026-1187',
  receivedAt: '2026-12-01',
  movementId: '01JDQAB2C3D4E5F6G7H8J9K0M2',
  recordedBy: actor,
  createdAt: '2026-12-01T09:00:00.000Z',
} as const satisfies z.output<typeof ReceiptView>;
const receiptMovement = {
  movementId: receipt.movementId,
  kind: 'receipt',
  cableType: 'Cat6',
  deltaMm: 152_400,
  balanceAfterMm: 152_400,
  ticketId: null,
  receiptId: receipt.receiptId,
  reason: null,
  actorId: actor,
  at: receipt.createdAt,
} as const satisfies z.output<typeof MovementView>;
const fulfilment = {
  ...receiptMovement,
  movementId: '01JDQCD2C3D4E5F6G7H8J9K0M3',
  kind: 'fulfilment',
  deltaMm: -30_480,
  balanceAfterMm: 121_920,
  ticketId: '01JDQBB2C3D4E5F6G7H8J9K0M4',
  receiptId: null,
  actorId: '7c1e4a52-90b1-4f7d-8a2e-3b6f0d9c1e44',
  at: '2026-12-01T11:00:00.000Z',
} as const satisfies z.output<typeof MovementView>;
const cat6 = {
  cableType: 'Cat6',
  onHandMm: 121_920,
  onHandFt: 400,
  onHandM: 121.92,
  lowStockThresholdMm: 30_480,
  low: false,
  updatedAt: fulfilment.at,
} as const satisfies z.output<typeof OnHandView>;

export const inventoryResponses: RouteResponses<(typeof inventoryRoutes)[number]> = {
  CreateInventoryReceipt: documented(ReceiptView, {
    request: {
      cableType: 'Cat6',
      length: { value: 500, unit: 'ft' },
      quantity: 1,
      supplier: receipt.supplier,
      reference: receipt.reference,
      receivedAt: receipt.receivedAt,
    } satisfies z.input<typeof CreateReceiptBody>,
    example: receipt,
  }),
  ListInventoryReceipts: documented(ReceiptPageView, { example: { items: [receipt], nextCursor: null } }),
  ListInventoryMovements: documented(MovementPageView, {
    example: { items: [fulfilment, receiptMovement], nextCursor: null },
  }),
  CreateInventoryAdjustment: documented(MovementView, {
    request: {
      cableType: 'Cat6',
      delta: { value: 10, unit: 'ft', direction: 'remove' },
      reason: 'Stock count: one damaged box',
    } satisfies z.input<typeof CreateAdjustmentBody>,
    example: {
      ...receiptMovement,
      movementId: '01JDQDD2C3D4E5F6G7H8J9K0M5',
      kind: 'adjustment',
      deltaMm: -3048,
      balanceAfterMm: 118_872,
      receiptId: null,
      reason: 'Stock count: one damaged box',
      at: '2026-12-01T12:00:00.000Z',
    },
  }),
  GetInventoryOnHand: documented(OnHandListView, {
    example: {
      items: [
        cat6,
        {
          cableType: 'Cat6a',
          onHandMm: 0,
          onHandFt: 0,
          onHandM: 0,
          lowStockThresholdMm: null,
          low: false,
          updatedAt: null,
        },
      ],
    },
  }),
  SetInventoryThreshold: documented(OnHandView, {
    request: { length: { value: 100, unit: 'ft' } } satisfies z.input<typeof SetThresholdBody>,
    example: cat6,
  }),
};
