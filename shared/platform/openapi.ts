/**
 * The OpenAPI 3.1 document of this API, generated from the route rows (`shared/routes.ts`) and the zod schemas
 * they name: the request schemas the route wrapper validates with, and the response schemas the handlers' views
 * are typed by. `npm run openapi` writes it to `openapi.json` at build time; `GET /openapi.json` serves that file.
 *
 * OpenAPI 3.1 schemas are JSON Schema 2020-12, which is what zod's own `z.toJSONSchema` emits (it works on the
 * `zod/mini` schemas the routes use). Requests are converted as zod's input (defaulted fields optional), responses
 * as its output. Schemas with an `id` (`z.meta({ id })`) become `components.schemas` and are referenced with
 * `$ref`; a named schema whose output differs from its input (a default, a transform) is documented twice, the
 * output as `<id>Output` (as `<id>` when the document uses no input of it). Path, query and header schemas (zod
 * objects) become one parameter per property.
 *
 * Every operation lists every status it can answer: its success (body, headers, example), and per error status
 * the problem types it can carry (RFC 9457 `application/problem+json`), from the row (`Route.problems`) and what
 * the row implies (a body can be malformed, a path parameter can name nothing, ...). What API Gateway itself
 * answers is documented as it is: the JWT authorizer's 401 and the stage throttle's 429 are
 * `{ "message": ... }` JSON, which an HTTP API cannot reshape.
 *
 * The document passes Redocly's `recommended` rules and the OWASP API Security ruleset of Spectral (docs/api.md,
 * "Lint"), truthfully: servers declare their audience (`x-internal`), integers their `format` (int32 when the
 * bounds fit), every answer the CORS header API Gateway adds, and nothing the service does not send (no
 * rate-limit headers: that rule is off).
 */
import * as z from 'zod/mini';
import { type ProblemSlug, problemTitles } from '#shared/platform/http/problem.ts';
import type {
  RequestSchema,
  ResponseHeader,
  Route,
  RouteResponse,
  RouteResponses,
} from '#shared/platform/route-table.ts';

/** A JSON Schema (2020-12) as `z.toJSONSchema` emits it. */
type JsonSchema = z.core.JSONSchema.JSONSchema;

const componentUri = (id: string) => `#/components/schemas/${id}`;
/** Marks a reference made in the response pass, until its component's final name is known. */
const outputMark = '~output';

const problemSlugs = Object.keys(problemTitles) as ProblemSlug[];

const Problem = /* @__PURE__ */ (() =>
  z
    .looseObject({
      type: z
        .enum(problemSlugs.map((slug) => `/problems/${slug}`) as [string, ...string[]])
        .check(z.meta({ description: 'The problem type: /problems/<slug> (a relative URI reference)' })),
      title: z
        .enum(problemSlugs.map((slug) => problemTitles[slug]) as [string, ...string[]])
        .check(z.meta({ description: 'The title of the problem type (the same for every occurrence)' })),
      status: z.number().check(z.int(), z.gte(400), z.lte(599)),
      detail: z.optional(z.string().check(z.maxLength(2000))),
      errors: z.optional(
        z
          .array(
            z.object({
              in: z.enum(['body', 'query', 'path', 'header']),
              pointer: z
                .string()
                .check(
                  z.maxLength(500),
                  z.meta({ format: 'json-pointer', description: 'JSON Pointer (RFC 6901)' }),
                ),
              detail: z.string().check(z.maxLength(1000)),
            }),
          )
          .check(z.maxLength(100)),
      ),
    })
    .check(
      z.meta({
        id: 'Problem',
        description:
          'RFC 9457 problem details. `errors` lists the fields at fault (400 validation-error, 422); other ' +
          'extension members are named by the route (e.g. `allowed`, the statuses a ticket may move to).',
      }),
    ))();

/** The messages of the errors API Gateway answers itself, by status, as the document lists them. */
const gatewayMessages = {
  401: 'Unauthorized',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
} as const;

const GatewayMessage = /* @__PURE__ */ (() =>
  z.object({ message: z.enum(Object.values(gatewayMessages)) }).check(
    z.meta({
      id: 'GatewayMessage',
      description:
        'An error API Gateway answers itself (the JWT authorizer, the stage throttle, a function that failed ' +
        'without answering): only a message.',
    }),
  ))();

