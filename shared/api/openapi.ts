/**
 * The OpenAPI 3.1 document of this API, generated from the route table (`shared/http/routes.ts`) and the same zod
 * schemas the handlers validate with (`shared/api/schemas.ts`). Served at `GET /openapi.json`.
 */
import { OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import * as z from 'zod';
import {
  ApprovalParams,
  CreateCommentBody,
  CreateTicketBody,
  DecideApprovalBody,
  ListQuery,
  LogInBody,
  RefreshBody,
  SignUpBody,
  TicketParams,
  UpdateTicketBody,
} from '#shared/api/schemas.ts';
import { routes } from '#shared/http/routes.ts';
import { CreateImageUploadBody } from '#shared/images/upload-request.ts';

type RouteId = (typeof routes)[number]['id'];

interface Operation {
  body?: z.ZodType;
  /** Body media type; default JSON. */
  bodyType?: string;
  params?: z.ZodObject;
  query?: z.ZodObject;
  /** Success status and description. */
  success: [number, string];
  /** Success media type; default JSON. */
  produces?: string;
}

/** What each route takes and answers. Keyed by route id: a route without an entry is a compile error. */
const operations: Record<RouteId, Operation> = {
  GetHealth: { success: [200, 'The service is up'] },
  GetOpenApi: { success: [200, 'This document'] },
  SignUp: { body: SignUpBody, success: [201, 'The account; log in next'] },
  LogIn: { body: LogInBody, success: [200, 'Tokens: send accessToken as a Bearer token'] },
  RefreshTokens: { body: RefreshBody, success: [200, 'New access and ID tokens'] },
  GetMe: { success: [200, 'The caller profile, role and permissions'] },
  CreateTicket: { body: CreateTicketBody, success: [201, 'The ticket, with Location and ETag'] },
  ListTickets: { query: ListQuery, success: [200, '{ items, nextCursor }, newest first'] },
  GetTicket: { params: TicketParams, success: [200, 'The ticket with comments and images, with ETag'] },
  UpdateTicket: {
    params: TicketParams,
    body: UpdateTicketBody,
    success: [200, 'The changed ticket, with ETag'],
  },
  CreateComment: { params: TicketParams, body: CreateCommentBody, success: [201, 'The comment'] },
  CreateImageUpload: {
    params: TicketParams,
    body: CreateImageUploadBody,
    success: [201, 'A presigned POST for the upload'],
  },
  ShowApproval: { params: ApprovalParams, success: [200, 'Confirmation page'], produces: 'text/html' },
  DecideApproval: {
    params: ApprovalParams,
    body: DecideApprovalBody,
    bodyType: 'application/x-www-form-urlencoded',
    success: [200, 'Result page'],
    produces: 'text/html',
  },
};

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

/** The OpenAPI 3.1 document (a plain object). @param serverUrl base URL of the API, if known */
export function openApiDocument(serverUrl?: string) {
  const registry = new OpenAPIRegistry();
  const bearer = registry.registerComponent('securitySchemes', 'cognitoJwt', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'Cognito access token from POST /auth/login',
  });
  const problem = { content: { 'application/problem+json': { schema: Problem } } };
  for (const route of routes) {
    const operation = operations[route.id];
    const request: RouteConfig['request'] = {};
    if (operation.params) request.params = operation.params;
    if (operation.query) request.query = operation.query;
    if ('idempotent' in route && route.idempotent) request.headers = IdempotencyKeyHeader;
    if (operation.body) {
      request.body = { content: { [operation.bodyType ?? 'application/json']: { schema: operation.body } } };
    }
    registry.registerPath({
      operationId: route.id,
      method: route.method.toLowerCase() as 'get',
      path: route.path,
      summary: route.summary,
      security: route.access === 'authenticated' ? [{ [bearer.name]: [] }] : [],
      request,
      responses: {
        [operation.success[0]]: {
          description: operation.success[1],
          content: { [operation.produces ?? 'application/json']: { schema: z.any() } },
        },
        ...(route.access === 'authenticated' ? { 401: { description: 'No or bad token' } } : {}),
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
