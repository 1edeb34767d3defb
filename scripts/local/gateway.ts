/**
 * The local API Gateway: an HTTP server that serves the route table (`shared/routes.ts`) the way an HTTP
 * API with Lambda proxy integrations (payload format 2.0) and a Cognito JWT authorizer does.
 *
 * - Route selection: exact paths before `{param}` paths before `{proxy+}`; no route (or another method) → the
 *   `$default` route's function when one is given (`fallback`: the deployed API's 404 problem+json,
 *   `notFoundFallback` in shared/platform/routes.ts; its event has `routeKey: '$default'`), else API Gateway's own
 *   404 `{"message":"Not Found"}`. CORS preflights (`OPTIONS`) are answered by the gateway (permissive, local).
 * - `authenticated` routes: the JWT is verified before the function runs (`jwt-authorizer.ts`); failure →
 *   401 `{"message":"Unauthorized"}` (exactly those 26 bytes, `content-type: application/json`) with a
 *   `www-authenticate: Bearer` challenge, as HTTP API's JWT authorizer answers; its body cannot be changed (HTTP
 *   APIs have no gateway responses). For a token it refuses, AWS adds parameters to the challenge
 *   (`Bearer scope="" error="invalid_token" error_description="the token does not have a valid audience"`,
 *   "Troubleshooting issues with HTTP API JWT authorizers"); locally the challenge is the bare `Bearer` for every
 *   refusal. Claims reach the handler as strings in `requestContext.authorizer.jwt`.
 * - The event: `APIGatewayProxyEventV2WithJWTAuthorizer` (lower-cased headers, `cookies`, comma-joined repeated
 *   query keys, `pathParameters`, text bodies as is and everything else base64 with `isBase64Encoded`).
 * - The result: `statusCode`/`headers`/`cookies`/`body` (base64-decoded when `isBase64Encoded`); a bare object or
 *   string means 200 JSON, as HTTP API infers; a throwing handler → 500 `{"message":"Internal Server Error"}`.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { isPublicRoute, type Route } from '#shared/platform/route-table.ts';
import type { AuthorizerResult } from './jwt-authorizer.ts';
import { HandlerNotFoundError, lambdaContext, loadHandler, localAccountId } from './lambda-runtime.ts';

/** HTTP API's payload limit (bytes); bigger requests get 413. */
const maxBodyBytes = 10 * 1024 * 1024;

type Segment =
  | { kind: 'literal'; value: string }
  | { kind: 'param'; name: string }
  | { kind: 'greedy'; name: string };

interface CompiledRoute {
  readonly route: Route;
  readonly segments: readonly Segment[];
}

const segmentRank = { literal: 0, param: 1, greedy: 2 } as const;

function compile(route: Route): CompiledRoute {
  const segments = route.path
    .split('/')
    .slice(1)
    .map((part): Segment => {
      const greedy = /^\{(.+)\+\}$/.exec(part);
      if (greedy?.[1]) return { kind: 'greedy', name: greedy[1] };
      const param = /^\{(.+)\}$/.exec(part);
      if (param?.[1]) return { kind: 'param', name: param[1] };
      return { kind: 'literal', value: part };
    });
  return { route, segments };
}