const HtmlPage = /* @__PURE__ */ (() =>
  z.string().check(z.maxLength(100_000), z.meta({ id: 'HtmlPage', description: 'An HTML page' })))();

const IdempotencyKeyHeader = /* @__PURE__ */ (() =>
  z.object({
    'idempotency-key': z.optional(
      z.string().check(
        z.minLength(1),
        z.maxLength(255),
        z.regex(/^[\x21-\x7e]+$/),
        z.meta({
          description:
            'Retrying with the same key within 24 h returns the first response (header idempotency-replayed: true) ' +
            'instead of creating again; the same key with another body answers 422, while the first is still ' +
            'running 409.',
        }),
      ),
    ),
  }))();

const IfMatchHeader = /* @__PURE__ */ (() =>
  z.object({
    'if-match': z.optional(
      z.string().check(
        z.maxLength(200),
        z.regex(/^(\*|"[^"]+")$/),
        z.meta({
          description:
            'The ETag of the resource as last read ("<id>.<version>"), or *: the change is made only if the ' +
            'resource is still at that version (412 otherwise, also for an ETag of another resource).',
        }),
      ),
    ),
  }))();

/**
 * The response headers the document names, as `components.headers` by header name (responses reference them):
 * the headers a row may name on its success, `Retry-After` on the service's 429, and the CORS header API Gateway
 * adds.
 */
const headerComponents = {
  ETag: {
    description: 'Strong ETag of the resource ("<id>.<version>"); send it back as If-Match.',
    schema: { type: 'string', pattern: '^"[^"]+"$', maxLength: 200 },
  },
  Location: {
    description: 'The URL of the created resource.',
    schema: { type: 'string', format: 'uri-reference', maxLength: 500 },
  },
  'Idempotency-Replayed': {
    description: 'true when an Idempotency-Key retry answers the first response again.',
    schema: { type: 'string', enum: ['true'] },
  },
  'Retry-After': {
    description: 'Seconds to wait before retrying (set by the service; API Gateway throttling sends none).',
    schema: { type: 'integer', format: 'int32', minimum: 0, maximum: 3600 },
  },
  'Access-Control-Allow-Origin': {
    description:
      "The request's Origin, when it is one of the deployment's allowed browser origins (context corsOrigins): " +
      'API Gateway adds it, by the HTTP API CORS configuration, to what the function answers a request that ' +
      "carries an Origin header. Absent without a matching Origin, and on API Gateway's own { message } answers.",
    schema: { type: 'string', format: 'uri', maxLength: 500 },
  },
} as const satisfies Record<string, OpenApiHeader>;
type HeaderId = keyof typeof headerComponents;

/** The response header name and component of each header a row may name. */
const rowHeaders: Record<ResponseHeader, readonly [name: string, id: HeaderId]> = {
  etag: ['ETag', 'ETag'],
  location: ['Location', 'Location'],
  'idempotency-replayed': ['idempotency-replayed', 'Idempotency-Replayed'],
};

const headerRef = (id: HeaderId) => ({ $ref: `#/components/headers/${id}` });

/** A response's headers: those named, and the CORS header every answer of the function may carry. */
const responseHeaders = (named: readonly (readonly [name: string, id: HeaderId])[]) =>
  Object.fromEntries([
    ...named.map(([name, id]) => [name, headerRef(id)] as const),
    ['Access-Control-Allow-Origin', headerRef('Access-Control-Allow-Origin')] as const,
  ]);

/** Tags by handler folder (`functions/<folder>/`). */
const tagOfFolder: Record<string, { name: string; description: string }> = {
  health: { name: 'Service', description: 'Liveness, this document and its reference page' },
  openapi: { name: 'Service', description: 'Liveness, this document and its reference page' },
  docs: { name: 'Service', description: 'Liveness, this document and its reference page' },
  users: {
    name: 'Accounts and people',
    description: 'Sign-up, sign-in, sessions, profiles and user administration',
  },
  roles: { name: 'Roles', description: 'Built-in and custom roles and their permission flags' },
  tickets: { name: 'Tickets', description: 'Tickets, their lifecycle, assignment and audit trail' },
  comments: { name: 'Comments', description: 'Public replies and internal notes on tickets' },
  images: { name: 'Images', description: 'Ticket images, uploaded by presigned POST' },
  approvals: { name: 'Approval links', description: 'The pages an approval link in an email or SMS opens' },
  notifications: {
    name: 'Notifications',
    description:
      'The notification log, retries of failed sends, deliveries that failed for good and their redrive',
  },
  optics: { name: 'Optics', description: 'Optics parts and requests for them, approved by admins' },
  inventory: {
    name: 'Inventory',
    description: 'Cable stock: receipts, the ledger of movements, adjustments, on-hand, low-stock thresholds',
  },
  dashboard: {
    name: 'Dashboard',
    description: 'Ticket, approval, optics and low-stock counts from counters the table stream keeps',
  },
  macros: { name: 'Macros', description: 'Canned replies that act on the ticket they are applied to' },
  customers: { name: 'Customers', description: 'An agent’s contacts, and the tickets linked to them' },
  messages: { name: 'Direct messages', description: 'Conversations between two users, unread counts' },
};

export interface OpenApiParameter {
  readonly name: string;
  readonly in: 'path' | 'query' | 'header';
  readonly required: boolean;
  readonly description?: string;
  readonly schema: JsonSchema;
}

export interface OpenApiHeader {
  readonly description: string;
  readonly required?: boolean;
  readonly schema: JsonSchema;
}

export interface OpenApiMediaType {
  readonly schema: JsonSchema;
  readonly example?: unknown;
}

/** A reference to a component (`#/components/<kind>/<id>`). */
export interface OpenApiRef {
  readonly $ref: string;
}

export interface OpenApiResponse {
  readonly description: string;
  readonly headers?: Record<string, OpenApiHeader | OpenApiRef>;
  readonly content?: Record<string, OpenApiMediaType>;
}

export interface OpenApiOperation {
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  readonly tags: string[];
  readonly security: Record<string, string[]>[];
  readonly parameters?: OpenApiParameter[];
  readonly requestBody?: { readonly required: boolean; readonly content: Record<string, OpenApiMediaType> };
  readonly responses: Record<string, OpenApiResponse>;
}

export interface OpenApiDocument {
  readonly openapi: '3.1.0';
  readonly info: {
    readonly title: string;
    readonly version: string;
    readonly description: string;
    readonly license: { readonly name: string; readonly identifier: string };
  };
  /** `x-internal`: whether the server is for internal use only (OWASP API9: each server declares its audience). */
  readonly servers: { readonly url: string; readonly description: string; readonly 'x-internal': boolean }[];
  readonly tags: { readonly name: string; readonly description: string }[];
  readonly components: {
    readonly securitySchemes: Record<string, Record<string, string>>;
    readonly headers: Record<string, OpenApiHeader>;
    readonly schemas: Record<string, JsonSchema>;
  };
  readonly paths: Record<string, Record<string, OpenApiOperation>>;
}

/** Options of {@link openApiDocument}. */
export interface OpenApiOptions {
  /** Success schemas and examples by route id (each feature's `responses.ts`). */
  readonly responses?: Readonly<Record<string, RouteResponse>>;
  /** Servers to list; default the API itself (a relative URL: the document is served by the API it describes). */
  readonly servers?: OpenApiDocument['servers'];
}

type Io = 'input' | 'output';

const int32 = { min: -(2 ** 31), max: 2 ** 31 - 1 };

/** OpenAPI's format of an integer: `int32` when its bounds fit 32 bits, else `int64` (zod's safe integers do). */
const integerFormat = ({ minimum, maximum, exclusiveMinimum, exclusiveMaximum }: JsonSchema) => {
  const low = minimum ?? (typeof exclusiveMinimum === 'number' ? exclusiveMinimum + 1 : undefined);
  const high = maximum ?? (typeof exclusiveMaximum === 'number' ? exclusiveMaximum - 1 : undefined);
  return low !== undefined && high !== undefined && low >= int32.min && high <= int32.max ? 'int32' : 'int64';
};

/** Converts one pass (requests as input, or responses as output) of schemas; unnamed ones get generated ids. */
function convertPass(schemas: readonly RequestSchema[], io: Io) {
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
    const generated = `__${io}${unnamed.size}`;
    unnamed.set(schema, generated);
    registry.add(schema, { id: generated });
    return generated;
  };
  for (const schema of schemas) idOf(schema);
  const mark = io === 'output' ? outputMark : '';
  const { schemas: converted } = z.toJSONSchema(registry, {
    target: 'draft-2020-12',
    io,
    uri: (id) => componentUri(`${id}${mark}`),
    override: ({ zodSchema, jsonSchema }) => {
      const def = zodSchema._zod.def;
      // zod leaves out the default of a schema whose input is transformed (the `emergency` → `urgent` priority);
      // the default applies before the transform, so it is what a client may leave out.
      if (io === 'input' && def.type === 'default' && jsonSchema.default === undefined) {
        jsonSchema.default = (def as z.core.$ZodDefaultDef).defaultValue as JsonSchema['default'];
      }
      if (jsonSchema.type === 'integer') {
        // A request integer bounded only by zod's safe-integer range is left unbounded, so the lint (OWASP
        // API4 integer-limit) asks its feature for a real bound; a response keeps the range, which is what the
        // service can send.
        if (io === 'input') {
          if (jsonSchema.maximum === Number.MAX_SAFE_INTEGER) delete jsonSchema.maximum;
          if (jsonSchema.minimum === Number.MIN_SAFE_INTEGER) delete jsonSchema.minimum;
        }
        jsonSchema.format = integerFormat(jsonSchema);
      }
      // A format keeps zod's own pattern: JSON Schema's `format: email` accepts addresses zod refuses (and refuses
      // some zod accepts), so zod's pattern alone states the rule enforced, and the format goes.
      if (jsonSchema.format === 'email' && jsonSchema.pattern) delete jsonSchema.format;
    },
  });
  if ('__shared' in converted) throw new Error('OpenAPI: a schema needs shared definitions; give it an id.');
  const resolved = new Map<string, JsonSchema>();
  for (const [id, schema] of Object.entries(converted)) {
    const { $schema: _dialect, $id: _uri, ...rest } = schema;
    resolved.set(id, rest);
  }
  return { resolved, named, idOf };
}

