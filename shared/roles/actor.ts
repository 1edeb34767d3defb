/**
 * The actor: who performs an operation, with the permission flags of their role. Routes build it from the claims
 * the HTTP API JWT authorizer put in the event (`requestContext.authorizer.jwt.claims`; "Controlling access to
 * HTTP APIs with JWT authorizers", API Gateway docs); operations take it as a plain value.
 */
import { builtInRoles, type Permissions, roleFromGroups } from '#shared/roles/roles.ts';

export interface Actor {
  /** Cognito `sub`: the user id everywhere in this service. */
  readonly userId: string;
  /** The role's name: a built-in (`admin`, `agent`, `requester`) or one an admin created. */
  readonly role: string;
  readonly permissions: Permissions;
}

/**
 * Parse the `cognito:groups` claim. HTTP API renders array claims as a string like `[admin agent]`; a JSON array
 * string and a real array are accepted too.
 */
export function parseGroupsClaim(claim: unknown): string[] {
  if (Array.isArray(claim)) return claim.map(String);
  if (typeof claim !== 'string' || claim.trim() === '') return [];
  const text = claim.trim();
  if (text.startsWith('["')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (Array.isArray(parsed)) return parsed.map(String);
    } catch {
      // fall through to the bracketed form
    }
  }
  return text
    .replace(/^\[|\]$/g, '')
    .split(/[\s,]+/)
    .filter(Boolean);
}

/**
 * The actor the verified claims describe, or `undefined` when they carry no `sub` (a route deployed without its
 * authorizer).
 */
export function actorFromClaims(claims: Readonly<Record<string, unknown>> | undefined): Actor | undefined {
  const userId = claims?.sub;
  if (typeof userId !== 'string' || userId === '') return undefined;
  const role = roleFromGroups(parseGroupsClaim(claims?.['cognito:groups']));
  return { userId, role, permissions: builtInRoles[role] };
}
