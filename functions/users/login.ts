/**
 * `POST /auth/login` (public): email and password for Cognito tokens. Send `accessToken` as
 * `Authorization: Bearer <token>`. 401 problem+json for a wrong email or password or a disabled account; 409 with
 * `challenge: 'NEW_PASSWORD_REQUIRED'` and `session` for a temporary password (then `POST /auth/password`).
 */
import { ok } from '#shared/platform/http/responses.ts';
import { route } from '#shared/platform/http/route.ts';
import { logInRoute } from '#shared/users/routes.ts';
import { signIn } from '#shared/users/sessions.ts';

export const handler = route(logInRoute, async ({ body }) => ok(await signIn(body.email, body.password)));
