/**
 * The OpenAPI 3.1 document of this API, generated from the route rows (`shared/routes.ts`) and the zod schemas
 * they name, the same ones the route wrapper validates with. Served at `GET /openapi.json`.
 */
import { OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import * as z from 'zod';
import type { Route } from '#shared/platform/route-table.ts';

const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    errors: z
      .array(
        z.object({
          in: z.enum(['body', 'query', 'path', 'header']),
          pointer: z.string(),
          detail: z.string(),
        }),
      )
      .optional(),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details' });

const IdempotencyKeyHeader = z.object({
  'idempotency-key': z
    .string()
    .min(1)
    .max(255)
    .optional()
    .meta({
      description:
        'Retrying with the same key within 24 h returns the first response (header idempotency-replayed: true) ' +
        'instead of creating again; the same key with another body answers 422.',
    }),
});

/**
 * The OpenAPI 3.1 document (a plain object).
 * @param routes the route rows to document
 * @param serverUrl base URL of the API, if known
 */
export function openApiDocument(routes: readonly Route[], serverUrl?: string) {
  const registry = new OpenAPIRegistry();
  const bearer = registry.registerComponent('securitySchemes', 'cognitoJwt', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'Cognito access token from POST /auth/login',
  });
  const problem = { content: { 'application/problem+json': { schema: Problem } } };
  for (const route of routes) {
    const authenticated = route.permission !== 'public';
    const request: RouteConfig['request'] = {};
    if (route.params) request.params = route.params as z.ZodObject;
    if (route.query) request.query = route.query as z.ZodObject;
    if (route.idempotent) request.headers = IdempotencyKeyHeader;
    if (route.body) {
      request.body = { content: { [route.bodyType ?? 'application/json']: { schema: route.body } } };
    }
    registry.registerPath({
      operationId: route.id,
      method: route.method.toLowerCase() as 'get',
      path: route.path,
      summary: route.summary,
      security: authenticated ? [{ [bearer.name]: [] }] : [],
      request,
      responses: {
        [route.success.status]: {
          description: route.success.description,
          content: { [route.success.mediaType ?? 'application/json']: { schema: z.any() } },
        },
        ...(authenticated ? { 401: { description: 'No or bad token' } } : {}),
        400: { description: 'Invalid request', ...problem },
        ...(route.path.includes('{')
          ? { 404: { description: 'Not found or not visible to you', ...problem } }
          : {}),
      },
    });
  }
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Help desk API',
      version: '0.1.0',
      description: 'Tickets, comments, images and approvals by email/SMS link.',
    },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
  });
}
