/**
 * Maps Cognito errors a client can cause to problems, so that a client mistake is never a 500.
 * Names from the Cognito API reference (SignUp, InitiateAuth errors); cognito-local answers
 * `InvalidPasswordException` for a wrong password where Cognito says `NotAuthorizedException`.
 */
import { conflict, Problem, unauthorized, validationProblem } from '#shared/http/problem.ts';

/** The problem for a Cognito error, or the error itself when it is not the client's doing. */
export function cognitoProblem(error: unknown, operation: 'signup' | 'login' | 'refresh'): unknown {
  const name = (error as { name?: string } | undefined)?.name;
  const message = (error as { message?: string } | undefined)?.message ?? '';
  if (operation === 'signup') {
    if (name === 'UsernameExistsException')
      return conflict('An account with this email exists; log in instead.');
    if (name === 'InvalidPasswordException')
      return validationProblem([
        { in: 'body', pointer: '/password', detail: message || 'Password too weak.' },
      ]);
    if (name === 'InvalidParameterException')
      return validationProblem([{ in: 'body', pointer: '', detail: message || 'Invalid sign-up data.' }]);
  }
  if (
    name === 'NotAuthorizedException' ||
    name === 'UserNotFoundException' ||
    (operation === 'login' && name === 'InvalidPasswordException')
  ) {
    return unauthorized(
      operation === 'refresh' ? 'The refresh token is not valid.' : 'Email or password is wrong.',
    );
  }
  if (name === 'UserNotConfirmedException')
    return new Problem(403, 'forbidden', 'This account is not confirmed.');
  if (name === 'TooManyRequestsException' || name === 'LimitExceededException')
    return new Problem(429, 'too-many-requests', 'Too many attempts; wait and retry.');
  return error;
}
