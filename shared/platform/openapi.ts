/**
 * The OpenAPI 3.1 document of this API, generated from the route rows (`shared/routes.ts`) and the zod schemas
 * they name, the same ones the route wrapper validates with. Served at `GET /openapi.json`.
 *
 * OpenAPI 3.1 schemas are JSON Schema 2020-12, which is what zod's own `z.toJSONSchema` emits (it works on the
 * `zod/mini` schemas the routes use). Schemas with an `id` (`z.meta({ id })`) become `components.schemas` and are
 * referenced with `$ref`; path, query and header schemas (zod objects) become one parameter per property.
 */
import * as z from 'zod/mini';
import type { RequestSchema, Route } from '#shared/platform/route-table.ts';

/** A JSON Schema (2020-12) as `z.toJSONSchema` emits it. */
type JsonSchema = z.core.JSONSchema.JSONSchema;

const Problem = /* @__PURE__ */ (() =>
  z
    .object({
      type: z.string(),
      title: z.string(),
      status: z.number().check(z.int()),
      detail: z.optional(z.string()),
      errors: z.optional(
        z.array(
          z.object({
            in: z.enum(['body', 'query', 'path', 'header']),
            pointer: z.string(),
            detail: z.string(),
          }),
        ),
      ),
    })
    .check(z.meta({ id: 'Problem', description: 'RFC 9457 problem details' })))();

const IdempotencyKeyHeader = /* @__PURE__ */ (() =>
  z.object({
    'idempotency-key': z.optional(
      z.string().check(
        z.minLength(1),
        z.maxLength(255),
        z.meta({
          description:
            'Retrying with the same key within 24 h returns the first response (header idempotency-replayed: true) ' +
            'instead of creating again; the same key with another body answers 422.',
        }),
      ),
    ),
  }))();

const componentUri = (id: string) => `#/components/schemas/${id}`;

export interface OpenApiParameter {
  readonly name: string;
  readonly in: 'path' | 'query' | 'header';
  readonly required: boolean;
  readonly description?: string;
  readonly schema: JsonSchema;
}

export interface OpenApiOperation {
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  readonly security: Record<string, string[]>[];
  readonly parameters?: OpenApiParameter[];
  readonly requestBody?: { readonly content: Record<string, { readonly schema: JsonSchema }> };
  readonly responses: Record<
    string,
    { readonly description: string; readonly content?: Record<string, { readonly schema: JsonSchema }> }
  >;
}

export interface OpenApiDocument {
  readonly openapi: '3.1.0';
  readonly info: { readonly title: string; readonly version: string; readonly description: string };
  readonly servers?: { readonly url: string }[];
  readonly components: {
    readonly securitySchemes: Record<string, Record<string, string>>;
    readonly schemas: Record<string, JsonSchema>;
  };
  readonly paths: Record<string, Record<string, OpenApiOperation>>;
}

/**
 * Every schema the routes name, converted in one pass: the named ones (`id` metadata, anywhere in the global
 * registry) under their id, the parameter objects under generated ids. References between them are `$ref`s to
 * `#/components/schemas/<id>`.
 */
function convert(routes: readonly Route[]) {
  const registry = z.registry<{ id: string }>();
  const named = new Set<string>();
  for (const [id, schema] of z.globalRegistry._idmap) {
    registry.add(schema, { id });
    named.add(id);
  }
  const unnamed = new Map<RequestSchema, string>();
  const idOf = (schema: RequestSchema) => {
    const id = z.globalRegistry.get(schema)?.id ?? unnamed.get(schema);
    if (id) return id;
    const generated = `__parameters${unnamed.size}`;
    unnamed.set(schema, generated);
    registry.add(schema, { id: generated });
    return generated;
  };
  for (const route of routes) {
    for (const schema of [route.params, route.query, route.body]) if (schema) idOf(schema);
  }
  idOf(IdempotencyKeyHeader);
  idOf(Problem);
  const { schemas } = z.toJSONSchema(registry, {
    target: 'draft-2020-12',
    // Requests are documented: optional and defaulted fields are optional, strict objects refuse extra keys.
    io: 'input',
    uri: componentUri,
    override: ({ zodSchema, jsonSchema }) => {
      const def = zodSchema._zod.def;
      // zod leaves out the default of a schema whose input is transformed (the `emergency` → `urgent` priority);
      // the default applies before the transform, so it is what a client may leave out.
      if (def.type === 'default' && jsonSchema.default === undefined) {
        jsonSchema.default = (def as z.core.$ZodDefaultDef).defaultValue as JsonSchema['default'];
      }
      // Restatements left out: `integer` already means zod's safe integer, and `format` names zod's own regex.
      if (jsonSchema.type === 'integer') {
        if (jsonSchema.maximum === Number.MAX_SAFE_INTEGER) delete jsonSchema.maximum;
        if (jsonSchema.minimum === Number.MIN_SAFE_INTEGER) delete jsonSchema.minimum;
      }
      const formatPattern = (def as Partial<z.core.$ZodStringFormatDef>).pattern;
      if (jsonSchema.format && jsonSchema.pattern === formatPattern?.source) delete jsonSchema.pattern;
    },
  });
  if ('__shared' in schemas) throw new Error('OpenAPI: a schema needs shared definitions; give it an id.');
  const resolved = new Map<string, JsonSchema>();
  for (const [id, schema] of Object.entries(schemas)) {
    const { $schema: _dialect, $id: _uri, ...rest } = schema;
    resolved.set(id, rest);
  }
  const jsonOf = (schema: RequestSchema): JsonSchema => {
    const id = idOf(schema);
    return named.has(id) ? { $ref: componentUri(id) } : (resolved.get(id) as JsonSchema);
  };
  return { resolved, named, jsonOf };
}

