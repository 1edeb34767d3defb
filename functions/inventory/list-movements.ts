/** `GET /inventory/movements?cableType=&from=&to=&limit=&cursor=`: the stock ledger, newest first. */
import { listMovements } from '#shared/inventory/operations.ts';
import { listMovementsRoute } from '#shared/inventory/routes.ts';
import { movementView } from '#shared/inventory/views.ts';
import { ok } from '#shared/platform/http/responses.ts';
import { route } from '#shared/platform/http/route.ts';

export const handler = route(listMovementsRoute, async ({ actor, query }) => {
  const page = await listMovements(actor, query);
  return ok({ items: page.items.map(movementView), nextCursor: page.nextCursor });
});