/** Every `$ref` of a value rewritten by `rename` (a new value). */
function mapRefs(value: unknown, rename: (ref: string) => string): unknown {
  if (Array.isArray(value)) return value.map((item) => mapRefs(item, rename));
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, child]) => [
      key,
      key === '$ref' && typeof child === 'string' ? rename(child) : mapRefs(child, rename),
    ]),
  );
}

/**
 * Both passes, merged into one set of components: an output component equal to the input one of the same id is
 * that component; one that differs is named `<id>Output`.
 */
function convert(requests: readonly RequestSchema[], responses: readonly RequestSchema[]) {
  const input = convertPass(requests, 'input');
  const output = convertPass(responses, 'output');
  // Which output components differ from their input twin; a component differs when its own JSON or any
  // component it references differs, so iterate to a fixed point.
  const differs = new Set<string>();
  const finalName = (id: string) => (differs.has(id) ? `${id}Output` : id);
  const renameOutput = (ref: string) =>
    ref.endsWith(outputMark)
      ? componentUri(finalName(ref.slice(componentUri('').length, -outputMark.length)))
      : ref;
  for (let changed = true; changed; ) {
    changed = false;
    for (const [id, schema] of output.resolved) {
      if (differs.has(id) || !output.named.has(id)) continue;
      const twin = input.resolved.get(id);
      if (JSON.stringify(mapRefs(schema, renameOutput)) !== JSON.stringify(twin)) {
        differs.add(id);
        changed = true;
      }
    }
  }
  const components = new Map<string, JsonSchema>(input.resolved);
  for (const [id, schema] of output.resolved) {
    if (differs.has(id)) components.set(`${id}Output`, mapRefs(schema, renameOutput) as JsonSchema);
  }
  const jsonOf = (schema: RequestSchema, io: Io): JsonSchema => {
    const pass = io === 'input' ? input : output;
    const id = pass.idOf(schema);
    if (pass.named.has(id)) return { $ref: componentUri(io === 'input' ? id : finalName(id)) };
    const inline = pass.resolved.get(id) as JsonSchema;
    return io === 'input' ? inline : (mapRefs(inline, renameOutput) as JsonSchema);
  };
  return { components, jsonOf };
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

/**
 * The components the paths reference, and the paths, with every `<id>Output` whose input twin `<id>` the
 * document does not use renamed to `<id>`: a schema only ever answered (a view, `Problem`) keeps its own name.
 */
function withPlainOutputNames(
  paths: Record<string, Record<string, OpenApiOperation>>,
  resolved: ReadonlyMap<string, JsonSchema>,
) {
  const used = referencedComponents(paths, resolved);
  const renames = new Map<string, string>();
  for (const id of Object.keys(used)) {
    const plain = id.endsWith('Output') ? id.slice(0, -'Output'.length) : undefined;
    if (plain && !(plain in used) && resolved.has(plain)) renames.set(id, plain);
  }
  const rename = (ref: string) => {
    const id = ref.startsWith(componentUri('')) ? ref.slice(componentUri('').length) : undefined;
    const plain = id === undefined ? undefined : renames.get(id);
    return plain === undefined ? ref : componentUri(plain);
  };
  return {
    paths: mapRefs(paths, rename) as typeof paths,
    schemas: Object.fromEntries(
      Object.entries(used).map(([id, schema]) => [
        renames.get(id) ?? id,
        mapRefs(schema, rename) as JsonSchema,
      ]),
    ),
  };
}

/** The header components the responses reference, in `headerComponents` order. */
function referencedHeaders(paths: unknown): Record<string, OpenApiHeader> {
  const used = new Set(refsOf(paths));
  return Object.fromEntries(
    Object.entries(headerComponents).filter(([id]) => used.has(headerRef(id as HeaderId).$ref)),
  );
}

/** Every `$ref` in a value. */
function refsOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refsOf);
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, child]) =>
    key === '$ref' && typeof child === 'string' ? [child] : refsOf(child),
  );
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

