/**
 * `POST /auth/signup` (public): a requester creates their own account (S2), then logs in with `/auth/login`.
 * Answers 201 with the profile; 409 when the email is taken; 400 with field errors.
 */
import { SignUpBody } from '#shared/api/schemas.ts';
import { signUpRequester } from '#shared/auth/accounts.ts';
import { cognitoProblem } from '#shared/auth/cognito-errors.ts';
import { publicRoute } from '#shared/http/handler.ts';
import { created } from '#shared/http/responses.ts';

export const handler = publicRoute({ body: SignUpBody }, async ({ body }) => {
  const user = await signUpRequester(body).catch((error: unknown) => {
    throw cognitoProblem(error, 'signup');
  });
  return created({ userId: user.userId, email: user.email, name: user.name, role: user.role }, '/me');
});
