/**
 * The HTTP API JWT authorizer, reproduced for the local gateway ("Control access to HTTP APIs with JWT
 * authorizers", API Gateway docs): take the token from `Authorization` (optionally `Bearer `-prefixed), verify
 * its RS256 signature with the issuer's JWKS, then check `iss`, `aud` (or `client_id` when there is no `aud`:
 * Cognito access tokens), `exp`, `nbf` and `iat`. Failing any of it means 401 before the function runs.
 *
 * Uses aws-jwt-verify's generic `JwtVerifier`: `CognitoJwtVerifier` rejects cognito-local's pool ids and issuer,
 * and the library's default fetcher refuses `http:` JWKS URIs, so a `SimpleJwksCache` with a `fetch` fetcher
 * reads cognito-local's JWKS (TOOLCHAIN.md).
 */
import { JwtVerifier } from 'aws-jwt-verify';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import type { JwtPayload } from 'aws-jwt-verify/jwt-model';

export interface JwtAuthorizerConfig {
  /** Expected `iss`, e.g. `http://localhost:9229/local_abc123` (cognito-local's issuer). */
  readonly issuer: string;
  /** The app client id: must be in `aud` (ID tokens) or equal `client_id` (access tokens). */
  readonly audience: string;
  /** Where the signing keys are; default `<issuer>/.well-known/jwks.json`. */
  readonly jwksUri?: string;
}

/** The authorizer's output as API Gateway puts it in `requestContext.authorizer`. */
export interface JwtAuthorization {
  readonly principalId: string;
  readonly integrationLatency: number;
  readonly jwt: {
    /** Every claim as a string: numbers as digits, arrays as `[a b]` (HTTP API's rendering). */
    readonly claims: Record<string, string>;
    /** The route's matched authorization scopes; `null` as no route of this API requires scopes. */
    readonly scopes: string[] | null;
  };
}

export type AuthorizerResult = { ok: true; authorization: JwtAuthorization } | { ok: false; reason: string };

/**
 * Renders a claim value the way HTTP API does: strings as is, numbers and booleans with `String`, arrays as
 * `[a b]`, objects as `map[k:v]` (Go formatting, which is where the array form comes from).
 */
export function renderClaim(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return `[${value.map(renderClaim).join(' ')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b));
    return `map[${entries.map(([key, inner]) => `${key}:${renderClaim(inner)}`).join(' ')}]`;
  }
  return String(value);
}

/** The claims of a verified payload, rendered as HTTP API passes them. */
export function renderClaims(payload: JwtPayload): Record<string, string> {
  return Object.fromEntries(Object.entries(payload).map(([name, value]) => [name, renderClaim(value)]));
}

/** Creates the authorizer: one verifier and one JWKS cache for the lifetime of the gateway. */
export function createJwtAuthorizer(
  config: JwtAuthorizerConfig,
): (header: string | undefined) => Promise<AuthorizerResult> {
  const jwksCache = new SimpleJwksCache({
    fetcher: {
      fetch: async (uri: string) => {
        const response = await fetch(uri, { signal: AbortSignal.timeout(5000) });
        if (!response.ok) throw new Error(`JWKS ${uri} answered ${response.status}`);
        return response.arrayBuffer();
      },
    },
  });
  const verifier = JwtVerifier.create(
    {
      issuer: config.issuer,
      jwksUri: config.jwksUri ?? `${config.issuer}/.well-known/jwks.json`,
      // API Gateway checks `aud` when present, else `client_id`: done in customJwtCheck.
      audience: null,
      customJwtCheck: ({ payload }) => {
        if (payload.aud !== undefined) {
          const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
          if (!audiences.includes(config.audience))
            throw new Error(`aud ${String(payload.aud)} is not the app client`);
        } else if (payload.client_id !== config.audience) {
          throw new Error(`client_id ${String(payload.client_id)} is not the app client`);
        }
        if (typeof payload.exp !== 'number') throw new Error('the token has no exp claim');
        if (typeof payload.iat === 'number' && payload.iat > Date.now() / 1000 + 300) {
          throw new Error('the token was issued in the future');
        }
      },
    },
    { jwksCache },
  );

  return async (header) => {
    if (!header || header.trim() === '') return { ok: false, reason: 'no Authorization header' };
    const token = header.replace(/^Bearer\s+/i, '').trim();
    try {
      const payload = await verifier.verify(token);
      return {
        ok: true,
        authorization: {
          principalId: '',
          integrationLatency: 0,
          jwt: { claims: renderClaims(payload), scopes: null },
        },
      };
    } catch (error) {
      return {
        ok: false,
        reason: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      };
    }
  };
}
