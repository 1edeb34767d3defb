/**
 * `POST /me/phone/verify`: the SMS code of `POST /me/phone/code`; the number is verified and gets SMS from now on
 * (with `smsOptIn`). 200 with the profile; 422 on `/code` for a wrong, expired or used-up code; 409 without a
 * number or when it is verified already.
 */
import { ok } from '#shared/platform/http/responses.ts';
import { route } from '#shared/platform/http/route.ts';
import { UserNotFound } from '#shared/users/errors.ts';
import { verifyPhoneCode } from '#shared/users/phone-verification.ts';
import { findUser } from '#shared/users/profiles.ts';
import { verifyPhoneRoute } from '#shared/users/routes.ts';
import { userView } from '#shared/users/views.ts';

export const handler = route(verifyPhoneRoute, async ({ actor, body }) => {
  const user = await findUser(actor.userId, { consistent: true });
  if (!user) throw new UserNotFound();
  return ok(userView(await verifyPhoneCode(user, body.code)));
});
