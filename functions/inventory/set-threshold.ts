/** `PUT /inventory/thresholds/{cableType}` (admins, the inventory team): a cable type's low-stock threshold. */
import { setThreshold } from '#shared/inventory/operations.ts';
import { setThresholdRoute } from '#shared/inventory/routes.ts';
import { onHandView } from '#shared/inventory/views.ts';
import { ok } from '#shared/platform/http/responses.ts';
import { route } from '#shared/platform/http/route.ts';

export const handler = route(setThresholdRoute, async ({ actor, params, body }) =>
  ok(onHandView(await setThreshold(actor, params.cableType, body))),
);