/** Status of each problem type the generator can document. */
const problemStatus: Record<ProblemSlug, number> = {
  'validation-error': 400,
  'malformed-request': 400,
  unauthorized: 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  'invalid-transition': 409,
  'precondition-failed': 412,
  'precondition-required': 428,
  'payload-too-large': 413,
  'unsupported-media-type': 415,
  'idempotency-key-reused': 422,
  'unprocessable-content': 422,
  'too-many-requests': 429,
  'internal-error': 500,
};

/** The problem types a route can answer: what its row implies, and what it lists. */
export function problemsOf(route: Route): ProblemSlug[] {
  const implied: ProblemSlug[] = [];
  if (route.params || route.query || route.body || route.idempotent || route.ifMatch)
    implied.push('validation-error');
  if (route.body) implied.push('malformed-request', 'unsupported-media-type');
  if (route.permission !== 'public') implied.push('unauthorized');
  if (route.permission !== 'public' && route.permission !== 'signed-in') implied.push('forbidden');
  if (route.path.includes('{')) implied.push('not-found');
  if (route.ifMatch) implied.push('precondition-failed');
  if (route.idempotent) implied.push('conflict', 'idempotency-key-reused');
  implied.push('too-many-requests', 'internal-error');
  const all = new Set([...implied, ...(route.problems ?? [])]);
  return (Object.keys(problemStatus) as ProblemSlug[]).filter((slug) => all.has(slug));
}

