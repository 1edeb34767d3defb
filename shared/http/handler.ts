/**
 * The wrapper every HTTP route handler is written in: parse and validate the request with zod, resolve the
 * caller, run one domain operation, and turn any {@link Problem} into an RFC 9457 response.
 *
 * ```ts
 * export const handler = authenticatedRoute({ body: CreateTicketBody }, async ({ body, caller }) =>
 *   created(await openTicket(caller, body), ...));
 * ```
 *
 * Order of checks (handbook "Security is part of every route"): authenticate (the API Gateway JWT authorizer,
 * then {@link callerOf}), then the handler loads the object and checks the caller may see it, then validates
 * the body. Path and query are validated before the handler runs since they only shape the lookup.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import type * as z from 'zod';
import { type Caller, callerOf } from '#shared/http/caller.ts';
import { type FieldError, malformed, Problem, validationProblem } from '#shared/http/problem.ts';
import { type HttpResponse, problemResponse } from '#shared/http/responses.ts';
import { logger } from '#shared/observability/logger.ts';

type Schema = z.ZodType;
type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface RouteSpec<
  B extends Schema | undefined,
  Q extends Schema | undefined,
  P extends Schema | undefined,
> {
  /** Request body schema; JSON, or `application/x-www-form-urlencoded` (HTML forms). */
  readonly body?: B;
  /** Query string schema (values are strings; repeated keys arrive comma-joined, as HTTP API sends them). */
  readonly query?: Q;
  /** Path parameters schema. */
  readonly params?: P;
}

export interface RouteInput<B, Q, P> {
  /**
   * The validated body. Validation runs on first access, so a handler can check access first; destructuring
   * `body` in the parameter list is such an access.
   */
  readonly body: Out<B>;
  readonly query: Out<Q>;
  readonly params: Out<P>;
  /** Lower-cased request headers. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly event: APIGatewayProxyEventV2;
}

/** A JSON Pointer (RFC 6901) for a zod issue path. */
function pointer(path: readonly PropertyKey[]): string {
  return path.map((part) => `/${String(part).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}

/**
 * Validate a value against a schema.
 * @throws Problem 400 `validation-error` listing every failing field
 */
export function validate<S extends Schema>(schema: S, value: unknown, where: FieldError['in']): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw validationProblem(
    result.error.issues.map((issue) => ({
      in: where,
      pointer:
        issue.code === 'unrecognized_keys'
          ? pointer([...issue.path, ...(issue as { keys: string[] }).keys.slice(0, 1)])
          : pointer(issue.path),
      detail: issue.message,
    })),
  );
}

/**
 * The request body as a plain value: JSON (no content type, or `application/json`, `*+json`) or an HTML form.
 * @throws Problem 400 for unreadable JSON; 415 for other content types
 */
export function readBody(event: APIGatewayProxyEventV2): unknown {
  if (event.body === undefined || event.body === null || event.body === '') return undefined;
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  const contentType = (event.headers?.['content-type'] ?? 'application/json')
    .split(';')[0]
    ?.trim()
    .toLowerCase();
  if (contentType === 'application/x-www-form-urlencoded') {
    return Object.fromEntries(new URLSearchParams(text));
  }
  if (contentType === 'application/json' || contentType?.endsWith('+json')) {
    try {
      return JSON.parse(text);
    } catch {
      throw malformed('The body is not valid JSON.');
    }
  }
  throw new Problem(415, 'unsupported-media-type', `Send application/json, not ${contentType}.`);
}

function buildInput<
  B extends Schema | undefined,
  Q extends Schema | undefined,
  P extends Schema | undefined,
  X extends object,
>(spec: RouteSpec<B, Q, P>, event: APIGatewayProxyEventV2, extra: X): RouteInput<B, Q, P> & X {
  const params = (
    spec.params ? validate(spec.params, event.pathParameters ?? {}, 'path') : undefined
  ) as Out<P>;
  const query = (
    spec.query ? validate(spec.query, event.queryStringParameters ?? {}, 'query') : undefined
  ) as Out<Q>;
  let body: { value: Out<B> } | undefined;
  return {
    ...extra,
    params,
    query,
    headers: event.headers ?? {},
    event,
    get body() {
      body ??= {
        value: (spec.body ? validate(spec.body, readBody(event) ?? {}, 'body') : undefined) as Out<B>,
      };
      return body.value;
    },
  };
}

/** Turns thrown problems into problem+json; anything else is logged and answered 500 without its details. */
const problemMiddleware = {
  onError: async (request: { error: unknown; response: unknown }) => {
    const { error } = request;
    if (error instanceof Problem) {
      request.response = problemResponse(error);
      return;
    }
    logger.error('Unhandled error', error as Error);
    request.response = problemResponse(new Problem(500, 'internal-error'));
  },
};

function wrap(fn: (event: APIGatewayProxyEventV2, context: Context) => Promise<HttpResponse>) {
  return middy<APIGatewayProxyEventV2, HttpResponse, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(problemMiddleware)
    .handler(fn);
}

/** Runs around a handler: gets the handler's run, the event, the invocation context and the caller. */
export type AroundHandler = (
  run: () => Promise<HttpResponse>,
  request: { event: APIGatewayProxyEventV2; context: Context; caller: Caller },
) => Promise<HttpResponse>;

/**
 * A route behind the Cognito JWT authorizer. The handler receives the validated input and the caller; `around`
 * (e.g. `idempotentRoute`) may wrap its run.
 * @throws Problem 401 from {@link callerOf} when the claims are missing
 */

export function authenticatedRoute<
  B extends Schema | undefined = undefined,
  Q extends Schema | undefined = undefined,
  P extends Schema | undefined = undefined,
>(
  spec: RouteSpec<B, Q, P>,
  fn: (input: RouteInput<B, Q, P> & { caller: Caller }) => Promise<HttpResponse>,
  around?: AroundHandler,
) {
  return wrap(async (event, context) => {
    const caller = callerOf(event);
    const run = () => fn(buildInput(spec, event, { caller }));
    return around ? around(run, { event, context, caller }) : run();
  });
}

/** A public route (no authorizer): health, sign-up and log-in, approval links. */
export function publicRoute<
  B extends Schema | undefined = undefined,
  Q extends Schema | undefined = undefined,
  P extends Schema | undefined = undefined,
>(spec: RouteSpec<B, Q, P>, fn: (input: RouteInput<B, Q, P>) => Promise<HttpResponse>) {
  return wrap(async (event) => fn(buildInput(spec, event, {})));
}
