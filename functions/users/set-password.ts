/**
 * `POST /auth/password` (public): the first sign-in of an account an admin created. `session` from the 409 of
 * `/auth/login` and the user's own `newPassword`; answers the tokens, as `/auth/login` does. 401 when the session
 * is not valid or expired; 400 when the password breaks a rule of the pool's policy (the schema states each),
 * 422 when Cognito refuses it all the same.
 */
import { ok } from '#shared/platform/http/responses.ts';
import { route } from '#shared/platform/http/route.ts';
import { setNewPasswordRoute } from '#shared/users/routes.ts';
import { completeNewPassword } from '#shared/users/sessions.ts';

export const handler = route(setNewPasswordRoute, async ({ body }) =>
  ok(await completeNewPassword(body.session, body.newPassword)),
);