/** Most specific first: routes without variables, then segment by segment literal < `{param}` < `{proxy+}`. */
function bySpecificity(a: CompiledRoute, b: CompiledRoute): number {
  const variables = (r: CompiledRoute) => r.segments.filter((s) => s.kind !== 'literal').length;
  if ((variables(a) === 0) !== (variables(b) === 0)) return variables(a) === 0 ? -1 : 1;
  for (let i = 0; i < Math.min(a.segments.length, b.segments.length); i++) {
    const diff = segmentRank[(a.segments[i] as Segment).kind] - segmentRank[(b.segments[i] as Segment).kind];
    if (diff !== 0) return diff;
  }
  return b.segments.length - a.segments.length;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Matches a raw path against one route; returns its decoded path parameters. */
function matchPath(compiled: CompiledRoute, rawPath: string): Record<string, string> | undefined {
  const parts = rawPath.split('/').slice(1);
  const parameters: Record<string, string> = {};
  for (const [index, segment] of compiled.segments.entries()) {
    const part = parts[index];
    if (segment.kind === 'greedy') {
      const rest = parts.slice(index).join('/');
      if (rest === '') return undefined;
      parameters[segment.name] = decode(rest);
      return parameters;
    }
    if (part === undefined) return undefined;
    if (segment.kind === 'literal') {
      if (part !== segment.value) return undefined;
    } else {
      if (part === '') return undefined;
      parameters[segment.name] = decode(part);
    }
  }
  return parts.length === compiled.segments.length ? parameters : undefined;
}

/** Finds the route for a request, or `undefined` (→ 404). */
export function createRouter(routes: readonly Route[]) {
  const compiled = routes.map(compile).sort(bySpecificity);
  return (method: string, rawPath: string) => {
    for (const candidate of compiled) {
      if (candidate.route.method !== method) continue;
      const pathParameters = matchPath(candidate, rawPath);
      if (pathParameters) return { route: candidate.route, pathParameters };
    }
    return undefined;
  };
}

/** `a=1&a=2&b=x%20y` → `{ a: '1,2', b: 'x y' }` (HTTP API joins repeated keys with commas). */
export function parseQueryString(raw: string): Record<string, string> | undefined {
  if (raw === '') return undefined;
  const parameters: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    parameters[key] = key in parameters ? `${parameters[key]},${value}` : value;
  }
  return Object.keys(parameters).length > 0 ? parameters : undefined;
}

/** Content types HTTP API passes as text; everything else (forms and uploads too) arrives base64-encoded. */
function isTextContentType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const type = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  return (
    type.startsWith('text/') ||
    type === 'application/json' ||
    type.endsWith('+json') ||
    type === 'application/xml' ||
    type.endsWith('+xml') ||
    type === 'application/javascript'
  );
}

