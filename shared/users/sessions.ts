/**
 * Sessions: sign in, first sign-in with a temporary password, refresh, log out. Each checks the profile as the API
 * does on every request (`shared/roles/actor.ts`), so a disabled user gets no tokens even where Cognito would
 * still issue them (cognito-local ignores a disabled user), and logging out refuses every access token issued so
 * far: Cognito's JWTs stay valid until they expire, and the HTTP API authorizer cannot know they were revoked.
 */
import { updateItem } from '#shared/platform/db.ts';
import { nowIso } from '#shared/platform/entity.ts';
import { NotAuthenticated } from '#shared/platform/errors.ts';
import type { Actor } from '#shared/roles/actor.ts';
import { markEmailVerified } from '#shared/users/accounts.ts';
import { findUser } from '#shared/users/profiles.ts';
import {
  logIn,
  refresh,
  revokeRefreshToken,
  setNewPassword,
  subjectOf,
  type Tokens,
} from '#shared/users/tokens.ts';
import { userKey } from '#shared/users/user.entity.ts';

/**
 * Refuse the tokens of a disabled user (and revoke the refresh token just issued). Cognito issued tokens, so the
 * account is confirmed: a profile still saying `emailVerified: false` (the confirm route's last write failed) is
 * marked now.
 */
async function checkEnabled(tokens: Tokens): Promise<Tokens> {
  const profile = await findUser(subjectOf(tokens.accessToken), { consistent: true });
  if (profile?.disabled) {
    if (tokens.refreshToken) await revokeRefreshToken(tokens.refreshToken).catch(() => undefined);
    throw new NotAuthenticated('This account is disabled.');
  }
  if (profile?.emailVerified === false) await markEmailVerified(profile.userId);
  return tokens;
}

/**
 * Email and password for tokens (one InitiateAuth, one GetItem of the profile).
 * @throws NotAuthenticated for a wrong email or password or a disabled account; PasswordChangeRequired (409 with
 *   `session`) for a temporary password; RateLimited
 */
export async function signIn(email: string, password: string): Promise<Tokens> {
  return checkEnabled(await logIn(email, password));
}

/**
 * First sign-in of an account an admin created: the user's own password replaces the temporary one
 * (RespondToAuthChallenge), then the user signs in with it (InitiateAuth) and gets tokens. Signing in again
 * instead of keeping the challenge's tokens gives a refresh token that `/auth/refresh` and `/auth/logout` accept
 * everywhere (cognito-local does not record the refresh token of a challenge answer).
 * @throws NotAuthenticated for a session that is not valid or expired, or a disabled account; InvalidInput for a
 *   password the pool refuses
 */
export async function completeNewPassword(session: string, newPassword: string): Promise<Tokens> {
  const username = await setNewPassword(session, newPassword);
  return checkEnabled(await logIn(username, newPassword));
}

/**
 * New access and ID tokens from a refresh token.
 * @throws NotAuthenticated when the refresh token is not valid (revoked by a logout) or the account is disabled
 */
export async function refreshSession(refreshToken: string): Promise<Tokens> {
  return checkEnabled(await refresh(refreshToken));
}

/**
 * Log out: every access token issued to the actor until now is refused from the next request on (the profile's
 * `sessionsRevokedAt`, checked by the actor resolver), and the refresh token is revoked (`RevokeToken`), so it
 * gives no new ones. Other devices' refresh tokens keep working: their next refresh signs them in again.
 * @throws InvalidInput on `/refreshToken` when Cognito does not know the refresh token (the access tokens are
 *   refused all the same)
 */
export async function logOut(actor: Actor, refreshToken: string): Promise<void> {
  await updateItem(userKey(actor.userId), { set: { sessionsRevokedAt: nowIso() } });
  await revokeRefreshToken(refreshToken);
}