/** The statuses a route can answer, success first: what its document lists (tests check responses against it). */
export function statusesOf(route: Route): number[] {
  return [
    route.success.status,
    ...new Set([...problemsOf(route).map((slug) => problemStatus[slug]), ...(route.pages ?? [])]),
  ];
}

const problemExample = (slug: ProblemSlug, detail: string) => ({
  type: `/problems/${slug}`,
  title: problemTitles[slug],
  status: problemStatus[slug],
  detail,
});

const exampleDetail: Partial<Record<ProblemSlug, string>> = {
  'validation-error': 'Some fields are invalid.',
  'malformed-request': 'The body is not valid JSON.',
  unauthorized: 'Sign in and send the access token as a Bearer token.',
  forbidden: 'Your role may not do this.',
  'not-found': 'The ticket was not found.',
  conflict: 'The request conflicts with the current state.',
  'invalid-transition': 'This status change is not allowed.',
  'precondition-failed': 'Read the resource again and retry with its current version.',
  'precondition-required':
    'Send If-Match with the ETag of the version you decide on (read the resource first).',
  'payload-too-large': 'Too large.',
  'unsupported-media-type': 'Send application/json, not text/plain.',
  'idempotency-key-reused': 'This Idempotency-Key was used with a different request.',
  'unprocessable-content': 'Some fields are invalid.',
  'too-many-requests': 'Too many attempts; wait and retry.',
  'internal-error': 'Internal server error',
};

