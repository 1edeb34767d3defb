/**
 * The contract check every integration-test response goes through: the response must have a status the OpenAPI
 * document (`openapi.json`) lists for its operation, a content type that status documents, a body its schema
 * accepts (ajv, JSON Schema 2020-12 with formats) and, when the headers are given, documented headers whose
 * values their schemas accept. Used by the test HTTP clients (`call` in `api-client.ts` through
 * {@link assertApiResponse}, the typed client of `test/integration/support.ts` through {@link contractMiddleware})
 * and the contract fuzz (`test/support/fuzz/`, through {@link contractViolations}).
 *
 * A request no operation matches is checked by the rules of the HTTP API outside the document: an unknown path
 * or another method reaches the `$default` route (`notFoundFallback`, shared/platform/routes.ts), which answers
 * 404 `application/problem+json` of type `/problems/not-found`; `OPTIONS` is the CORS preflight API Gateway
 * answers itself, 204 without a body.
 */
import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { Middleware } from 'openapi-fetch';

interface MediaType {
  schema?: unknown;
}
interface Header {
  required?: boolean;
  schema?: { type?: string };
}
/** A reference to a component (`#/components/headers/<id>`). */
interface Ref {
  $ref: string;
}
interface Response {
  headers?: Record<string, Header | Ref>;
  content?: Record<string, MediaType>;
}
interface Operation {
  operationId: string;
  responses: Record<string, Response>;
}
export interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown>; headers?: Record<string, Header> };
}

/** The document the checks use: `openapi.json` at the repository root (kept current by a unit test). */
export const openApiDocument = JSON.parse(
  readFileSync(new URL('../../openapi.json', import.meta.url), 'utf8'),
) as Document;

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(ajv);
ajv.addSchema({ $id: 'doc', components: openApiDocument.components }, 'doc');
const compiled = new Map<unknown, ValidateFunction>();
function validatorOf(schema: unknown): ValidateFunction {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(
      JSON.parse(JSON.stringify(schema).replaceAll('"#/components', '"doc#/components')),
    );
    compiled.set(schema, validate);
  }
  return validate;
}

/** Path templates as regular expressions, most specific (fewest parameters) first. */
const templates = Object.keys(openApiDocument.paths)
  .map((template) => ({
    template,
    params: (template.match(/\{/g) ?? []).length,
    pattern: new RegExp(
      `^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^}]+\\?\}/g, '[^/]+')}$`,
    ),
  }))
  .sort((a, b) => a.params - b.params);

/** The documented operation for a method and a concrete path (no query), if any. */
export function operationFor(
  method: string,
  path: string,
): { template: string; operation: Operation } | undefined {
  for (const { template, pattern } of templates) {
    if (!pattern.test(path)) continue;
    const operation = openApiDocument.paths[template]?.[method.toLowerCase()];
    if (operation) return { template, operation };
  }
  return undefined;
}

/** The schema of a 404 problem in the document (every operation with a path parameter has one). */
const notFoundSchema = Object.values(openApiDocument.paths)
  .flatMap((methods) => Object.values(methods))
  .map((operation) => operation.responses['404']?.content?.['application/problem+json']?.schema)
  .find((schema) => schema !== undefined);

/** What the API answers a request no operation matches (see the module comment). */
function unmatchedViolations(
  method: string,
  pathname: string,
  status: number,
  mediaType: string,
  text: string,
): string[] {
  const where = `${method} ${pathname} → ${status}`;
  if (method === 'OPTIONS') {
    if (status !== 204) return [`${where}: a CORS preflight is answered 204`];
    return text === '' ? [] : [`${where}: a CORS preflight has no body`];
  }
  const expected =
    'no operation in the document: the $default route answers 404 problem+json /problems/not-found';
  if (status !== 404 || mediaType !== 'application/problem+json') {
    return [`${where}: ${mediaType || 'no content type'}; ${expected}`];
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return [`${where}: body is not JSON: ${text.slice(0, 200)}`];
  }
  const validate = validatorOf(notFoundSchema ?? {});
  if (!validate(body)) return [`${where}: ${ajv.errorsText(validate.errors)}; ${expected}`];
  return (body as { type?: unknown }).type === '/problems/not-found' ? [] : [`${where}: ${expected}`];
}

/** The header a `#/components/headers/<id>` reference names, if the document has it. */
const headerComponent = (ref: string): Header | undefined =>
  ref.startsWith('#/components/headers/')
    ? openApiDocument.components.headers?.[ref.slice('#/components/headers/'.length)]
    : undefined;

/** What is wrong with the documented headers of a response (names case-insensitive; integers parsed). */
function headerViolations(
  where: string,
  documented: Record<string, Header | Ref>,
  headers: Headers,
): string[] {
  const violations: string[] = [];
  for (const [name, entry] of Object.entries(documented)) {
    const header = '$ref' in entry ? headerComponent(entry.$ref) : entry;
    if (!header) {
      violations.push(
        `${where}: header ${name} refers to ${JSON.stringify(entry)}, which the document lacks`,
      );
      continue;
    }
    const value = headers.get(name);
    if (value === null) {
      if (header.required) violations.push(`${where}: header ${name} missing`);
      continue;
    }
    const numeric = header.schema?.type === 'integer' || header.schema?.type === 'number';
    const parsed = numeric && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
    const validate = validatorOf(header.schema ?? {});
    if (!validate(parsed)) {
      violations.push(`${where}: header ${name} ${JSON.stringify(value)} ${ajv.errorsText(validate.errors)}`);
    }
  }
  return violations;
}

/**
 * What is wrong with a response, by the document; empty when it conforms.
 * @param url the request URL, absolute or a path, relative to the API base (its query is ignored)
 * @param contentType the response's `content-type` header, if any
 * @param text the response body as text ('' when none)
 * @param headers the response headers: given, the documented ones are checked too
 */
export function contractViolations(
  method: string,
  url: string,
  status: number,
  contentType: string | null,
  text: string,
  headers?: Headers,
): string[] {
  method = method.toUpperCase();
  const { pathname } = new URL(url, 'http://local');
  const mediaType = contentType?.split(';')[0]?.trim().toLowerCase() ?? '';
  const found = operationFor(method, pathname);
  if (!found) return unmatchedViolations(method, pathname, status, mediaType, text);
  const where = `${method} ${found.template} → ${status}`;
  const response = found.operation.responses[String(status)];
  if (!response) {
    return [
      `${where}: status not documented (documented: ${Object.keys(found.operation.responses).join(', ')})`,
    ];
  }
  const headerProblems = headers ? headerViolations(where, response.headers ?? {}, headers) : [];
  return [...headerProblems, ...bodyViolations(where, response, mediaType, text)];
}

/** What is wrong with the content type and body of a response, by its documented response. */
function bodyViolations(where: string, response: Response, mediaType: string, text: string): string[] {
  if (!response.content) {
    return text === '' ? [] : [`${where}: documented without a body, but has one (${mediaType})`];
  }
  const media = response.content[mediaType];
  if (!media) {
    return [
      `${where}: content type ${mediaType || '(none)'} not documented (${Object.keys(response.content)})`,
    ];
  }
  if (mediaType === 'text/html') return text.length > 0 ? [] : [`${where}: empty HTML page`];
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return [`${where}: body is not JSON: ${text.slice(0, 200)}`];
  }
  const validate = validatorOf(media.schema ?? {});
  if (validate(body)) return [];
  return (validate.errors ?? []).map(
    (error) => `${where}: body${error.instancePath} ${error.message} ${JSON.stringify(error.params)}`,
  );
}

