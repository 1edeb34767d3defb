/**
 * Cognito token exchanges with the app client (no client secret): `USER_PASSWORD_AUTH` and
 * `REFRESH_TOKEN_AUTH` ("InitiateAuth", Cognito API reference).
 */
import {
  type AuthenticationResultType,
  InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { cognitoClient } from '#shared/platform/aws-clients.ts';
import { config } from '#shared/platform/config.ts';
import { accountError } from '#shared/users/cognito-errors.ts';

/** Tokens as the API returns them. `expiresIn` is in seconds (Cognito's default access token life: 3600). */
export interface Tokens {
  readonly accessToken: string;
  readonly idToken: string;
  readonly refreshToken?: string;
  readonly expiresIn: number;
  readonly tokenType: 'Bearer';
}

function tokensOf(result: AuthenticationResultType | undefined, refreshToken?: string): Tokens {
  if (!result?.AccessToken || !result.IdToken) throw new Error('Cognito returned no tokens');
  return {
    accessToken: result.AccessToken,
    idToken: result.IdToken,
    ...(result.RefreshToken || refreshToken ? { refreshToken: result.RefreshToken ?? refreshToken } : {}),
    expiresIn: result.ExpiresIn ?? 3600,
    tokenType: 'Bearer',
  };
}

/** @throws NotAuthenticated for a wrong email or password; NotAllowed, RateLimited; other Cognito errors */
export async function logIn(email: string, password: string): Promise<Tokens> {
  const { AuthenticationResult } = await cognitoClient()
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
  return tokensOf(AuthenticationResult);
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
