/**
 * Maps Cognito errors a client can cause to domain errors, so that a client mistake is never a 500.
 * Names from the Cognito API reference (SignUp, InitiateAuth, RespondToAuthChallenge, ChangePassword,
 * AdminUpdateUserAttributes, RevokeToken errors); cognito-local answers `InvalidPasswordException` for a wrong
 * password where Cognito says `NotAuthorizedException`.
 */
import {
  Conflict,
  InvalidInput,
  NotAllowed,
  NotAuthenticated,
  RateLimited,
} from '#shared/platform/errors.ts';

/** What the API was doing when Cognito answered. */
export type AccountOperation =
  | 'signup'
  | 'login'
  | 'refresh'
  | 'update'
  | 'password'
  | 'challenge'
  | 'revoke';

/** The domain error for a Cognito error, or the error itself when it is not the client's doing. */
export function accountError(error: unknown, operation: AccountOperation): unknown {
  const name = (error as { name?: string } | undefined)?.name;
  const message = (error as { message?: string } | undefined)?.message ?? '';
  if (name === 'UsernameExistsException' || name === 'AliasExistsException')
    return new Conflict('An account with this email exists.');
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
    return new NotAuthenticated('Email or password is wrong.');
  }
  if (name === 'CodeMismatchException' || name === 'ExpiredCodeException')
    return new NotAuthenticated('The session expired; log in again.');
  if (name === 'UserNotConfirmedException') return new NotAllowed('This account is not confirmed.');
  if (name === 'TooManyRequestsException' || name === 'LimitExceededException')
    return new RateLimited('Too many attempts; wait and retry.');
  return error;
}
