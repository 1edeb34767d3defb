/** `GET /inventory/receipts?limit=&cursor=`: receipts, newest recorded first (agents, admins, the inventory team). */
import { listReceipts } from '#shared/inventory/operations.ts';
import { listReceiptsRoute } from '#shared/inventory/routes.ts';
import { receiptView } from '#shared/inventory/views.ts';
import { ok } from '#shared/platform/http/responses.ts';
import { route } from '#shared/platform/http/route.ts';

export const handler = route(listReceiptsRoute, async ({ actor, query }) => {
  const page = await listReceipts(actor, query);
  return ok({ items: page.items.map(receiptView), nextCursor: page.nextCursor });
});
