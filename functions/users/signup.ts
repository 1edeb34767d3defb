/**
 * `POST /auth/signup` (public): a requester creates their own account, then logs in with `/auth/login`.
 * Answers 201 with the account (`NewAccount`) and `Location: /me`; 409 when the email is taken; 400 with field
 * errors; 422 when Cognito refuses the password or an attribute.
 */
import type * as z from 'zod/mini';
import { created } from '#shared/platform/http/responses.ts';
import { route } from '#shared/platform/http/route.ts';
import { signUpRole } from '#shared/roles/roles.ts';
import { signUpRequester } from '#shared/users/accounts.ts';
import type { NewAccountView } from '#shared/users/responses.ts';
import { signUpRoute } from '#shared/users/routes.ts';

export const handler = route(signUpRoute, async ({ body }) => {
  const user = await signUpRequester(body);
  const account: z.output<typeof NewAccountView> = {
    userId: user.userId,
    email: user.email,
    name: user.name,
    role: signUpRole,
  };
  return created(account, '/me');
});
