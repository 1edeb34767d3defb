/**
 * `POST /me/phone/code`: send a 6-digit code by SMS to the caller's phone number (valid 10 minutes). 202 with the
 * number and the code's expiry; 409 without a number or when it is verified already; 429 within a minute of the
 * last code or over the number's SMS quota.
 */
import { json } from '#shared/platform/http/responses.ts';
import { route } from '#shared/platform/http/route.ts';
import { UserNotFound } from '#shared/users/errors.ts';
import { sendPhoneCode } from '#shared/users/phone-verification.ts';
import { findUser } from '#shared/users/profiles.ts';
import { requestPhoneCodeRoute } from '#shared/users/routes.ts';

// The body (`{}`) is read first, so a malformed body or another media type is a 400 or 415 before any lookup.
export const handler = route(requestPhoneCodeRoute, async ({ actor, body: _empty }) => {
  const user = await findUser(actor.userId, { consistent: true });
  if (!user) throw new UserNotFound();
  return json(202, await sendPhoneCode(user));
});
