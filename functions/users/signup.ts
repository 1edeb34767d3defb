/**
 * `POST /auth/signup` (public): a requester creates their own account, unconfirmed: Cognito mails a code to the
 * address, `POST /auth/confirm` confirms it, then the requester logs in with `/auth/login`.
 * Answers 201 with the account (`NewAccount`) and `Location: /me`; 400 with field errors (one per password rule);
 * 422 when Cognito refuses the password or an attribute.
 *
 * An email that has an account gets the very same answer (status, headers, body shape: the `userId` is then a
 * random one that names no account), and its owner a mail instead (at most one an hour per address:
 * `sendSignUpNotice`): sign-up does not tell who has an account (docs/security.md, "Identity"). Nothing is
 * created or changed for that email.
 */
import { randomUUID } from 'node:crypto';
import type * as z from 'zod/mini';
import { created } from '#shared/platform/http/responses.ts';
import { route } from '#shared/platform/http/route.ts';
import { signUpRole } from '#shared/roles/roles.ts';
import { signUpRequester } from '#shared/users/accounts.ts';
import type { NewAccountView } from '#shared/users/responses.ts';
import { signUpRoute } from '#shared/users/routes.ts';
import { sendSignUpNotice } from '#shared/users/signup-notice.ts';

export const handler = route(signUpRoute, async ({ body }) => {
  const outcome = await signUpRequester(body);
  if (!outcome.created) await sendSignUpNotice(outcome.email);
  const account: z.output<typeof NewAccountView> = {
    userId: outcome.created ? outcome.profile.userId : randomUUID(),
    email: outcome.created ? outcome.profile.email : outcome.email,
    name: outcome.created ? outcome.profile.name : body.name,
    role: signUpRole,
  };
  return created(account, '/me');
});
