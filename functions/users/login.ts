/**
 * `POST /auth/login` (public): email and password for Cognito tokens. Send `accessToken` as
 * `Authorization: Bearer <token>`. Answers 401 problem+json for a wrong email or password.
 */
import { ok } from '#shared/platform/http/responses.ts';
import { route } from '#shared/platform/http/route.ts';
import { logInRoute } from '#shared/users/routes.ts';
import { logIn } from '#shared/users/tokens.ts';

export const handler = route(logInRoute, async ({ body }) => ok(await logIn(body.email, body.password)));