/** Problems the route wrapper itself answers, before or around the handler: problem+json even on page routes. */
const wrapperProblems = new Set<ProblemSlug>([
  'validation-error',
  'malformed-request',
  'unsupported-media-type',
  'unauthorized',
  'too-many-requests',
  'internal-error',
]);

/** The error responses of a route, one per status, each listing its problem types. */
function errorResponses(
  route: Route,
  problemRef: JsonSchema,
  gatewayRef: JsonSchema,
  htmlRef: JsonSchema,
): Record<string, OpenApiResponse> {
  const byStatus = new Map<number, ProblemSlug[]>();
  for (const slug of problemsOf(route)) {
    const status = problemStatus[slug];
    byStatus.set(status, [...(byStatus.get(status) ?? []), slug]);
  }
  const responses: Record<string, OpenApiResponse> = {};
  // Statuses only ever answered as a page (no problem type): the page says why.
  for (const status of route.pages ?? []) {
    if (byStatus.has(status)) continue;
    responses[status] = {
      description: 'An HTML page that says why',
      headers: responseHeaders([]),
      content: { 'text/html': { schema: htmlRef, example: '<!doctype html><html>...</html>' } },
    };
  }
  for (const [status, slugs] of byStatus) {
    const types = slugs.map((slug) => `/problems/${slug}`);
    const content: Record<string, OpenApiMediaType> = {};
    // A page route answers its own refusals as pages; what the route wrapper refuses before the handler runs (a
    // path, query or body that breaks its schema, a media type it does not take, ...) is problem+json as anywhere.
    const page = route.pages?.includes(status) ?? false;
    const problemSlugs = page ? slugs.filter((slug) => wrapperProblems.has(slug)) : slugs;
    if (page) content['text/html'] = { schema: htmlRef, example: '<!doctype html><html>...</html>' };
    if (problemSlugs.length > 0) {
      content['application/problem+json'] = {
        schema: {
          allOf: [
            problemRef,
            {
              type: 'object',
              properties: {
                type: { type: 'string', enum: problemSlugs.map((slug) => `/problems/${slug}`) },
                // The status is Problem's integer; the const alone narrows it.
                status: { const: status },
              },
            },
          ],
        },
        example: problemExample(
          problemSlugs[0] as ProblemSlug,
          exampleDetail[problemSlugs[0] as ProblemSlug] ?? '',
        ),
      };
    }
    let description = `${slugs.map((slug) => problemTitles[slug]).join('; ')} (${types.join(', ')})`;
    if (status === 401 && route.permission !== 'public') {
      description +=
        '. A missing, expired or forged token is refused by the API Gateway JWT authorizer as JSON.';
      content['application/json'] = { schema: gatewayRef, example: { message: gatewayMessages[401] } };
    }
    if (status === 429) {
      description += '. The stage throttle (API Gateway) answers as JSON, without Retry-After.';
      content['application/json'] = { schema: gatewayRef, example: { message: gatewayMessages[429] } };
    }
    if (status === 500) {
      description +=
        '. A function that fails without answering (it crashed or returned no valid response) is answered by ' +
        'API Gateway as JSON.';
      content['application/json'] = { schema: gatewayRef, example: { message: gatewayMessages[500] } };
    }
    responses[status] = {
      description,
      headers: responseHeaders(status === 429 ? [['Retry-After', 'Retry-After']] : []),
      content,
    };
  }
  return responses;
}

/**
 * The OpenAPI 3.1 document (a plain object).
 * @param routes the route rows to document
 * @param options examples by route id, servers
 */