/** `27/Nov/2026:13:48:01 +0000`, the format of `requestContext.time`. */
function apiGatewayTime(date: Date): string {
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const pad = (n: number) => String(n).padStart(2, '0');
  return (
    `${pad(date.getUTCDate())}/${months[date.getUTCMonth()]}/${date.getUTCFullYear()}:` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`
  );
}

class PayloadTooLargeError extends Error {}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBodyBytes) throw new PayloadTooLargeError();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export interface RequestFacts {
  readonly method: string;
  readonly rawPath: string;
  readonly rawQueryString: string;
  readonly headers: IncomingMessage['headersDistinct'];
  readonly body: Buffer;
  readonly sourceIp: string;
  readonly protocol: string;
  readonly localPort: number;
}

/** The route key of the HTTP API's catch-all route. */
export const DEFAULT_ROUTE_KEY = '$default';

/**
 * Builds the payload format 2.0 event for a matched route, or for the `$default` route (without the authorizer
 * part).
 */
export function buildEvent(
  facts: RequestFacts,
  route: Pick<Route, 'method' | 'path'> | typeof DEFAULT_ROUTE_KEY,
  pathParameters: Record<string, string>,
  requestId: string,
): APIGatewayProxyEventV2WithJWTAuthorizer {
  const routeKey = route === DEFAULT_ROUTE_KEY ? DEFAULT_ROUTE_KEY : `${route.method} ${route.path}`;
  const headers: Record<string, string> = {};
  let cookies: string[] | undefined;
  for (const [name, values] of Object.entries(facts.headers)) {
    if (!values) continue;
    if (name === 'cookie') {
      cookies = values.flatMap((value) => value.split(/;\s*/)).filter((cookie) => cookie !== '');
      continue;
    }
    headers[name] = values.join(',');
  }
  headers['x-forwarded-for'] = headers['x-forwarded-for']
    ? `${headers['x-forwarded-for']}, ${facts.sourceIp}`
    : facts.sourceIp;
  headers['x-forwarded-port'] = String(facts.localPort);
  headers['x-forwarded-proto'] = 'http';
  headers['x-amzn-trace-id'] ??=
    `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomBytes(12).toString('hex')}`;
  const host = headers.host ?? `localhost:${facts.localPort}`;
  const now = new Date();
  const hasBody = facts.body.length > 0;
  const text = isTextContentType(headers['content-type']);
  const event = {
    version: '2.0',
    routeKey,
    rawPath: facts.rawPath,
    rawQueryString: facts.rawQueryString,
    ...(cookies?.length ? { cookies } : {}),
    headers,
    ...(parseQueryString(facts.rawQueryString)
      ? { queryStringParameters: parseQueryString(facts.rawQueryString) }
      : {}),
    ...(Object.keys(pathParameters).length > 0 ? { pathParameters } : {}),
    requestContext: {
      accountId: localAccountId,
      apiId: 'local',
      domainName: host,
      domainPrefix: host.split('.')[0]?.split(':')[0] ?? 'localhost',
      http: {
        method: facts.method,
        path: facts.rawPath,
        protocol: facts.protocol,
        sourceIp: facts.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId,
      routeKey,
      stage: '$default',
      time: apiGatewayTime(now),
      timeEpoch: now.getTime(),
    },
    ...(hasBody ? { body: text ? facts.body.toString('utf8') : facts.body.toString('base64') } : {}),
    isBase64Encoded: hasBody && !text,
  };
  return event as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;
}

interface HttpReply {
  statusCode: number;
  headers: Record<string, string>;
  cookies: string[];
  body: Buffer;
}

/** Interprets a handler's return value as HTTP API does for payload format 2.0. */
export function toHttpReply(result: unknown): HttpReply {
  const json = { 'content-type': 'application/json' };
  if (result === undefined || result === null)
    return { statusCode: 200, headers: json, cookies: [], body: Buffer.from('') };
  if (typeof result === 'string')
    return { statusCode: 200, headers: json, cookies: [], body: Buffer.from(result) };
  const structured = result as APIGatewayProxyStructuredResultV2;
  if (typeof result !== 'object' || typeof structured.statusCode !== 'number') {
    return { statusCode: 200, headers: json, cookies: [], body: Buffer.from(JSON.stringify(result)) };
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(structured.headers ?? {}))
    headers[name.toLowerCase()] = String(value);
  const body =
    structured.body === undefined
      ? Buffer.from('')
      : Buffer.from(structured.body, structured.isBase64Encoded ? 'base64' : 'utf8');
  return { statusCode: structured.statusCode, headers, cookies: [...(structured.cookies ?? [])], body };
}

/** A local-only endpoint served by the gateway next to the routes (e.g. `POST /_local/drain`). */
export type LocalEndpoint = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export interface GatewayOptions {
  readonly port: number;
  readonly routes: readonly Route[];
  /** The JWT authorizer for `authenticated` routes. */
  readonly authorize: (authorizationHeader: string | undefined) => Promise<AuthorizerResult>;
  /** One line per request (`GET /health 200 3ms`). */
  readonly log: (line: string) => void;
  /** Errors: handler failures, rejected tokens. */
  readonly logError: (line: string, error?: unknown) => void;
  /** Local-only endpoints by `METHOD /path` (they are no part of the API and get no authorizer). */
  readonly localEndpoints?: Readonly<Record<string, LocalEndpoint>>;
  /**
   * The `$default` route's function (no authorizer): every request no route matches goes to it. Without it, such
   * requests get API Gateway's own 404 `{"message":"Not Found"}`.
   */
  readonly fallback?: { readonly id: string; readonly entry: string };
}

export interface Gateway {
  /** e.g. `http://localhost:3000` */
  readonly url: string;
  close(): Promise<void>;
}

const corsHeaders = (origin: string | undefined): Record<string, string> =>
  origin
    ? { 'access-control-allow-origin': origin, 'access-control-expose-headers': '*', vary: 'origin' }
    : {};

