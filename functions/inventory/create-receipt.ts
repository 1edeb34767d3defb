/**
 * `POST /inventory/receipts` (admins, the inventory team): receive cable into stock; 201 with the receipt. The
 * receipt, its ledger movement and the balance are one transaction. `Idempotency-Key`: a retry answers the first
 * response and adds nothing.
 */
import { receiveStock } from '#shared/inventory/operations.ts';
import { createReceiptRoute } from '#shared/inventory/routes.ts';
import { receiptView } from '#shared/inventory/views.ts';
import { idempotentRoute } from '#shared/platform/http/idempotency-key.ts';
import { json } from '#shared/platform/http/responses.ts';

export const handler = idempotentRoute(createReceiptRoute, async ({ actor, body }) =>
  json(201, receiptView(await receiveStock(actor, body))),
);
