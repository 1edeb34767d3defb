/**
 * `POST /me/email/verify`: the code mailed to the new address of an email change (`PATCH`/`PUT /users/{userId}`
 * with `email`); the account switches to it: it signs in and gets mail from now on. 200 with the profile; 422 on
 * `/code` for a wrong, expired or used-up code; 409 when no change waits or the address has another account.
 */
import { ok } from '#shared/platform/http/responses.ts';
import { route } from '#shared/platform/http/route.ts';
import { verifyEmailCode } from '#shared/users/email-verification.ts';
import { UserNotFound } from '#shared/users/errors.ts';
import { findUser } from '#shared/users/profiles.ts';
import { verifyEmailRoute } from '#shared/users/routes.ts';
import { userView } from '#shared/users/views.ts';

export const handler = route(verifyEmailRoute, async ({ actor, body }) => {
  const user = await findUser(actor.userId, { consistent: true });
  if (!user) throw new UserNotFound();
  return ok(userView(await verifyEmailCode(user, body.code)));
});
