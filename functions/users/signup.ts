/**
 * `POST /auth/signup` (public): a requester creates their own account, then logs in with `/auth/login`.
 * Answers 201 with the profile; 409 when the email is taken; 400 with field errors.
 */
import { created } from '#shared/platform/http/responses.ts';
import { route } from '#shared/platform/http/route.ts';
import { signUpRequester } from '#shared/users/accounts.ts';
import { signUpRoute } from '#shared/users/routes.ts';

export const handler = route(signUpRoute, async ({ body }) => {
  const user = await signUpRequester(body);
  return created({ userId: user.userId, email: user.email, name: user.name, role: user.role }, '/me');
});
