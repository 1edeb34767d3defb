/**
 * Requests for one documented operation, valid and mutated, built from the OpenAPI document, and the rules a
 * response to each must follow (`checkResponse`).
 *
 * A request is plain data (so fast-check can print, replay and shrink it): the caller is a label the test resolves
 * to a token when it sends the request (`admin`, `agent`, ...; `none` and `garbage` for the token mutations).
 *
 * Kinds and what the response must be (besides the rules every response follows: below 500, documented status,
 * content type and body by `contractViolations`, an error as problem+json unless it is the gateway's JSON 401/429
 * or a documented HTML page):
 * - `valid`: path, query, headers and body valid by the document (real ids mixed in by hints): never 400.
 * - `unknown-path`: valid, but the path parameters are generated ones that name nothing: 404 (or 401/403, checks
 *   that come first); never 400.
 * - `invalid-path`, `invalid-query`, `invalid-header`: one parameter breaks its schema: 400 `validation-error`
 *   (or 401/403; for a header also what comes before the body: 404, 409, 412).
 * - `invalid-body`: the body breaks its schema by one mutation: 400 `validation-error` (an HTML page's 400 for
 *   the approval form), or a check that comes before the body is read (401, 403, 404, 409, 412).
 * - `malformed-body`: not JSON: 400 `malformed-request`, or one of those earlier checks.
 * - `wrong-content-type`: the valid body in another media type (a form post to a JSON route): 415, or an earlier
 *   check.
 * - `no-token`, `garbage-token` (routes behind the authorizer): exactly the documented 401.
 * A mutated request that carries an `Idempotency-Key` its caller already used on that path with another body may
 * get the 422 `idempotency-key-reused` instead: that check comes first.
 */
import fc from 'fast-check';
import { contractViolations } from '../contract.ts';
import { type Hints, invalidValue, validValue } from './arbitraries.ts';
import type { JsonSchema, SchemaContext } from './json-schema.ts';
import type { Operation, Parameter } from './operations.ts';

export type RequestKind =
  | 'valid'
  | 'unknown-path'
  | 'invalid-path'
  | 'invalid-query'
  | 'invalid-header'
  | 'invalid-body'
  | 'malformed-body'
  | 'wrong-content-type'
  | 'no-token'
  | 'garbage-token';

export interface FuzzRequest {
  readonly operation: string;
  readonly kind: RequestKind;
  /** What was broken, for the mutated kinds. */
  readonly mutation?: string;
  /** Caller label (`none`: no Authorization header; `garbage`: `token` below). */
  readonly caller: string;
  /** A bearer token that is not a valid one, for `garbage-token`. */
  readonly token?: string;
  readonly method: string;
  /** Path with the parameters filled in and percent-encoded, plus the query string. */
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly contentType?: string;
  readonly body?: string;
}

export interface RequestPlan {
  readonly context: SchemaContext;
  /** Labels of the callers a valid request may come from (for a public route: `['none']`). */
  readonly callers: readonly string[];
  /** Real values by name for a caller: ids that exist, a known password; mixed with generated ones. */
  readonly hints: (caller: string) => Hints;
}

/** A value that can be sent as one path segment: `.`/`..` are removed by URL normalisation, `''` has no segment. */
const sendableSegment = (value: unknown) =>
  typeof value === 'string' && value !== '' && value !== '.' && value !== '..';

/** The text a query or path parameter carries for a value. */
const asParameterText = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

/**
 * Whether a parameter's text is valid by its schema as OpenAPI reads it: a numeric text as the number for a
 * numeric schema, otherwise the text.
 */
export function parameterTextValid(context: SchemaContext, schema: JsonSchema, text: string): boolean {
  const resolved = context.resolve(schema);
  const types = Array.isArray(resolved.type) ? resolved.type : resolved.type ? [resolved.type] : [];
  if (
    (types.includes('integer') || types.includes('number')) &&
    /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(text)
  ) {
    return context.isValid(schema, Number(text));
  }
  return context.isValid(schema, text);
}