/** Starts the gateway on 127.0.0.1:`port`. */
export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const route = createRouter(options.routes);

  function send(res: ServerResponse, reply: HttpReply, origin: string | undefined, requestId: string): void {
    const headers: Record<string, string | string[]> = {
      ...reply.headers,
      ...corsHeaders(origin),
      'apigw-requestid': requestId,
    };
    if (reply.cookies.length > 0) headers['set-cookie'] = reply.cookies;
    res.writeHead(reply.statusCode, headers);
    res.end(reply.body);
  }

  const message = (statusCode: number, text: string, extra: Record<string, string> = {}): HttpReply => ({
    statusCode,
    headers: { 'content-type': 'application/json', ...extra },
    cookies: [],
    body: Buffer.from(JSON.stringify({ message: text })),
  });

  async function handle(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<string> {
    const method = req.method ?? 'GET';
    const [rawPath = '/', rawQueryString = ''] = (req.url ?? '/').split(/\?(.*)/s);
    const origin = req.headers.origin;

    const local = options.localEndpoints?.[`${method} ${rawPath}`];
    if (local) {
      await local(req, res);
      return 'local';
    }
    if (method === 'OPTIONS') {
      res.writeHead(204, {
        'access-control-allow-origin': origin ?? '*',
        'access-control-allow-methods':
          req.headers['access-control-request-method'] ?? 'GET,POST,PUT,PATCH,DELETE',
        'access-control-allow-headers': req.headers['access-control-request-headers'] ?? '*',
        'access-control-max-age': '600',
        'apigw-requestid': requestId,
      });
      res.end();
      return 'CORS preflight';
    }
    const matched = route(method, rawPath);
    if (!matched && !options.fallback) {
      send(res, message(404, 'Not Found'), origin, requestId);
      return '-';
    }
    const target = matched ? matched.route : options.fallback;
    if (!target) throw new Error('unreachable: no route and no fallback');
    let body: Buffer;
    try {
      body = await readBody(req);
    } catch (error) {
      if (!(error instanceof PayloadTooLargeError)) throw error;
      send(res, message(413, 'Request Entity Too Large'), origin, requestId);
      return target.id;
    }
    const event = buildEvent(
      {
        method,
        rawPath,
        rawQueryString,
        headers: req.headersDistinct,
        body,
        sourceIp: (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
        protocol: `HTTP/${req.httpVersion}`,
        localPort: req.socket.localPort ?? options.port,
      },
      matched ? matched.route : DEFAULT_ROUTE_KEY,
      matched ? matched.pathParameters : {},
      requestId,
    );
    if (matched && !isPublicRoute(matched.route)) {
      const authorization = await options.authorize(req.headers.authorization);
      if (!authorization.ok) {
        options.log(`${method} ${rawPath}: 401 (${authorization.reason})`);
        send(res, message(401, 'Unauthorized', { 'www-authenticate': 'Bearer' }), origin, requestId);
        return matched.route.id;
      }
      (event.requestContext as { authorizer?: unknown }).authorizer = authorization.authorization;
    }
    let reply: HttpReply;
    try {
      const handler = await loadHandler(target.entry);
      reply = toHttpReply(await handler(event, lambdaContext(target.id)));
    } catch (error) {
      if (error instanceof HandlerNotFoundError) {
        options.logError(`${target.id}: ${error.message}; answering 500 as API Gateway would`);
      } else {
        options.logError(`${target.id} (${target.entry}) failed`, error);
      }
      reply = message(500, 'Internal Server Error');
    }
    send(res, reply, origin, requestId);
    return target.id;
  }

  const server: Server = createServer((req, res) => {
    const started = performance.now();
    const requestId = randomBytes(9).toString('base64');
    handle(req, res, requestId)
      .then((label) => {
        const ms = Math.round(performance.now() - started);
        if (label !== 'local') options.log(`${req.method} ${req.url} ${res.statusCode} ${ms}ms ${label}`);
      })
      .catch((error: unknown) => {
        options.logError(`${req.method} ${req.url}: gateway error`, error);
        if (!res.headersSent) {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ message: 'Internal Server Error' }));
        } else {
          res.end();
        }
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    url: `http://localhost:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