/** The named schemas a document references, directly or through other named schemas, in first-use order. */
function referencedComponents(
  root: unknown,
  resolved: ReadonlyMap<string, JsonSchema>,
): Record<string, JsonSchema> {
  const components: Record<string, JsonSchema> = {};
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const item of value) visit(item);
      return;
    }
    if (!value || typeof value !== 'object') return;
    for (const [key, child] of Object.entries(value)) {
      if (key === '$ref' && typeof child === 'string' && child.startsWith(componentUri(''))) {
        const id = child.slice(componentUri('').length);
        const schema = resolved.get(id);
        if (!schema) throw new Error(`OpenAPI: no schema for ${child}`);
        if (!(id in components)) {
          components[id] = schema;
          visit(schema);
        }
      } else {
        visit(child);
      }
    }
  };
  visit(root);
  return components;
}

/** One parameter per property of an object schema (a `$ref` is followed). */
function parametersOf(
  schema: JsonSchema,
  where: OpenApiParameter['in'],
  resolved: ReadonlyMap<string, JsonSchema>,
): OpenApiParameter[] {
  const object = schema.$ref ? resolved.get(schema.$ref.slice(componentUri('').length)) : schema;
  if (!object?.properties) throw new Error(`OpenAPI: ${where} parameters need an object schema`);
  const required = new Set(object.required ?? []);
  return Object.entries(object.properties).map(([name, property]) => {
    const propertySchema = property as JsonSchema;
    return {
      schema: propertySchema,
      required: where === 'path' || required.has(name),
      ...(propertySchema.description ? { description: propertySchema.description } : {}),
      name,
      in: where,
    };
  });
}

/**
 * The OpenAPI 3.1 document (a plain object).
 * @param routes the route rows to document
 * @param serverUrl base URL of the API, if known
 */
export function openApiDocument(routes: readonly Route[], serverUrl?: string): OpenApiDocument {
  const { resolved, jsonOf } = convert(routes);
  const bearer = 'cognitoJwt';
  const problem = { content: { 'application/problem+json': { schema: jsonOf(Problem) } } };
  const paths: Record<string, Record<string, OpenApiOperation>> = {};
  for (const route of routes) {
    const authenticated = route.permission !== 'public';
    const parameters = [
      ...(route.params ? parametersOf(jsonOf(route.params), 'path', resolved) : []),
      ...(route.query ? parametersOf(jsonOf(route.query), 'query', resolved) : []),
      ...(route.idempotent ? parametersOf(jsonOf(IdempotencyKeyHeader), 'header', resolved) : []),
    ];
    const operation: OpenApiOperation = {
      operationId: route.id,
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      security: authenticated ? [{ [bearer]: [] }] : [],
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(route.body
        ? {
            requestBody: {
              content: { [route.bodyType ?? 'application/json']: { schema: jsonOf(route.body) } },
            },
          }
        : {}),
      responses: {
        [route.success.status]: {
          description: route.success.description,
          content: { [route.success.mediaType ?? 'application/json']: { schema: {} } },
        },
        ...(authenticated ? { 401: { description: 'No or bad token' } } : {}),
        400: { description: 'Invalid request', ...problem },
        ...(route.path.includes('{')
          ? { 404: { description: 'Not found or not visible to you', ...problem } }
          : {}),
      },
    };
    paths[route.path] = { ...paths[route.path], [route.method.toLowerCase()]: operation };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Help desk API',
      version: '0.1.0',
      description: 'Tickets, comments, images and approvals by email/SMS link.',
    },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
    components: {
      securitySchemes: {
        [bearer]: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'Cognito access token from POST /auth/login',
        },
      },
      schemas: referencedComponents(paths, resolved),
    },
    paths,
  };
}
