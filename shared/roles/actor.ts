/**
 * The actor: who performs an operation, with the permission flags of their role. The route wrapper resolves it
 * for every request to a route behind the authorizer ({@link resolveActor}); operations take it as a plain value.
 *
 * How a request learns its caller's flags (docs/roles.md): the HTTP API JWT authorizer has verified the token
 * (signature, issuer, audience, expiry) and put its claims in the event; the resolver then reads the caller's
 * profile (one strongly consistent GetItem of `USER#<sub>`: role, `disabled`, `sessionsRevokedAt`) and takes the
 * flags of that role, from code for a built-in role or from the role item cached per function instance for 60 s.
 * So a user's role change, disable and logout take effect on their next request, a flag edit of a custom role
 * within 60 s; the `cognito:groups` claim is never trusted for authorization.
 *
 * Only access tokens are taken (`token_use` = `access`): the HTTP API JWT authorizer also lets a Cognito ID token of
 * the same app client through (it checks `aud` when present, else `client_id`, and "there is no standard mechanism
 * to differentiate JWT access tokens from other types of JWTs, such as OpenID Connect ID tokens": "Control access
 * to HTTP APIs with JWT authorizers", API Gateway developer guide), so the resolver refuses it (docs/security.md).
 */
import { NotAuthenticated } from '#shared/platform/errors.ts';
import { permissionsOf } from '#shared/roles/role-permissions.ts';
import type { Permissions } from '#shared/roles/roles.ts';
import { findUser } from '#shared/users/profiles.ts';

export interface Actor {
  /** Cognito `sub`: the user id everywhere in this service. */
  readonly userId: string;
  /** The role's name: a built-in (`admin`, `agent`, `requester`) or one an admin created. */
  readonly role: string;
  readonly permissions: Permissions;
}

/** Verified JWT claims as HTTP API passes them (every value a string; numbers as digits). */
export type Claims = Readonly<Record<string, unknown>>;

/**
 * The values of a list claim such as `cognito:groups`, in each form it reaches code:
 * - in the token itself (Cognito's JWT payload) and a JSON-typed context: a JSON array, `["admin","agent"]`;
 * - through the HTTP API JWT authorizer (payload format 2.0): one string, `[admin agent]` (the array's elements
 *   joined by spaces inside brackets; `scripts/local/jwt-authorizer.ts` renders it so locally);
 * - that array as JSON text, `'["admin","agent"]'`; a single value, `admin`.
 * Never split on commas: no form Cognito or API Gateway emits separates by commas, so a comma belongs to a value
 * (and group names cannot hold one: `groupNamePattern`, shared/roles/roles.ts). Empty for a missing claim.
 */
export function claimValues(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value !== 'string') return [];
  const text = value.trim();
  if (text.startsWith('[') && text.endsWith(']')) {
    if (text.startsWith('["') || text === '[]') {
      try {
        const parsed: unknown = JSON.parse(text);
        if (Array.isArray(parsed)) return parsed.map(String);
      } catch {
        // Not JSON: the HTTP API rendering of a value that starts with a quote.
      }
    }
    return text
      .slice(1, -1)
      .split(/\s+/)
      .filter((item) => item !== '');
  }
  return text === '' ? [] : [text];
}

/**
 * The Cognito groups the token names (`cognito:groups`), in any of the forms of {@link claimValues}. For logs and
 * token consumers only: the API takes the role from the profile, never from this claim.
 */
export const tokenGroups = (claims: Claims): string[] => claimValues(claims['cognito:groups']);

/**
 * Whether the claims are those of a Cognito access token (`token_use` = `access`: "Understanding the access
 * token", Cognito developer guide). An ID token (`token_use` = `id`) passes the HTTP API authorizer too, since it
 * carries the app client id as `aud`; the API takes only access tokens, which Cognito revokes with the refresh
 * token and which carry no personal attributes.
 */
export const isAccessToken = (claims: Claims): boolean => claims.token_use === 'access';

/**
 * When the token was issued, in epoch seconds (`iat`; HTTP API renders it as digits), or `undefined`.
 */
export function issuedAt(claims: Claims): number | undefined {
  const value = Number(claims.iat);
  return Number.isFinite(value) && value > 0 ? value : undefined;
}

/**
 * Whether a token issued at `iat` (epoch seconds) was issued before the sessions were revoked at `revokedAt`
 * (ISO 8601). Tokens carry whole seconds, so a token issued in the same second as the revocation counts as
 * before it: a session ended at 10.4 s refuses a token stamped 10 s even if it was issued at 10.2 s. The price is
 * that a new sign-in within that same second must sign in again.
 */
export function issuedBeforeRevocation(iat: number | undefined, revokedAt: string | undefined): boolean {
  if (!revokedAt) return false;
  if (iat === undefined) return true;
  return iat <= Math.floor(Date.parse(revokedAt) / 1000);
}

/**
 * The actor of a request, from the verified claims: one GetItem of the profile, plus one of the role item when
 * the role is not built-in and not cached.
 * @throws NotAuthenticated (401) when the claims carry no `sub` (a route deployed without its authorizer), are
 *   not those of an access token (an ID token), the user has no profile, is disabled, or the token was issued before
 *   their sessions were revoked (logout, disable)
 */
export async function resolveActor(claims: Claims | undefined): Promise<Actor> {
  const userId = claims?.sub;
  if (typeof userId !== 'string' || userId === '') {
    throw new NotAuthenticated('Sign in and send the access token as a Bearer token.');
  }
  if (!isAccessToken(claims ?? {})) {
    throw new NotAuthenticated('Send the accessToken of /auth/login as the Bearer token, not the idToken.');
  }
  const profile = await findUser(userId, { consistent: true });
  if (!profile) throw new NotAuthenticated('This account has no profile; sign up first.');
  if (profile.disabled) throw new NotAuthenticated('This account is disabled.');
  if (issuedBeforeRevocation(issuedAt(claims ?? {}), profile.sessionsRevokedAt)) {
    throw new NotAuthenticated('This session has ended (logged out or revoked); log in again.');
  }
  return { userId, role: profile.role, permissions: await permissionsOf(profile.role) };
}