/** The body as the service reads it: the object a form carries (every value a string), or the JSON value. */
export function bodyAsRead(mediaType: string, value: unknown): unknown {
  if (mediaType !== 'application/x-www-form-urlencoded') return value;
  return Object.fromEntries(new URLSearchParams(formText(value)));
}

function formText(value: unknown): string {
  const fields: [string, string][] =
    value !== null && typeof value === 'object' && !Array.isArray(value)
      ? Object.entries(value as Record<string, unknown>).map(
          ([key, item]) => [key, asParameterText(item)] as [string, string],
        )
      : [['value', asParameterText(value)]];
  return new URLSearchParams(fields).toString();
}

function serialise(mediaType: string, value: unknown): string {
  return mediaType === 'application/x-www-form-urlencoded' ? formText(value) : JSON.stringify(value);
}

/**
 * A parameter's text: generated, or a hinted real value three times in four (the `unknown-path` kind covers paths
 * that name nothing; a generated `If-Match` is a stale ETag, 412, often enough).
 */
function parameterArbitrary(parameter: Parameter, plan: RequestPlan, hints: Hints): fc.Arbitrary<string> {
  const options = { context: plan.context, hints };
  const generated = validValue(parameter.schema, options);
  const hint = hints(parameter.name, plan.context.resolve(parameter.schema));
  return (hint ? fc.oneof({ weight: 1, arbitrary: generated }, { weight: 3, arbitrary: hint }) : generated)
    .map(asParameterText)
    .filter((text) => (parameter.in === 'path' ? sendableSegment(text) : true))
    .filter((text) => parameterTextValid(plan.context, parameter.schema, text))
    .filter((text) => (parameter.in === 'header' ? /^[\x20-\x7e]*$/.test(text) : true));
}

function invalidParameterArbitrary(parameter: Parameter, plan: RequestPlan): fc.Arbitrary<[string, string]> {
  const broken = invalidValue(parameter.schema, { context: plan.context }).map(
    (mutated) => [asParameterText(mutated.value), mutated.mutation] as [string, string],
  );
  const words = fc.constantFrom('abc', '-1', '0', '1.5', 'true', '%', ' ', 'x'.repeat(300));
  return fc
    .oneof(
      broken,
      words.map((text) => [text, `"${text.slice(0, 20)}"`] as [string, string]),
    )
    .filter(([text]) => (parameter.in === 'path' ? sendableSegment(text) : true))
    .filter(([text]) =>
      parameter.in === 'header' ? /^[\x21-\x7e][\x20-\x7e]*[\x21-\x7e]$|^[\x21-\x7e]$/.test(text) : true,
    )
    .filter(([text]) => !parameterTextValid(plan.context, parameter.schema, text))
    .map(([text, mutation]) => [text, `${parameter.in} ${parameter.name}: ${mutation}`]);
}

interface Parts {
  readonly caller: string;
  readonly path: Record<string, string>;
  readonly query: Record<string, string>;
  readonly headers: Record<string, string>;
  readonly body?: unknown;
}

/** Fills a template's `{name}` placeholders with percent-encoded values and appends the query. */
export function urlOf(template: string, path: Record<string, string>, query: Record<string, string>): string {
  const filled = template.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(path[name] ?? ''));
  const search = new URLSearchParams(query).toString();
  return search ? `${filled}?${search}` : filled;
}

function optionalRecord(
  parameters: readonly Parameter[],
  arbitraryOf: (parameter: Parameter) => fc.Arbitrary<string>,
): fc.Arbitrary<Record<string, string>> {
  const model = Object.fromEntries(parameters.map((parameter) => [parameter.name, arbitraryOf(parameter)]));
  return fc.record(model, {
    requiredKeys: parameters.filter((parameter) => parameter.required).map((parameter) => parameter.name),
  }) as fc.Arbitrary<Record<string, string>>;
}

