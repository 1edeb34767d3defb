/**
 * `POST /auth/confirm/resend` (public): mail a new confirmation code (`ResendConfirmationCode`) to an address that
 * signed up and is not confirmed. At most one per address a minute (a cooldown item: 429 before); 204 for any
 * address otherwise, so it tells nobody who has an account.
 */
import { RateLimited } from '#shared/platform/errors.ts';
import { route } from '#shared/platform/http/route.ts';
import { resendConfirmationCode } from '#shared/users/accounts.ts';
import { takeCooldown } from '#shared/users/cooldown.entity.ts';
import { resendConfirmationCodeRoute } from '#shared/users/routes.ts';

export const handler = route(resendConfirmationCodeRoute, async ({ body }) => {
  if (!(await takeCooldown('confirmation-code', body.email)))
    throw new RateLimited('A code was sent to this address less than a minute ago; wait and retry.');
  await resendConfirmationCode(body.email);
  return { statusCode: 204, headers: { 'cache-control': 'no-store' } };
});
