/**
 * The route wrapper's machinery, without the caller: request validation (path, query and body with the row's zod
 * schemas), errors to RFC 9457 problems, the Lambda handler around one route, and `publicRoute` for public routes
 * that touch nothing. `route.ts` adds the actor (the caller's profile and flags) for routes behind the
 * authorizer; a handler imports from there, except `/health` and `/openapi.json`, whose bundles so carry neither
 * the profile read nor the AWS SDK.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import type * as z from 'zod/mini';
import { verifyOrigin } from '#shared/platform/http/origin-verify.ts';
import {
  type FieldError,
  malformed,
  Problem,
  problemOf,
  validationProblem,
} from '#shared/platform/http/problem.ts';
import { type HttpResponse, problemResponse } from '#shared/platform/http/responses.ts';
import { logger } from '#shared/platform/logger.ts';
import type { RequestSchema, Route } from '#shared/platform/route-table.ts';
import type { Actor } from '#shared/roles/actor.ts';

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
 * The request body as a plain value, in the one media type the route accepts: JSON (`application/json`, any
 * `+json` type, or no content type at all) or, for the approval form, an HTML form
 * (`application/x-www-form-urlencoded`).
 * @param accepts the route's body media type (`bodyType` of its row)
 * @throws Problem 400 for unreadable JSON; 415 for any other content type (a form posted to a JSON route too)
 */
export function readBody(
  event: APIGatewayProxyEventV2,
  accepts: NonNullable<Route['bodyType']> = 'application/json',
): unknown {
  if (event.body === undefined || event.body === null || event.body === '') return undefined;
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  const sent = event.headers?.['content-type']?.split(';')[0]?.trim().toLowerCase();
  if (accepts === 'application/x-www-form-urlencoded') {
    if (sent === accepts) return Object.fromEntries(new URLSearchParams(text));
  } else if (sent === undefined || sent === '' || sent === 'application/json' || sent.endsWith('+json')) {
    try {
      return JSON.parse(text);
    } catch {
      throw malformed('The body is not valid JSON.');
    }
  }
  throw new Problem(415, 'unsupported-media-type', `Send ${accepts}, not ${sent || 'no content type'}.`, {
    accepted: [accepts],
  });
}

/** No body at all is an empty object (a route whose fields are all optional); a JSON `null` is a value to validate. */
const bodyOrEmpty = (body: unknown) => (body === undefined ? {} : body);

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
        value: (row.body
          ? validate(row.body, bodyOrEmpty(readBody(event, row.bodyType)), 'body')
          : undefined) as Out<R['body']>,
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

export type ClaimsEvent = APIGatewayProxyEventV2 & {
  requestContext: { authorizer?: { jwt?: { claims?: Record<string, unknown> } } };
};

/** How a wrapper learns the actor of a request (`undefined` for public rows). */
export type ActorOf = (row: Route, event: APIGatewayProxyEventV2) => Promise<Actor | undefined>;

/**
 * The handler of a row: the checks made when the module loads, then per request the origin-verify check first
 * (`verifyOrigin`: 403 for a request that did not come through CloudFront, before anything else), the actor
 * (`actorOf`, for rows behind the authorizer), the input, the handler, `around` it when given.
 * @throws Error at module load when the row's `idempotent` mark and the wrapper disagree, or when a row behind
 *   the authorizer has no `actorOf` or lacks `table:read` (or `table:readCounters`, which reads profiles too)
 */
export function serve<R extends Route>(
  row: R,
  fn: (input: RouteInput<R>) => Promise<HttpResponse>,
  around: AroundHandler | undefined,
  actorOf: ActorOf | undefined,
): RouteHandler<R> {
  if ((row.idempotent === true) !== (around !== undefined)) {
    throw new Error(`Route ${row.id}: serve rows marked idempotent, and only those, with idempotentRoute.`);
  }
  const readsProfiles = row.grants.includes('table:read') || row.grants.includes('table:readCounters');
  if (row.permission !== 'public' && (!actorOf || !readsProfiles)) {
    throw new Error(
      `Route ${row.id}: serve a route behind the authorizer with route(), and grant it table:read or table:readCounters (its actor is read).`,
    );
  }
  const handler = wrap(async (event, context) => {
    await verifyOrigin(event);
    const actor = actorOf ? await actorOf(row, event) : undefined;
    const run = () => fn(buildInput(row, event, actor));
    return around && actor ? around(run, { event, context, actor }) : run();
  });
  return Object.assign(handler, { route: row });
}

/**
 * The handler of a public route that touches no AWS service (the health check, the OpenAPI document): like
 * {@link route}, without the actor resolver, so its bundle carries neither the profile read nor the AWS SDK.
 * @throws Error at module load when the row is not public
 */
export function publicRoute<R extends Route & { readonly permission: 'public' }>(
  row: R,
  fn: (input: RouteInput<R>) => Promise<HttpResponse>,
): RouteHandler<R> {
  return serve(row, fn, undefined, undefined);
}
