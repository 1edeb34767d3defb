/**
 * The authenticated caller, read from the claims the HTTP API JWT authorizer put in the event
 * (`requestContext.authorizer.jwt.claims`; "Controlling access to HTTP APIs with JWT authorizers", API Gateway docs).
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { builtInRoles, type Permissions, type RoleName, roleFromGroups } from '#shared/domain/roles.ts';
import { unauthorized } from '#shared/http/problem.ts';

export interface Caller {
  /** Cognito `sub`: the user id everywhere in this service. */
  readonly userId: string;
  readonly role: RoleName;
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

type ClaimsEvent = APIGatewayProxyEventV2 & {
  requestContext: { authorizer?: { jwt?: { claims?: Record<string, unknown> } } };
};

/**
 * The caller of an authenticated route.
 * @throws Problem 401 when the event carries no `sub` claim (the route was deployed without its authorizer)
 */
export function callerOf(event: APIGatewayProxyEventV2): Caller {
  const claims = (event as ClaimsEvent).requestContext.authorizer?.jwt?.claims;
  const userId = claims?.sub;
  if (typeof userId !== 'string' || userId === '') throw unauthorized();
  const role = roleFromGroups(parseGroupsClaim(claims?.['cognito:groups']));
  return { userId, role, permissions: builtInRoles[role] };
}