/** Shortest generated path value of an `unknown-path` request (unless the schema allows only shorter ones). */
const unknownLength = 8;

/** Valid parts for a caller: hints (real ids) mixed in unless `generatedPath` (then the path names nothing). */
function validParts(operation: Operation, plan: RequestPlan, generatedPath = false): fc.Arbitrary<Parts> {
  const noHints: Hints = () => undefined;
  const body = operation.body;
  // Built once per caller (arbitraries are costly to build; `chain` only picks one).
  const perCaller = new Map(
    plan.callers.map((caller) => {
      const hints = plan.hints(caller);
      const pathHints = generatedPath ? noHints : hints;
      const parts = fc.record({
        caller: fc.constant(caller),
        path: fc.record(
          Object.fromEntries(
            operation.path.map((parameter) => [
              parameter.name,
              generatedPath
                ? parameterArbitrary(parameter, plan, noHints).filter((text) => {
                    // Long enough not to meet what other requests create with generated names (a role "d-").
                    const max = plan.context.resolve(parameter.schema).maxLength ?? unknownLength;
                    return [...text].length >= Math.min(unknownLength, max);
                  })
                : parameterArbitrary(parameter, plan, pathHints),
            ]),
          ),
        ) as fc.Arbitrary<Record<string, string>>,
        // Half the time without a cursor: a listing's first page (a generated cursor names no page: 422).
        query: fc.oneof(
          optionalRecord(operation.query, (parameter) => parameterArbitrary(parameter, plan, hints)),
          optionalRecord(
            operation.query.filter((parameter) => parameter.name !== 'cursor'),
            (parameter) => parameterArbitrary(parameter, plan, hints),
          ),
        ),
        headers: optionalRecord(operation.headers, (parameter) => parameterArbitrary(parameter, plan, hints)),
        ...(body
          ? {
              body: validValue(body.schema, { context: plan.context, hints }).filter((value) =>
                plan.context.isValid(body.schema, bodyAsRead(body.mediaType, value)),
              ),
            }
          : {}),
      });
      return [caller, parts as fc.Arbitrary<Parts>] as const;
    }),
  );
  return fc.constantFrom(...plan.callers).chain((caller) => perCaller.get(caller) as fc.Arbitrary<Parts>);
}

function build(
  operation: Operation,
  kind: RequestKind,
  parts: Parts,
  extra: Partial<FuzzRequest> = {},
): FuzzRequest {
  const mediaType = operation.body?.mediaType;
  return {
    operation: operation.id,
    kind,
    caller: parts.caller,
    method: operation.method,
    url: urlOf(operation.template, parts.path, parts.query),
    headers: parts.headers,
    ...(mediaType && parts.body !== undefined
      ? { contentType: mediaType, body: serialise(mediaType, parts.body) }
      : {}),
    ...extra,
  };
}

const garbageTokens = fc.oneof(
  fc
    .string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 60 })
    .filter((text) => /^[\x21-\x7e]+$/.test(text)),
  fc.constantFrom(
    'eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.',
    'eyJhbGciOiJSUzI1NiIsImtpZCI6ImZha2UifQ.eyJzdWIiOiJ4IiwiZXhwIjo0MTAyNDQ0ODAwfQ.c2lnbmF0dXJl',
    'null',
    'Bearer',
  ),
);

const malformedJson = fc.constantFrom(
  '{',
  '{"a":',
  'nul',
  "{'a':1}",
  '[1,]',
  '{"a":1}}',
  'tru',
  '"unterminated',
);

