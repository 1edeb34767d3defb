/**
 * The wrapper every HTTP route handler is written in. It reads the route's row (`shared/<feature>/routes.ts`):
 * resolves the actor from the verified JWT claims, checks the row's permission flag, validates path, query and
 * body with the row's zod schemas, runs the handler (one operation and its view), and turns any domain error or
 * {@link Problem} into an RFC 9457 response.
 *
 * ```ts
 * export const handler = route(ticketRoutes.getTicket, async ({ params, actor }) =>
 *   ok(ticketView(await findVisibleTicket(actor, params.ticketId))));
 * ```
 *
 * Order of checks (handbook "Security is part of every route"): authenticate (the API Gateway JWT authorizer,
 * then the claims), the row's permission flag, then the operation loads the object and checks the actor may see
 * it, then the body is validated (on first access). Path and query are validated before the handler runs since
 * they only shape the lookup.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import type * as z from 'zod/mini';
import {
  type FieldError,
  malformed,
  Problem,
  problemOf,
  unauthorized,
  validationProblem,
} from '#shared/platform/http/problem.ts';
import { type HttpResponse, problemResponse } from '#shared/platform/http/responses.ts';
import { logger } from '#shared/platform/logger.ts';
import type { RequestSchema, Route } from '#shared/platform/route-table.ts';
import { type Actor, actorFromClaims } from '#shared/roles/actor.ts';

type Schema = RequestSchema;
type Out<S> = S extends Schema ? z.output<S> : undefined;

/** What a handler receives: the validated request parts, and the actor on routes behind the authorizer. */
export type RouteInput<R extends Route> = {
  /**
   * The validated body. Validation runs on first access, so an operation can check access first; destructuring
   * `body` in the parameter list is such an access.
   */
  readonly body: Out<R['body']>;
  readonly query: Out<R['query']>;
  readonly params: Out<R['params']>;
  /** Lower-cased request headers. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly event: APIGatewayProxyEventV2;
} & (R['permission'] extends 'public' ? { readonly actor?: undefined } : { readonly actor: Actor });

/** A JSON Pointer (RFC 6901) for a zod issue path. */
function pointer(path: readonly PropertyKey[]): string {
  return path.map((part) => `/${String(part).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}

/**
 * Validate a value against a schema. Uses the schema's own `safeParse`, so a bundle without request schemas (the
 * health check) carries no zod at all.
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

function buildInput<R extends Route>(
  row: R,
  event: APIGatewayProxyEventV2,
  actor: Actor | undefined,
): RouteInput<R> {
  const params = (row.params ? validate(row.params, event.pathParameters ?? {}, 'path') : undefined) as Out<
    R['params']
  >;
  const query = (
    row.query ? validate(row.query, event.queryStringParameters ?? {}, 'query') : undefined
  ) as Out<R['query']>;
  let body: { value: Out<R['body']> } | undefined;
  return {
    actor,
    params,
    query,
    headers: event.headers ?? {},
    event,
    get body() {
      body ??= {
        value: (row.body ? validate(row.body, readBody(event) ?? {}, 'body') : undefined) as Out<R['body']>,
      };
      return body.value;
    },
  } as RouteInput<R>;
}

/** Turns domain errors and problems into problem+json; anything else is logged and answered 500 without details. */
const problemMiddleware = {
  onError: async (request: { error: unknown; response: unknown }) => {
    const problem = problemOf(request.error);
    if (problem) {
      request.response = problemResponse(problem);
      return;
    }
    logger.error('Unhandled error', request.error as Error);
    request.response = problemResponse(new Problem(500, 'internal-error'));
  },
};

/** Runs around a handler: gets the handler's run, the event, the invocation context and the actor. */
export type AroundHandler = (
  run: () => Promise<HttpResponse>,
  request: { event: APIGatewayProxyEventV2; context: Context; actor: Actor },
) => Promise<HttpResponse>;

/** A Lambda handler for one route; `route` is the row it serves (tests check each row's entry serves it). */
export type RouteHandler<R extends Route> = ReturnType<typeof wrap> & { readonly route: R };

function wrap(fn: (event: APIGatewayProxyEventV2, context: Context) => Promise<HttpResponse>) {
  return middy<APIGatewayProxyEventV2, HttpResponse, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(problemMiddleware)
    .handler(fn);
}

type ClaimsEvent = APIGatewayProxyEventV2 & {
  requestContext: { authorizer?: { jwt?: { claims?: Record<string, unknown> } } };
};

/**
 * The actor of a request to a route behind the authorizer, after the row's permission check.
 * @throws Problem 401 when the claims carry no `sub` (the route was deployed without its authorizer); 403 when the
 *   actor's role lacks the row's permission flag
 */
function actorFor(row: Route, event: APIGatewayProxyEventV2): Actor | undefined {
  if (row.permission === 'public') return undefined;
  const actor = actorFromClaims((event as ClaimsEvent).requestContext.authorizer?.jwt?.claims);
  if (!actor) throw unauthorized();
  if (row.permission !== 'signed-in' && !actor.permissions[row.permission]) {
    throw new Problem(403, 'forbidden', `Your role may not do this (it needs ${row.permission}).`);
  }
  return actor;
}

/**
 * The handler of a route. `around` (set by `idempotentRoute`) may wrap its run; a row marked `idempotent` must be
 * served through `idempotentRoute` and no other row may be (checked when the module loads).
 * @throws Error at module load when the row's `idempotent` mark and the wrapper disagree
 */
export function route<R extends Route>(
  row: R,
  fn: (input: RouteInput<R>) => Promise<HttpResponse>,
  around?: AroundHandler,
): RouteHandler<R> {
  if ((row.idempotent === true) !== (around !== undefined)) {
    throw new Error(`Route ${row.id}: serve rows marked idempotent, and only those, with idempotentRoute.`);
  }
  const handler = wrap(async (event, context) => {
    const actor = actorFor(row, event);
    const run = () => fn(buildInput(row, event, actor));
    return around && actor ? around(run, { event, context, actor }) : run();
  });
  return Object.assign(handler, { route: row });
}
