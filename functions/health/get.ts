/** `GET /health` (public): liveness. Touches nothing, so it stays cheap and cannot leak state. */
import { ok } from '#shared/platform/http/responses.ts';
import { route } from '#shared/platform/http/route.ts';
import { getHealthRoute } from '#shared/platform/routes.ts';

export const handler = route(getHealthRoute, async () => ok({ status: 'ok' }));
