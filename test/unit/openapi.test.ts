import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { apiDocument, apiDocumentText, embeddedDocumentText } from '#shared/api-document.ts';
import { problemTitles } from '#shared/platform/http/problem.ts';
import { type OpenApiDocument, openApiDocument, statusesOf } from '#shared/platform/openapi.ts';
import type { Route } from '#shared/platform/route-table.ts';
import { routes } from '#shared/routes.ts';
import { getMeRoute, signUpRoute } from '#shared/users/routes.ts';
import { clientTypes } from '../../scripts/openapi-client.ts';

const document = apiDocument();
const operationOf = (route: Route) => document.paths[route.path]?.[route.method.toLowerCase()];

/** Every `$ref` in a value. */
function refsIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refsIn);
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, child]) =>
    key === '$ref' && typeof child === 'string' ? [child] : refsIn(child),
  );
}

/** Every schema object in a value (a node with a `type`), with its JSON path. */
function schemasIn(value: unknown, at = '#'): { at: string; schema: Record<string, unknown> }[] {
  if (Array.isArray(value)) return value.flatMap((item, index) => schemasIn(item, `${at}/${index}`));
  if (!value || typeof value !== 'object') return [];
  const own = 'type' in value ? [{ at, schema: value as Record<string, unknown> }] : [];
  return [
    ...own,
    ...Object.entries(value).flatMap(([key, child]) =>
      key === 'example' ? [] : schemasIn(child, `${at}/${key}`),
    ),
  ];
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
      expect([route.id, named('header')]).toEqual([
        route.id,
        [...(route.ifMatch ? ['if-match'] : []), ...(route.idempotent ? ['idempotency-key'] : [])],
      ]);
    }
  });

  it('resolves every $ref, and holds only the components it references', () => {
    const refs = new Set(refsIn(document));
    const schemaRefs = [...refs].filter((ref) => ref.startsWith('#/components/schemas/'));
    const headerRefs = [...refs].filter((ref) => ref.startsWith('#/components/headers/'));
    expect([...refs].filter((ref) => !schemaRefs.includes(ref) && !headerRefs.includes(ref))).toEqual([]);
    for (const ref of schemaRefs)
      expect([ref, resolve(document, { $ref: ref })]).not.toEqual([ref, undefined]);
    expect(Object.keys(document.components.schemas).sort()).toEqual(
      schemaRefs.map((ref) => ref.replace('#/components/schemas/', '')).sort(),
    );
    expect(Object.keys(document.components.headers).sort()).toEqual(
      headerRefs.map((ref) => ref.replace('#/components/headers/', '')).sort(),
    );
    const small = openApiDocument([signUpRoute, getMeRoute]);
    expect(Object.keys(small.components.schemas).sort()).toEqual([
      'GatewayMessage',
      'Problem',
      'SignUpRequest',
    ]);
  });

  it('shows the rules the wrapper enforces: required fields, strictness, defaults, limits', () => {
    const create = document.components.schemas.CreateTicketRequest;
    expect(create).toMatchObject({
      type: 'object',
      required: ['title', 'description'],
      additionalProperties: false,
      properties: {
        title: { type: 'string', minLength: 1, maxLength: 120 },
        // `emergency` is accepted (turned into `urgent`); the default must survive that.
        priority: { enum: ['low', 'medium', 'high', 'urgent', 'emergency'], default: 'medium' },
        approverId: { description: 'A user id (Cognito sub)' },
      },
    });
    const limit = operationOf(routes.find((route) => route.id === 'ListTickets') as Route)?.parameters?.[0];
    expect(limit).toEqual({
      name: 'limit',
      in: 'query',
      required: false,
      schema: { type: 'integer', format: 'int32', minimum: 1, maximum: 100, default: 25 },
    });
  });

  it('sets the servers when given; by default the API itself (the document is served by it), public', () => {
    const servers = [{ url: 'https://api.example.test', description: 'production', 'x-internal': false }];
    expect(openApiDocument(routes, { servers }).servers).toEqual(servers);
    expect(document.servers).toEqual([{ url: '/', description: expect.any(String), 'x-internal': false }]);
    // The environment, in words a reader (and the OWASP inventory rule) recognizes.
    expect(document.servers[0]?.description).toMatch(/production/);
  });

  it('says which JWT checks the authorizer makes (RFC8725), and which it does not', () => {
    const { description } = document.components.securitySchemes.cognitoJwt ?? {};
    expect(description).toMatch(/RFC8725/);
    expect(description).toMatch(/refuses an ID token/);
  });

  it('gives every integer the OpenAPI format its bounds fit: int32 within 32 bits, else int64', () => {
    const integers = schemasIn(document).filter(({ schema }) => schema.type === 'integer');
    expect(integers.length).toBeGreaterThan(0);
    const fits32 = ({ minimum, maximum }: Record<string, unknown>) =>
      typeof minimum === 'number' &&
      typeof maximum === 'number' &&
      minimum >= -(2 ** 31) &&
      maximum < 2 ** 31;
    for (const { at, schema } of integers) {
      expect([at, schema.format]).toEqual([at, fits32(schema) ? 'int32' : 'int64']);
    }
  });

  it("bounds a request integer by its own limits only, a response integer by zod's safe range", () => {
    const CountQuery = z.object({ count: z.optional(z.coerce.number().check(z.int())) });
    const Count = z.object({ count: z.number().check(z.int()), small: z.number().check(z.int(), z.lte(10)) });
    const route = {
      id: 'CountThings',
      method: 'GET',
      path: '/things',
      entry: 'functions/tickets/things.ts',
      permission: 'signed-in',
      summary: 'Count',
      query: CountQuery,
      success: { status: 200, description: 'The count' },
      grants: [],
    } as const satisfies Route;
    const small = openApiDocument([route], { responses: { CountThings: { schema: Count } } });
    const operation = small.paths['/things']?.get;
    // Unbounded in the request: the lint asks the feature for a real maximum.
    expect(operation?.parameters?.[0]?.schema).toEqual({ type: 'integer', format: 'int64' });
    expect(operation?.responses[200]?.content?.['application/json']?.schema).toEqual({
      type: 'object',
      properties: {
        count: {
          type: 'integer',
          format: 'int64',
          minimum: Number.MIN_SAFE_INTEGER,
          maximum: Number.MAX_SAFE_INTEGER,
        },
        small: { type: 'integer', format: 'int64', minimum: Number.MIN_SAFE_INTEGER, maximum: 10 },
      },
      required: ['count', 'small'],
      additionalProperties: false,
    });
  });

  it('documents the CORS header on every answer, and Retry-After on a 429, as header components', () => {
    for (const route of routes) {
      for (const [status, response] of Object.entries(operationOf(route)?.responses ?? {})) {
        expect([route.id, status, response.headers?.['Access-Control-Allow-Origin']]).toEqual([
          route.id,
          status,
          { $ref: '#/components/headers/Access-Control-Allow-Origin' },
        ]);
      }
      expect(operationOf(route)?.responses[429]?.headers?.['Retry-After']).toEqual({
        $ref: '#/components/headers/Retry-After',
      });
    }
    // Not required: API Gateway adds it only for an allowed Origin, and never to its own { message } answers.
    expect(document.components.headers['Access-Control-Allow-Origin']).not.toHaveProperty('required');
    expect(document.components.headers['Retry-After']?.schema).toMatchObject({
      type: 'integer',
      format: 'int32',
    });
  });

  it('gives problem types and titles as their fixed sets, and the gateway messages it documents', () => {
    const problemRef = operationOf(getMeRoute)?.responses[500]?.content?.['application/problem+json']?.schema
      ?.allOf?.[0] as z.core.JSONSchema.JSONSchema;
    const problem = resolve(document, problemRef);
    const slugs = Object.keys(problemTitles) as (keyof typeof problemTitles)[];
    expect(problem?.properties?.type).toMatchObject({ enum: slugs.map((slug) => `/problems/${slug}`) });
    expect(problem?.properties?.title).toMatchObject({ enum: slugs.map((slug) => problemTitles[slug]) });
    const gateway = operationOf(getMeRoute)?.responses[500]?.content?.['application/json'];
    expect(gateway?.example).toEqual({ message: 'Internal Server Error' });
    expect(resolve(document, gateway?.schema)?.properties?.message).toMatchObject({
      enum: ['Unauthorized', 'Too Many Requests', 'Internal Server Error'],
    });
  });

  it('documents the success body of every route: a schema (but for 204), headers, an example', () => {
    for (const route of routes) {
      const success = operationOf(route)?.responses[route.success.status];
      const content = success?.content;
      if (route.success.status === 204) {
        expect([route.id, content]).toEqual([route.id, undefined]);
        continue;
      }
      const mediaType = route.success.mediaType ?? 'application/json';
      expect([route.id, Object.keys(content ?? {})]).toEqual([route.id, [mediaType]]);
      expect([route.id, content?.[mediaType]?.schema]).not.toEqual([route.id, {}]);
      expect([route.id, content?.[mediaType]?.example]).not.toEqual([route.id, undefined]);
      for (const header of route.success.headers ?? []) {
        const name = header === 'etag' ? 'ETag' : header === 'location' ? 'Location' : header;
        expect([route.id, success?.headers?.[name]]).not.toEqual([route.id, undefined]);
      }
      if (route.idempotent) expect(success?.headers?.['idempotency-replayed']).toBeDefined();
      if (route.body) {
        const request = operationOf(route)?.requestBody?.content[route.bodyType ?? 'application/json'];
        expect([route.id, request?.example]).not.toEqual([route.id, undefined]);
      }
    }
  });

  it('lists every status a route can answer, errors as problem+json with their types', () => {
    for (const route of routes) {
      const responses = operationOf(route)?.responses ?? {};
      expect([route.id, Object.keys(responses).map(Number).sort()]).toEqual([
        route.id,
        [...statusesOf(route)].sort(),
      ]);
      for (const status of statusesOf(route).slice(1)) {
        const content = responses[status]?.content ?? {};
        const html = route.pages?.includes(status);
        expect([
          route.id,
          status,
          html ? content['text/html'] : content['application/problem+json'],
        ]).not.toEqual([route.id, status, undefined]);
      }
      expect([route.id, responses[500]]).not.toEqual([route.id, undefined]);
      expect([route.id, responses[429]?.headers?.['Retry-After']]).not.toEqual([route.id, undefined]);
      if (route.permission !== 'public') {
        // The API Gateway JWT authorizer's own 401 body.
        expect(responses[401]?.content?.['application/json']?.example).toEqual({ message: 'Unauthorized' });
      }
    }
  });

  it('has examples that its own schemas accept', { timeout: 60_000 }, () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats.default(ajv);
    ajv.addSchema({ $id: 'doc', components: document.components }, 'doc');
    // Many operations share a schema (the problem of a status, a view): each is compiled once.
    const compiled = new Map<string, ReturnType<typeof ajv.compile>>();
    const check = (where: string, schema: unknown, example: unknown) => {
      const text = JSON.stringify(schema).replaceAll('"#/components', '"doc#/components');
      const validate = compiled.get(text) ?? ajv.compile(JSON.parse(text));
      compiled.set(text, validate);
      expect([where, validate(example) ? [] : validate.errors]).toEqual([where, []]);
    };
    let checked = 0;
    for (const [path, methods] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        const bodies = [
          ...Object.values(operation.requestBody?.content ?? {}).map((media) => ['request', media] as const),
          ...Object.entries(operation.responses).flatMap(([status, response]) =>
            Object.values(response.content ?? {}).map((media) => [status, media] as const),
          ),
        ];
        for (const [what, media] of bodies) {
          if (media.example === undefined) continue;
          check(`${method} ${path} ${what}`, media.schema, media.example);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(routes.length * 3);
  });

  it('is what openapi.json and the typed client hold (run npm run openapi after changing a route)', {
    timeout: 60_000,
  }, () => {
    const text = apiDocumentText();
    expect(readFileSync(new URL('../../openapi.json', import.meta.url), 'utf8') === text).toBe(true);
    expect(
      readFileSync(new URL('../../client/schema.d.ts', import.meta.url), 'utf8') === clientTypes(text),
    ).toBe(true);
    const embedded = readFileSync(
      new URL('../../functions/openapi/document.generated.ts', import.meta.url),
      'utf8',
    );
    expect(embeddedDocumentText(embedded) === JSON.stringify(JSON.parse(text))).toBe(true);
  });
});
