/** `GET /health` (public): liveness. Touches nothing, so it stays cheap and cannot leak state. */

import { publicRoute } from '#shared/platform/http/public-route.ts';
import { ok } from '#shared/platform/http/responses.ts';
import { getHealthRoute } from '#shared/platform/routes.ts';

export const handler = publicRoute(getHealthRoute, async () =>
  ok({ status: 'ok', links: { docs: '/docs', openapi: '/openapi.json' } }),
);
