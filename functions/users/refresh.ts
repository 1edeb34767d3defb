/**
 * `POST /auth/refresh` (public): a refresh token for new access and ID tokens; 401 when it is not valid (revoked
 * by a logout) or the account is disabled.
 */
import { ok } from '#shared/platform/http/responses.ts';
import { route } from '#shared/platform/http/route.ts';
import { refreshTokensRoute } from '#shared/users/routes.ts';
import { refreshSession } from '#shared/users/sessions.ts';

export const handler = route(refreshTokensRoute, async ({ body }) =>
  ok(await refreshSession(body.refreshToken)),
);
