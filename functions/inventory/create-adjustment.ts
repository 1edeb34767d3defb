/**
 * `POST /inventory/adjustments` (admins, the inventory team): correct a cable type's stock with a reason; 201 with
 * the `adjustment` movement; 409 when it would take more than is on hand (nothing changes).
 */
import { adjustStock } from '#shared/inventory/operations.ts';
import { createAdjustmentRoute } from '#shared/inventory/routes.ts';
import { movementView } from '#shared/inventory/views.ts';
import { idempotentRoute } from '#shared/platform/http/idempotency-key.ts';
import { json } from '#shared/platform/http/responses.ts';

export const handler = idempotentRoute(createAdjustmentRoute, async ({ actor, body }) =>
  json(201, movementView(await adjustStock(actor, body))),
);
