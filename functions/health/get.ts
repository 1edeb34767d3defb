/** `GET /health` (public): liveness. Touches nothing, so it stays cheap and cannot leak state. */
import { publicRoute } from '#shared/http/handler.ts';
import { ok } from '#shared/http/responses.ts';

export const handler = publicRoute({}, async () => ok({ status: 'ok' }));
