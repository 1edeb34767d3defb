/**
 * Maps Cognito errors a client can cause to domain errors, so that a client mistake is never a 500.
 * Names from the Cognito API reference (SignUp, InitiateAuth errors); cognito-local answers
 * `InvalidPasswordException` for a wrong password where Cognito says `NotAuthorizedException`.
 */
import {
  Conflict,
  InvalidInput,
  NotAllowed,
  NotAuthenticated,
  RateLimited,
} from '#shared/platform/errors.ts';

/** The domain error for a Cognito error, or the error itself when it is not the client's doing. */
export function accountError(error: unknown, operation: 'signup' | 'login' | 'refresh'): unknown {
  const name = (error as { name?: string } | undefined)?.name;
  const message = (error as { message?: string } | undefined)?.message ?? '';
  if (operation === 'signup') {
    if (name === 'UsernameExistsException')
      return new Conflict('An account with this email exists; log in instead.');
    if (name === 'InvalidPasswordException')
      return new InvalidInput([
        { in: 'body', pointer: '/password', detail: message || 'Password too weak.' },
      ]);
    if (name === 'InvalidParameterException')
      return new InvalidInput([{ in: 'body', pointer: '', detail: message || 'Invalid sign-up data.' }]);
  }
  if (
    name === 'NotAuthorizedException' ||
    name === 'UserNotFoundException' ||
    (operation === 'login' && name === 'InvalidPasswordException')
  ) {
    return new NotAuthenticated(
      operation === 'refresh' ? 'The refresh token is not valid.' : 'Email or password is wrong.',
    );
  }
  if (name === 'UserNotConfirmedException') return new NotAllowed('This account is not confirmed.');
  if (name === 'TooManyRequestsException' || name === 'LimitExceededException')
    return new RateLimited('Too many attempts; wait and retry.');
  return error;
}