/** Every kind of request for one operation, weighted toward valid ones (about two in five). */
export function requestArbitrary(operation: Operation, plan: RequestPlan): fc.Arbitrary<FuzzRequest> {
  const valid = validParts(operation, plan);
  const kinds: fc.WeightedArbitrary<FuzzRequest>[] = [
    { weight: 8, arbitrary: valid.map((parts) => build(operation, 'valid', parts)) },
  ];
  if (operation.path.length > 0) {
    kinds.push({
      weight: 2,
      arbitrary: validParts(operation, plan, true).map((parts) => build(operation, 'unknown-path', parts)),
    });
    kinds.push({
      weight: 2,
      arbitrary: fc
        .tuple(valid, fc.constantFrom(...operation.path))
        .chain(([parts, parameter]) =>
          invalidParameterArbitrary(parameter, plan).map(([text, mutation]) =>
            build(
              operation,
              'invalid-path',
              { ...parts, path: { ...parts.path, [parameter.name]: text } },
              { mutation },
            ),
          ),
        ),
    });
  }
  for (const [kind, parameters, place] of [
    ['invalid-query', operation.query, 'query'],
    ['invalid-header', operation.headers, 'headers'],
  ] as const) {
    if (parameters.length === 0) continue;
    kinds.push({
      weight: 2,
      arbitrary: fc
        .tuple(valid, fc.constantFrom(...parameters))
        .chain(([parts, parameter]) =>
          invalidParameterArbitrary(parameter, plan).map(([text, mutation]) =>
            build(
              operation,
              kind,
              { ...parts, [place]: { ...parts[place], [parameter.name]: text } },
              { mutation },
            ),
          ),
        ),
    });
  }
  const body = operation.body;
  if (body) {
    kinds.push({
      weight: 5,
      arbitrary: fc
        .tuple(valid, invalidValue(body.schema, { context: plan.context }))
        .filter(
          ([, mutated]) => !plan.context.isValid(body.schema, bodyAsRead(body.mediaType, mutated.value)),
        )
        .map(([parts, mutated]) =>
          build(
            operation,
            'invalid-body',
            { ...parts, body: mutated.value },
            { mutation: `body ${mutated.mutation}` },
          ),
        ),
    });
    if (body.mediaType === 'application/json') {
      kinds.push({
        weight: 1,
        arbitrary: fc.tuple(valid, malformedJson).map(([parts, text]) =>
          build(operation, 'malformed-body', parts, {
            contentType: body.mediaType,
            body: text,
            mutation: 'not JSON',
          }),
        ),
      });
    }
    const others = [
      'application/x-www-form-urlencoded',
      'text/plain',
      'application/xml',
      'application/json',
    ].filter((type) => type !== body.mediaType);
    kinds.push({
      weight: 1,
      arbitrary: fc.tuple(valid, fc.constantFrom(...others)).map(([parts, contentType]) =>
        build(operation, 'wrong-content-type', parts, {
          contentType,
          // An empty form (`{}` as a form is no body at all) goes as JSON text instead: a body must be there.
          body: serialise(contentType, parts.body ?? {}) || JSON.stringify(parts.body ?? {}),
          mutation: `sent as ${contentType}`,
        }),
      ),
    });
  }
  if (operation.authenticated) {
    kinds.push({
      weight: 1,
      arbitrary: valid.map((parts) => build(operation, 'no-token', { ...parts, caller: 'none' })),
    });
    kinds.push({
      weight: 1,
      arbitrary: fc
        .tuple(valid, garbageTokens)
        .map(([parts, token]) =>
          build(operation, 'garbage-token', { ...parts, caller: 'garbage' }, { token }),
        ),
    });
  }
  return fc.oneof(...kinds);
}

export interface FuzzResponse {
  readonly status: number;
  readonly contentType: string | null;
  readonly text: string;
}

/** Rejections a route makes before it reads the body: the caller, the permission, the resource and its state. */
const beforeBody = [401, 403, 404, 409, 412];

