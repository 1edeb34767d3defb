/**
 * Response builders for HTTP API payload format 2.0 (`APIGatewayProxyStructuredResultV2`).
 */
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { Problem } from '#shared/platform/http/problem.ts';

export type HttpResponse = APIGatewayProxyStructuredResultV2 & { statusCode: number };

const securityHeaders = {
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
};

/** A JSON response. */
export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResponse {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', ...securityHeaders, ...headers },
    body: JSON.stringify(body),
  };
}

/** 200 with the body. */
export const ok = (body: unknown, headers?: Record<string, string>) => json(200, body, headers);

/** 201 with the created resource and its `location`. */
export const created = (body: unknown, location: string, headers?: Record<string, string>) =>
  json(201, body, { location, ...headers });

/** Seconds a client should wait after a 429 before retrying (`Retry-After`, RFC 9110 §10.2.3). */
export const RETRY_AFTER_SECONDS = 5;

/** The `application/problem+json` response for a problem (RFC 9457); a 429 says when to retry. */
export function problemResponse(problem: Problem): HttpResponse {
  return {
    statusCode: problem.status,
    headers: {
      'content-type': 'application/problem+json',
      ...securityHeaders,
      ...(problem.status === 429 ? { 'retry-after': String(RETRY_AFTER_SECONDS) } : {}),
    },
    body: JSON.stringify(problem.toJSON()),
  };
}

/**
 * An HTML page (the approval link pages). Framing is forbidden and no script may run: the pages use a plain form.
 */
export function html(statusCode: number, page: string): HttpResponse {
  return {
    statusCode,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      ...securityHeaders,
      'content-security-policy':
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
    },
    body: page,
  };
}

/** Strong ETag for a versioned resource: `"<id>.<version>"`. */
export const etagOf = (id: string, version: number) => `"${id}.${version}"`;

/**
 * The version an `If-Match` header expects the resource `id` to have (RFC 9110 §13.1.1, with the ETags of
 * {@link etagOf}): `undefined` when there is no header or it is `*`; `-1`, which no resource ever has, when it is
 * not an ETag of this resource (so the precondition fails).
 */
export function versionFromIfMatch(ifMatch: string | undefined, id: string): number | undefined {
  if (ifMatch === undefined || ifMatch.trim() === '*') return undefined;
  const match = /^"(.+)\.(\d+)"$/.exec(ifMatch.trim());
  return match && match[1] === id ? Number(match[2]) : -1;
}
