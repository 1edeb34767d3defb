/** `GET /inventory/on-hand`: every cable type's stock in mm, ft and m, with its threshold (from the balances). */
import { onHand } from '#shared/inventory/operations.ts';
import { getOnHandRoute } from '#shared/inventory/routes.ts';
import { onHandView } from '#shared/inventory/views.ts';
import { ok } from '#shared/platform/http/responses.ts';
import { route } from '#shared/platform/http/route.ts';

export const handler = route(getOnHandRoute, async ({ actor }) =>
  ok({ items: (await onHand(actor)).map(onHandView) }),
);
