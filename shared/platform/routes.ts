/** The service's own routes: liveness, the API description and its reference page, and the catch-all. */
import type { Route } from '#shared/platform/route-table.ts';

export const getHealthRoute = {
  id: 'GetHealth',
  method: 'GET',
  path: '/health',
  entry: 'functions/health/get.ts',
  permission: 'public',
  summary: 'Liveness check, with links to the API reference page and this document',
  success: { status: 200, description: 'The service is up' },
  grants: [],
} as const satisfies Route;

export const getOpenApiRoute = {
  id: 'GetOpenApi',
  method: 'GET',
  path: '/openapi.json',
  entry: 'functions/openapi/get.ts',
  permission: 'public',
  summary: 'This API as an OpenAPI 3.1 document',
  success: { status: 200, description: 'This document' },
  grants: [],
} as const satisfies Route;

export const getDocsRoute = {
  id: 'GetDocs',
  method: 'GET',
  path: '/docs',
  entry: 'functions/docs/get.ts',
  permission: 'public',
  summary: 'The API reference page: read this document and send requests from the browser',
  description:
    'An HTML page (Scalar) that renders /openapi.json and sends tried requests to this API. Its script comes ' +
    'from the service’s own S3 bucket through a presigned URL; the Content-Security-Policy allows no other host.',
  success: { status: 200, description: 'The reference page', mediaType: 'text/html' },
  grants: ['docs:read'],
} as const satisfies Route;

/** Every route of this feature, for `shared/routes.ts`. */
export const platformRoutes = [getHealthRoute, getOpenApiRoute, getDocsRoute] as const;

/**
 * The HTTP API's `$default` route: every request no row matches (an unknown path, or a known path with another
 * method) reaches this function, which answers 404 `application/problem+json` (`/problems/not-found`) naming the
 * method and the path, instead of API Gateway's own `{"message":"Not Found"}`. Not a row: it has no method or
 * path of its own and is no operation of the OpenAPI document. No authorizer (nothing is behind it); CORS
 * preflights never reach it (API Gateway answers them itself when CORS is configured, "Configure CORS for HTTP
 * APIs"). The local gateway calls the same handler.
 */
export const notFoundFallback = {
  id: 'NotFound',
  entry: 'functions/docs/not-found.ts',
  summary: 'The $default route: 404 problem+json for every request no route matches',
} as const satisfies Pick<Route, 'id' | 'entry' | 'summary'>;
