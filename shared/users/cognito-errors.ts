/**
 * Maps Cognito errors a client can cause to domain errors, so that a client mistake is never a 500.
 * Names from the Cognito API reference (SignUp, InitiateAuth, RespondToAuthChallenge, ChangePassword,
 * AdminUpdateUserAttributes, RevokeToken errors); cognito-local answers `InvalidPasswordException` for a wrong
 * password where Cognito says `NotAuthorizedException`.
 */
import { Conflict, InvalidInput, NotAuthenticated, RateLimited } from '#shared/platform/errors.ts';

/**
 * The one answer to a login that gets no tokens for want of the right email and password, or of a confirmed
 * address (a new account signs in once the code mailed at sign-up came back).
 */
export const wrongCredentials =
  'Email or password is wrong, or the address is not confirmed yet (POST /auth/confirm with the mailed code; a new code: POST /auth/confirm/resend).';

/** What the API was doing when Cognito answered. */
export type AccountOperation =
  | 'signup'
  | 'login'
  | 'refresh'
  | 'update'
  | 'password'
  | 'challenge'
  | 'revoke'
  | 'confirm';

/** The domain error for a Cognito error, or the error itself when it is not the client's doing. */
export function accountError(error: unknown, operation: AccountOperation): unknown {
  const name = (error as { name?: string } | undefined)?.name;
  const message = (error as { message?: string } | undefined)?.message ?? '';
  if (name === 'UsernameExistsException' || name === 'AliasExistsException')
    return new Conflict('An account with this email exists.');
  if (operation === 'confirm') {
    // ConfirmSignUp: a wrong code, an expired one, an unknown address and an account confirmed already (AWS:
    // NotAuthorizedException; cognito-local: ExpiredCodeException) all answer alike, so a code round reveals no account.
    if (
      name === 'TooManyRequestsException' ||
      name === 'LimitExceededException' ||
      name === 'TooManyFailedAttemptsException'
    )
      return new RateLimited('Too many attempts; wait and retry.');
    if (
      name === 'CodeMismatchException' ||
      name === 'ExpiredCodeException' ||
      name === 'UserNotFoundException' ||
      name === 'NotAuthorizedException'
    )
      return new InvalidInput([
        {
          in: 'body',
          pointer: '/code',
          detail: 'The code is wrong or expired; ask for a new one with POST /auth/confirm/resend.',
        },
      ]);
  }
  if (
    operation === 'password' &&
    (name === 'NotAuthorizedException' || name === 'InvalidPasswordException')
  ) {
    // ChangePassword: a wrong current password is NotAuthorized on AWS, InvalidPassword on cognito-local.
    return new InvalidInput([
      { in: 'body', pointer: '/currentPassword', detail: 'The current password is wrong.' },
    ]);
  }
  if (name === 'InvalidPasswordException' && operation !== 'login') {
    const pointer = operation === 'challenge' ? '/newPassword' : '/password';
    return new InvalidInput([{ in: 'body', pointer, detail: message || 'Password too weak.' }]);
  }
  if (name === 'InvalidParameterException' && (operation === 'signup' || operation === 'update'))
    return new InvalidInput([{ in: 'body', pointer: '', detail: message || 'Invalid account data.' }]);
  if (operation === 'revoke' && (name === 'UnauthorizedException' || name === 'NotAuthorizedException'))
    return new InvalidInput([
      {
        in: 'body',
        pointer: '/refreshToken',
        detail: 'Not a refresh token of this app, or already revoked.',
      },
    ]);
  if (
    name === 'NotAuthorizedException' ||
    name === 'UserNotFoundException' ||
    (operation === 'login' && name === 'InvalidPasswordException')
  ) {
    if (/disabled/i.test(message)) return new NotAuthenticated('This account is disabled.');
    if (operation === 'refresh') return new NotAuthenticated('The refresh token is not valid.');
    if (operation === 'challenge') return new NotAuthenticated('The session expired; log in again.');
    return new NotAuthenticated(wrongCredentials);
  }
  if (name === 'CodeMismatchException' || name === 'ExpiredCodeException')
    return new NotAuthenticated('The session expired; log in again.');
  // The same answer as a wrong password: "unconfirmed" would tell whoever just signed up with someone's address
  // that the address had no account (sign-up itself answers alike for both, docs/security.md).
  if (name === 'UserNotConfirmedException') return new NotAuthenticated(wrongCredentials);
  if (name === 'TooManyRequestsException' || name === 'LimitExceededException')
    return new RateLimited('Too many attempts; wait and retry.');
  return error;
}
