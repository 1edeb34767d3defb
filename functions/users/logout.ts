/**
 * `POST /auth/logout`: revoke the refresh token sent in the body; every access token issued to the caller so far
 * is refused from the next request on. 204; 422 when Cognito does not know the refresh token (the access tokens
 * are refused all the same).
 */
import { route } from '#shared/platform/http/route.ts';
import { logOutRoute } from '#shared/users/routes.ts';
import { logOut } from '#shared/users/sessions.ts';

export const handler = route(logOutRoute, async ({ actor, body }) => {
  await logOut(actor, body.refreshToken);
  return { statusCode: 204, headers: { 'cache-control': 'no-store' } };
});
