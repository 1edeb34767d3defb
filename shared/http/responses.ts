/**
 * Response builders for HTTP API payload format 2.0 (`APIGatewayProxyStructuredResultV2`).
 */
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { Problem } from '#shared/http/problem.ts';

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

/** The `application/problem+json` response for a problem (RFC 9457). */
export function problemResponse(problem: Problem): HttpResponse {
  return {
    statusCode: problem.status,
    headers: { 'content-type': 'application/problem+json', ...securityHeaders },
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
