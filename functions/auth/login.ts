/**
 * `POST /auth/login` (public): email and password for Cognito tokens. Send `accessToken` as
 * `Authorization: Bearer <token>`. Answers 401 problem+json for a wrong email or password.
 */
import { LogInBody } from '#shared/api/schemas.ts';
import { cognitoProblem } from '#shared/auth/cognito-errors.ts';
import { logIn } from '#shared/auth/tokens.ts';
import { publicRoute } from '#shared/http/handler.ts';
import { ok } from '#shared/http/responses.ts';

export const handler = publicRoute({ body: LogInBody }, async ({ body }) =>
  ok(
    await logIn(body.email, body.password).catch((error: unknown) => {
      throw cognitoProblem(error, 'login');
    }),
  ),
);
