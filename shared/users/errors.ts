/** What user operations throw. The route wrapper maps each kind to a problem (`shared/platform/http/problem.ts`). */
import { Conflict, NotFound } from '#shared/platform/errors.ts';

/** The user does not exist, or the actor may not see them (the same answer, so ids cannot be probed). */
export class UserNotFound extends NotFound {
  override readonly name = 'UserNotFound';

  constructor() {
    super('User');
  }
}

/**
 * The password is right but temporary (an account an admin created): no tokens until the user sets their own.
 * The problem carries `challenge: 'NEW_PASSWORD_REQUIRED'` and the `session` to send to `POST /auth/password`.
 */
export class PasswordChangeRequired extends Conflict {
  override readonly name = 'PasswordChangeRequired';

  constructor(session: string) {
    super('Set a new password: POST /auth/password with this session and newPassword.', {
      challenge: 'NEW_PASSWORD_REQUIRED',
      session,
    });
  }
}