export function openApiDocument(routes: readonly Route[], options: OpenApiOptions = {}): OpenApiDocument {
  const requestSchemas = routes.flatMap((route) =>
    [route.params, route.query, route.body].filter((s) => !!s),
  );
  const responseOf = (route: Route) => options.responses?.[route.id] ?? {};
  const responseSchemas = routes.flatMap((route) => {
    const { schema } = responseOf(route);
    return schema ? [schema] : [];
  });
  const { components, jsonOf } = convert(
    [...requestSchemas, IdempotencyKeyHeader, IfMatchHeader],
    [...responseSchemas, Problem, GatewayMessage, HtmlPage],
  );
  const bearer = 'cognitoJwt';
  const problemRef = jsonOf(Problem, 'output');
  const gatewayRef = jsonOf(GatewayMessage, 'output');
  const htmlRef = jsonOf(HtmlPage, 'output');
  const paths: Record<string, Record<string, OpenApiOperation>> = {};
  const tags = new Map<string, string>();
  for (const route of routes) {
    const authenticated = route.permission !== 'public';
    const folder = route.entry.split('/')[1] ?? '';
    const tag = tagOfFolder[folder];
    if (!tag) throw new Error(`OpenAPI: no tag for functions/${folder}/ (${route.id})`);
    tags.set(tag.name, tag.description);
    const parameters = [
      ...(route.params ? parametersOf(jsonOf(route.params, 'input'), 'path', components) : []),
      ...(route.query ? parametersOf(jsonOf(route.query, 'input'), 'query', components) : []),
      ...(route.ifMatch ? parametersOf(jsonOf(IfMatchHeader, 'input'), 'header', components) : []),
      ...(route.idempotent ? parametersOf(jsonOf(IdempotencyKeyHeader, 'input'), 'header', components) : []),
    ];
    const response = responseOf(route);
    const successHeaders = [
      ...(route.success.headers ?? []),
      ...(route.idempotent ? (['idempotency-replayed'] as const) : []),
    ];
    const mediaType = route.success.mediaType ?? 'application/json';
    const successSchema =
      mediaType === 'text/html' ? htmlRef : response.schema ? jsonOf(response.schema, 'output') : undefined;
    const operation: OpenApiOperation = {
      operationId: route.id,
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      tags: [tag.name],
      security: authenticated ? [{ [bearer]: [] }] : [],
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(route.body
        ? {
            requestBody: {
              required: true,
              content: {
                [route.bodyType ?? 'application/json']: {
                  schema: jsonOf(route.body, 'input'),
                  ...(response.request !== undefined ? { example: response.request } : {}),
                },
              },
            },
          }
        : {}),
      responses: {
        [route.success.status]: {
          description: route.success.description,
          headers: responseHeaders(successHeaders.map((name) => rowHeaders[name])),
          ...(successSchema
            ? {
                content: {
                  [mediaType]: {
                    schema: successSchema,
                    ...(mediaType === 'text/html'
                      ? { example: '<!doctype html><html>...</html>' }
                      : response.example !== undefined
                        ? { example: response.example }
                        : {}),
                  },
                },
              }
            : {}),
        },
        ...errorResponses(route, problemRef, gatewayRef, htmlRef),
      },
    };
    paths[route.path] = { ...paths[route.path], [route.method.toLowerCase()]: operation };
  }
  const named = withPlainOutputNames(paths, components);
  return {
    openapi: '3.1.0',
    info: {
      title: 'Help desk API',
      version: '0.1.0',
      description:
        'Tickets with a lifecycle, comments and internal notes, images by presigned upload, people and roles, and ' +
        'approvals by email/SMS link. Errors are RFC 9457 problem details (application/problem+json).',
      license: { name: 'UNLICENSED', identifier: 'LicenseRef-Proprietary' },
    },
    servers: options.servers ?? [
      // Public: the HTTP API is reachable from the internet (its routes are public or behind the authorizer).
      { url: '/', description: 'This deployment (production or the local stack)', 'x-internal': false },
    ],
    tags: [...tags].map(([name, description]) => ({ name, description })),
    components: {
      securitySchemes: {
        [bearer]: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            'A Cognito access token from POST /auth/login. The API Gateway JWT authorizer verifies it by the ' +
            "RFC8725 best practices it applies: the signature against the user pool's published RSA keys " +
            '(Cognito signs RS256; an unsigned token, alg "none", is refused), the issuer, the audience (the app ' +
            'client) and the expiry. The authorizer does not tell access tokens from ID tokens (RFC8725 §3.12), so ' +
            'the service itself refuses an ID token (token_use is not access) with 401.',
        },
      },
      headers: referencedHeaders(named.paths),
      schemas: named.schemas,
    },
    paths: named.paths,
  };
}

/** The responses of several features, as one map for {@link OpenApiOptions.responses}. */
export const mergeResponses = (...maps: readonly Partial<RouteResponses<Route>>[]) =>
  Object.assign({}, ...maps) as Record<string, RouteResponse>;
