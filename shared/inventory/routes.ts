/**
 * Inventory routes (PRODUCT "Operations"; issue 11 "Inventory ledger"): receipts, the ledger of movements,
 * adjustments, on-hand by cable type and low-stock thresholds. Writers: admins (`canManageUsers`) and the inventory
 * team (the `INVENTORY_ROLE` role); readers: agents (`canViewAll`) and the writers; anyone else 403 (`policy.ts`).
 * Fulfilling a cable request takes stock through `PATCH`/`PUT /tickets/{ticketId}` (docs/lifecycle.md).
 */
import {
  CreateAdjustmentBody,
  CreateReceiptBody,
  ListMovementsQuery,
  ListReceiptsQuery,
  SetThresholdBody,
  ThresholdParams,
} from '#shared/inventory/schemas.ts';
import type { Route } from '#shared/platform/route-table.ts';

export const createReceiptRoute = {
  id: 'CreateInventoryReceipt',
  method: 'POST',
  path: '/inventory/receipts',
  entry: 'functions/inventory/create-receipt.ts',
  permission: 'signed-in',
  summary: 'Receive cable into stock (admins, the inventory team): a receipt and its ledger movement',
  description:
    'One transaction: the receipt, a `receipt` movement of `lengthMm × quantity` and the cable type’s balance. ' +
    'Lengths are stored in whole millimetres (1 ft = 304.8 mm). 403 for anyone but admins and the inventory team.',
  body: CreateReceiptBody,
  success: {
    status: 201,
    description:
      'The receipt. 422 for a `receivedAt` in the future (UTC) or a length under 1 mm or over 100 km; 409 when ' +
      'the stock stayed contended (retry).',
  },
  problems: ['forbidden', 'unprocessable-content', 'conflict'],
  idempotent: true,
  grants: ['table:read', 'table:writeInventory'],
  settings: ['inventoryRole'],
} as const satisfies Route;

export const listReceiptsRoute = {
  id: 'ListInventoryReceipts',
  method: 'GET',
  path: '/inventory/receipts',
  entry: 'functions/inventory/list-receipts.ts',
  permission: 'signed-in',
  summary: 'Receipts, newest recorded first (agents, admins, the inventory team)',
  query: ListReceiptsQuery,
  success: { status: 200, description: '{ items, nextCursor }. 422 for a cursor of another list.' },
  problems: ['forbidden', 'unprocessable-content'],
  grants: ['table:read'],
  settings: ['inventoryRole'],
} as const satisfies Route;

export const listMovementsRoute = {
  id: 'ListInventoryMovements',
  method: 'GET',
  path: '/inventory/movements',
  entry: 'functions/inventory/list-movements.ts',
  permission: 'signed-in',
  summary: 'The stock ledger, newest first: one cable type’s or every type’s movements, between two days',
  description:
    '`cableType`: that type’s movements only. `from`, `to`: days (UTC), both included. Each movement gives its ' +
    'signed change and the balance right after it, in whole millimetres.',
  query: ListMovementsQuery,
  success: {
    status: 200,
    description:
      '{ items, nextCursor }. 422 for `from` after `to`, or a cursor of another list or other filters.',
  },
  problems: ['forbidden', 'unprocessable-content'],
  grants: ['table:read'],
  settings: ['inventoryRole'],
} as const satisfies Route;

export const createAdjustmentRoute = {
  id: 'CreateInventoryAdjustment',
  method: 'POST',
  path: '/inventory/adjustments',
  entry: 'functions/inventory/create-adjustment.ts',
  permission: 'signed-in',
  summary: 'Correct the stock of a cable type, with a reason (admins, the inventory team); never below zero',
  body: CreateAdjustmentBody,
  success: {
    status: 201,
    description:
      'The `adjustment` movement. 409 when it would take more than is on hand (`onHand` and `needed` in mm, ft ' +
      'and m; nothing changes); 422 for a change under 1 mm or over 100 km, or a negative `value` with a `direction`.',
  },
  problems: ['forbidden', 'conflict', 'unprocessable-content'],
  idempotent: true,
  grants: ['table:read', 'table:writeInventory'],
  settings: ['inventoryRole'],
} as const satisfies Route;

export const getOnHandRoute = {
  id: 'GetInventoryOnHand',
  method: 'GET',
  path: '/inventory/on-hand',
  entry: 'functions/inventory/get-on-hand.ts',
  permission: 'signed-in',
  summary:
    'Every cable type on hand in mm, ft and m, with its low-stock threshold (agents, admins, inventory)',
  success: {
    status: 200,
    description:
      'Every cable type, in a fixed order (a type never received: 0), read from the balances (one Query), never ' +
      'summed from the ledger.',
  },
  problems: ['forbidden'],
  grants: ['table:read'],
  settings: ['inventoryRole'],
} as const satisfies Route;

export const setThresholdRoute = {
  id: 'SetInventoryThreshold',
  method: 'PUT',
  path: '/inventory/thresholds/{cableType}',
  entry: 'functions/inventory/set-threshold.ts',
  permission: 'signed-in',
  summary: 'Set a cable type’s low-stock threshold (admins, the inventory team)',
  description:
    'Below the threshold the type shows `low` and the inventory team is told when a stock change crosses it. ' +
    '`value` 0: never low. A name that is not a cable type is a 404.',
  params: ThresholdParams,
  body: SetThresholdBody,
  success: { status: 200, description: 'The cable type’s stock with its new threshold. 422 over 100 km.' },
  problems: ['forbidden', 'unprocessable-content'],
  grants: ['table:read', 'table:writeInventory'],
  settings: ['inventoryRole'],
} as const satisfies Route;

/** Every route of this feature, for `shared/routes.ts`. */
export const inventoryRoutes = [
  createReceiptRoute,
  listReceiptsRoute,
  listMovementsRoute,
  createAdjustmentRoute,
  getOnHandRoute,
  setThresholdRoute,
] as const;