function problemType(text: string): string | undefined {
  try {
    const body = JSON.parse(text) as { type?: unknown };
    return typeof body.type === 'string' ? body.type : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What is wrong with a response to a fuzz request (empty when nothing): the rules every response follows, then
 * those of the request's kind (see the module comment).
 */
export function checkResponse(operation: Operation, request: FuzzRequest, response: FuzzResponse): string[] {
  const failures: string[] = [];
  const { status } = response;
  const mediaType = response.contentType?.split(';')[0]?.trim().toLowerCase() ?? '';
  if (status >= 500) failures.push(`server error ${status}`);
  failures.push(
    ...contractViolations(request.method, request.url, status, response.contentType, response.text),
  );
  if (status >= 400 && mediaType !== 'application/problem+json') {
    const gatewayJson = (status === 401 || status === 429) && mediaType === 'application/json';
    const page = mediaType === 'text/html' && (operation.mediaTypes[status] ?? []).includes('text/html');
    if (!gatewayJson && !page)
      failures.push(`error ${status} is ${mediaType || 'without a content type'}, not problem+json`);
  }
  // An Idempotency-Key this caller already sent to this path with another body is refused (422) before anything
  // of the request is read; generated keys are short and meet again.
  const keyReused =
    status === 422 &&
    request.headers['idempotency-key'] !== undefined &&
    problemType(response.text) === '/problems/idempotency-key-reused';
  const expect = (allowed: readonly number[], what: string) => {
    if (!allowed.includes(status) && !keyReused) {
      failures.push(`${what}: expected ${allowed.join(' or ')}, got ${status}`);
    }
  };
  const expectProblem = (slug: string) => {
    if (
      status === 400 &&
      mediaType === 'application/problem+json' &&
      problemType(response.text) !== `/problems/${slug}`
    ) {
      failures.push(`400 should be /problems/${slug}, is ${problemType(response.text) ?? 'no problem type'}`);
    }
  };
  switch (request.kind) {
    case 'valid':
      if (status === 400) failures.push('a request valid by the document was refused with 400');
      break;
    case 'unknown-path':
      if (status === 400)
        failures.push('a request valid by the document (its path names nothing) was refused with 400');
      else expect([404, 401, 403], 'path naming nothing');
      break;
    case 'invalid-path':
    case 'invalid-query':
      expect([400, 401, 403], `${request.kind.slice(8)} breaking its schema`);
      expectProblem('validation-error');
      break;
    case 'invalid-header':
      expect([400, ...beforeBody], 'header breaking its schema');
      expectProblem('validation-error');
      break;
    case 'invalid-body':
      expect([400, ...beforeBody], 'body breaking its schema');
      expectProblem('validation-error');
      break;
    case 'malformed-body':
      expect([400, ...beforeBody], 'malformed JSON');
      expectProblem('malformed-request');
      break;
    case 'wrong-content-type':
      expect([415, ...beforeBody], 'wrong content type');
      break;
    case 'no-token':
    case 'garbage-token':
      expect([401], request.kind === 'no-token' ? 'no token' : 'garbage token');
      break;
  }
  return failures;
}

/** One line per part of a request and a response, for a failure message that can be replayed by hand. */
export function describeExchange(request: FuzzRequest, response: FuzzResponse | undefined): string {
  const lines = [
    `${request.operation} (${request.kind}${request.mutation ? `: ${request.mutation}` : ''})`,
    `  request: ${request.method} ${request.url}`,
    `    caller: ${request.caller}${request.token !== undefined ? ` token=${JSON.stringify(request.token)}` : ''}`,
  ];
  if (Object.keys(request.headers).length > 0) lines.push(`    headers: ${JSON.stringify(request.headers)}`);
  if (request.body !== undefined) {
    lines.push(`    content-type: ${request.contentType}`, `    body: ${request.body.slice(0, 600)}`);
  }
  if (response) {
    lines.push(
      `  response: ${response.status} ${response.contentType ?? '(no content type)'}`,
      `    body: ${response.text.slice(0, 400)}`,
    );
  }
  return lines.join('\n');
}
