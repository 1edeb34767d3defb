/**
 * Cognito token exchanges with the app client (no client secret, so no IAM permission either):
 * `USER_PASSWORD_AUTH`, the `NEW_PASSWORD_REQUIRED` challenge of an account with a temporary password,
 * `REFRESH_TOKEN_AUTH` ("InitiateAuth", "RespondToAuthChallenge", Cognito API reference) and `RevokeToken`.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import {
  type AuthenticationResultType,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  RevokeTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type * as z from 'zod/mini';
import { cognitoClient } from '#shared/platform/aws-clients.ts';
import { config } from '#shared/platform/config.ts';
import { cursorSecretValues } from '#shared/platform/cursor.ts';
import { NotAuthenticated } from '#shared/platform/errors.ts';
import { accountError } from '#shared/users/cognito-errors.ts';
import { PasswordChangeRequired } from '#shared/users/errors.ts';
import type { TokensView } from '#shared/users/responses.ts';

/**
 * Tokens as the API returns them (`Tokens` in `responses.ts`): `expiresIn` in seconds (Cognito's default access
 * token life: 3600); `refreshToken` the one Cognito issued at sign-in, and on a refresh the one refreshed.
 */
export type Tokens = z.output<typeof TokensView>;

/**
 * The tokens of a Cognito answer. A password sign-in always gets a refresh token; a refresh gets none (Cognito
 * keeps the one refreshed), so `refreshToken` is the one sent.
 * @throws Error when Cognito answered without access, ID or refresh token (a 500: not the client's doing)
 */
function tokensOf(result: AuthenticationResultType | undefined, refreshToken?: string): Tokens {
  const refreshed = result?.RefreshToken ?? refreshToken;
  if (!result?.AccessToken || !result.IdToken || !refreshed) throw new Error('Cognito returned no tokens');
  return {
    accessToken: result.AccessToken,
    idToken: result.IdToken,
    refreshToken: refreshed,
    expiresIn: result.ExpiresIn ?? 3600,
    tokenType: 'Bearer',
  };
}

/**
 * The user id (`sub`) of a token Cognito has just issued to this function (read without verifying: it did not
 * come from a client).
 */
export function subjectOf(token: string): string {
  const payload = token.split('.')[1] ?? '';
  const sub = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { sub?: unknown }).sub;
  if (typeof sub !== 'string') throw new Error('Cognito issued a token without sub');
  return sub;
}

/**
 * The challenge session the API hands out: Cognito's session and the user name the answer must name
 * (`USER_ID_FOR_SRP`: with email sign-in Cognito wants the internal user name, not the email), as base64url JSON
 * with an HMAC-SHA256 keyed by the cursor key secret (read at run time, `cursorSecretValues`), so a client cannot point a session at another user. Cognito binds
 * its session to the user as well; cognito-local does not check it at all.
 */
const sessionSignature = (key: string, payload: string) =>
  createHmac('sha256', key).update(`new-password:${payload}`).digest('base64url');

const encodeSession = async (username: string, session: string) => {
  const [key = ''] = await cursorSecretValues();
  const payload = Buffer.from(JSON.stringify({ u: username, s: session })).toString('base64url');
  return `${payload}.${sessionSignature(key, payload)}`;
};

async function decodeSession(session: string): Promise<{ u: string; s: string }> {
  const [payload = '', signature = ''] = session.split('.');
  const given = Buffer.from(signature);
  // The current key, or the previous one for a session handed out just before a rotation.
  for (const key of await cursorSecretValues()) {
    const expected = Buffer.from(sessionSignature(key, payload));
    if (expected.length === given.length && timingSafeEqual(expected, given)) {
      const decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
        u?: unknown;
        s?: unknown;
      };
      if (typeof decoded.u === 'string' && typeof decoded.s === 'string')
        return { u: decoded.u, s: decoded.s };
    }
  }
  throw new NotAuthenticated('The session is not valid; log in again.');
}

/**
 * Email and password for tokens.
 * @throws NotAuthenticated for a wrong email or password; PasswordChangeRequired (with the challenge session) when
 *   the password is a temporary one; NotAllowed, RateLimited; other Cognito errors
 */
export async function logIn(email: string, password: string): Promise<Tokens> {
  const result = await cognitoClient()
    .send(
      new InitiateAuthCommand({
        ClientId: config.userPoolClientId,
        AuthFlow: 'USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: email.toLowerCase(), PASSWORD: password },
      }),
    )
    .catch((error: unknown) => {
      throw accountError(error, 'login');
    });
  if (result.ChallengeName === 'NEW_PASSWORD_REQUIRED' && result.Session) {
    const username = result.ChallengeParameters?.USER_ID_FOR_SRP ?? email.toLowerCase();
    throw new PasswordChangeRequired(await encodeSession(username, result.Session));
  }
  if (result.ChallengeName) throw new Error(`Unexpected Cognito challenge ${result.ChallengeName}`);
  return tokensOf(result.AuthenticationResult);
}

/**
 * Answer the `NEW_PASSWORD_REQUIRED` challenge: the user's own password replaces the temporary one.
 * @returns the user name Cognito knows the user by (to sign in again)
 * @throws NotAuthenticated when the session is not valid or expired (3 minutes on AWS); InvalidInput on
 *   `/newPassword` when the pool refuses it
 */
export async function setNewPassword(session: string, newPassword: string): Promise<string> {
  const { u: username, s: cognitoSession } = await decodeSession(session);
  await cognitoClient()
    .send(
      new RespondToAuthChallengeCommand({
        ClientId: config.userPoolClientId,
        ChallengeName: 'NEW_PASSWORD_REQUIRED',
        Session: cognitoSession,
        ChallengeResponses: { USERNAME: username, NEW_PASSWORD: newPassword },
      }),
    )
    .catch((error: unknown) => {
      throw accountError(error, 'challenge');
    });
  return username;
}

/**
 * New access and ID tokens; the refresh token stays the same.
 * @throws NotAuthenticated when the refresh token is not valid; RateLimited; other Cognito errors
 */
export async function refresh(refreshToken: string): Promise<Tokens> {
  const { AuthenticationResult } = await cognitoClient()
    .send(
      new InitiateAuthCommand({
        ClientId: config.userPoolClientId,
        AuthFlow: 'REFRESH_TOKEN_AUTH',
        AuthParameters: { REFRESH_TOKEN: refreshToken },
      }),
    )
    .catch((error: unknown) => {
      throw accountError(error, 'refresh');
    });
  return tokensOf(AuthenticationResult, refreshToken);
}

/**
 * Revoke a refresh token (`RevokeToken`; the app client has token revocation on): it gives no new tokens from
 * now on.
 * @throws InvalidInput on `/refreshToken` when Cognito does not know it (or it was revoked already)
 */
export async function revokeRefreshToken(refreshToken: string): Promise<void> {
  await cognitoClient()
    .send(new RevokeTokenCommand({ ClientId: config.userPoolClientId, Token: refreshToken }))
    .catch((error: unknown) => {
      throw accountError(error, 'revoke');
    });
}
