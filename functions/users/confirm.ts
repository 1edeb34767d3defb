/**
 * `POST /auth/confirm` (public): confirm the email of a self sign-up with the 6-digit code Cognito mailed
 * (`ConfirmSignUp`), then mark the profile's email verified. 204; 422 on `/code` for a wrong or expired code, and
 * alike for an unknown or confirmed address (docs/security.md, "Identity").
 */
import { route } from '#shared/platform/http/route.ts';
import { confirmAccount } from '#shared/users/accounts.ts';
import { confirmSignUpRoute } from '#shared/users/routes.ts';

export const handler = route(confirmSignUpRoute, async ({ body }) => {
  await confirmAccount(body.email, body.code);
  return { statusCode: 204, headers: { 'cache-control': 'no-store' } };
});
