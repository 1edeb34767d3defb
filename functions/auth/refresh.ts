/** `POST /auth/refresh` (public): a refresh token for new access and ID tokens; 401 when it is not valid. */
import { RefreshBody } from '#shared/api/schemas.ts';
import { cognitoProblem } from '#shared/auth/cognito-errors.ts';
import { refresh } from '#shared/auth/tokens.ts';
import { publicRoute } from '#shared/http/handler.ts';
import { ok } from '#shared/http/responses.ts';

export const handler = publicRoute({ body: RefreshBody }, async ({ body }) =>
  ok(
    await refresh(body.refreshToken).catch((error: unknown) => {
      throw cognitoProblem(error, 'refresh');
    }),
  ),
);