/**
 * @throws Error listing every violation, with the start of the body, when a response breaks the contract
 */
export function assertContract(
  method: string,
  url: string,
  status: number,
  contentType: string | null,
  text: string,
  headers?: Headers,
): void {
  const violations = contractViolations(method, url, status, contentType, text, headers);
  if (violations.length > 0) {
    throw new Error(`Contract violation:\n  ${violations.join('\n  ')}\n  body: ${text.slice(0, 500)}`);
  }
}

/**
 * The path (and query) of a URL of the API at `baseUrl`, or undefined for a URL elsewhere (a presigned S3 URL,
 * an emulator). A path (`/tickets`) is the API's; an absolute URL is when it starts with `baseUrl` followed by
 * `/` (approval links, `<base>/approvals/<token>`).
 */
export function apiPathOf(baseUrl: string, url: string): string | undefined {
  if (url.startsWith('/')) return url;
  const base = baseUrl.replace(/\/+$/, '');
  return url.startsWith(`${base}/`) ? url.slice(base.length) : undefined;
}

/**
 * Checks a response of the API at `baseUrl` (status, content type, body, documented headers); responses from
 * elsewhere ({@link apiPathOf}) pass unchecked.
 * @param response its status, headers and body text ('' when none)
 * @throws Error naming the request, the route, the status and every violation
 */
export function assertApiResponse(
  baseUrl: string,
  method: string,
  url: string,
  response: { readonly status: number; readonly headers: Headers; readonly text: string },
): void {
  const path = apiPathOf(baseUrl, url);
  if (path === undefined) return;
  const { status, headers, text } = response;
  try {
    assertContract(method, path, status, headers.get('content-type'), text, headers);
  } catch (error) {
    throw new Error(`${method.toUpperCase()} ${path}: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * openapi-fetch middleware that checks every response of the API at `baseUrl` ({@link assertApiResponse}, on a
 * clone, so the client still parses the body); a violation throws, so the call rejects.
 */
export function contractMiddleware(baseUrl: string): Middleware {
  return {
    async onResponse({ request, response }) {
      const text = await response.clone().text();
      assertApiResponse(baseUrl, request.method, request.url, {
        status: response.status,
        headers: response.headers,
        text,
      });
    },
  };
}
