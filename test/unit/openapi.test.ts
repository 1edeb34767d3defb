import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { type OpenApiDocument, openApiDocument } from '#shared/platform/openapi.ts';
import type { Route } from '#shared/platform/route-table.ts';
import { routes } from '#shared/routes.ts';
import { getMeRoute, signUpRoute } from '#shared/users/routes.ts';

const document = openApiDocument(routes);
const operationOf = (route: Route) => document.paths[route.path]?.[route.method.toLowerCase()];

/** Every `$ref` in a value. */
function refsIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refsIn);
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, child]) =>
    key === '$ref' && typeof child === 'string' ? [child] : refsIn(child),
  );
}

/** The JSON Schema of a request part: the component a `$ref` names, or the inline schema. */
function resolve(doc: OpenApiDocument, schema: z.core.JSONSchema.JSONSchema | undefined) {
  if (!schema?.$ref) return schema;
  return doc.components.schemas[schema.$ref.replace('#/components/schemas/', '')];
}

describe('OpenAPI document', () => {
  it('is OpenAPI 3.1 with the bearer scheme', () => {
    expect(document.openapi).toBe('3.1.0');
    expect(document.components.securitySchemes.cognitoJwt).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('lists every route once, under its path and method, with its row id as operationId', () => {
    const operations = Object.values(document.paths).flatMap((methods) => Object.values(methods));
    expect(operations).toHaveLength(routes.length);
    for (const route of routes) {
      expect([route.id, operationOf(route)?.operationId]).toEqual([route.id, route.id]);
      expect([route.id, operationOf(route)?.security]).toEqual([
        route.id,
        route.permission === 'public' ? [] : [{ cognitoJwt: [] }],
      ]);
    }
  });

  it('gives every row with a body a request body with its schema, named ones as a $ref', () => {
    for (const route of routes) {
      const content = operationOf(route)?.requestBody?.content;
      if (!route.body) {
        expect([route.id, content]).toEqual([route.id, undefined]);
        continue;
      }
      const schema = content?.[route.bodyType ?? 'application/json']?.schema;
      expect([route.id, schema?.$ref ?? schema?.type]).toEqual([
        route.id,
        z.globalRegistry.get(route.body)?.id
          ? `#/components/schemas/${z.globalRegistry.get(route.body)?.id}`
          : 'object',
      ]);
      expect([route.id, resolve(document, schema)?.type]).toEqual([route.id, 'object']);
    }
  });

  it('documents path, query and Idempotency-Key parameters from the row schemas', () => {
    for (const route of routes) {
      const parameters = operationOf(route)?.parameters ?? [];
      const named = (where: string) =>
        parameters.filter((parameter) => parameter.in === where).map((parameter) => parameter.name);
      const pathNames = [...route.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);
      expect([route.id, named('path')]).toEqual([route.id, pathNames]);
      for (const parameter of parameters.filter((p) => p.in === 'path'))
        expect(parameter.required).toBe(true);
      const queryNames = route.query ? Object.keys(z.toJSONSchema(route.query).properties ?? {}) : [];
      expect([route.id, named('query')]).toEqual([route.id, queryNames]);
      expect([route.id, named('header')]).toEqual([route.id, route.idempotent ? ['idempotency-key'] : []]);
    }
  });

  it('resolves every $ref, and holds only the components it references', () => {
    const refs = new Set(refsIn(document));
    for (const ref of refs) expect([ref, resolve(document, { $ref: ref })]).not.toEqual([ref, undefined]);
    expect(Object.keys(document.components.schemas).sort()).toEqual(
      [...refs].map((ref) => ref.replace('#/components/schemas/', '')).sort(),
    );
    const small = openApiDocument([signUpRoute, getMeRoute]);
    expect(Object.keys(small.components.schemas).sort()).toEqual(['Problem', 'SignUpRequest']);
  });

  it('shows the rules the wrapper enforces: required fields, strictness, defaults, limits', () => {
    const create = document.components.schemas.CreateTicketRequest;
    expect(create).toMatchObject({
      type: 'object',
      required: ['title', 'description'],
      additionalProperties: false,
      properties: {
        title: { type: 'string', minLength: 1, maxLength: 120 },
        // `emergency` is turned into `urgent` before the enum; the default must survive that.
        priority: { enum: ['low', 'medium', 'high', 'urgent'], default: 'medium' },
        approverId: { description: 'A user id (Cognito sub)' },
      },
    });
    const limit = operationOf(routes.find((route) => route.id === 'ListTickets') as Route)?.parameters?.[0];
    expect(limit).toEqual({
      name: 'limit',
      in: 'query',
      required: false,
      schema: { type: 'integer', minimum: 1, maximum: 100, default: 25 },
    });
  });

  it('sets the server when given', () => {
    expect(openApiDocument(routes, 'https://api.example.test').servers).toEqual([
      { url: 'https://api.example.test' },
    ]);
    expect(document.servers).toBeUndefined();
  });
});
