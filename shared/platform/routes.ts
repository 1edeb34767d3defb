/** The service's own routes: liveness and the API description. */
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

/** Every route of this feature, for `shared/routes.ts`. */
export const platformRoutes = [getHealthRoute, getOpenApiRoute] as const;
