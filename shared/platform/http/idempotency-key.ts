/**
 * `Idempotency-Key` on POSTs that create (PRODUCT "API conventions"; the IETF draft "The Idempotency-Key HTTP
 * Header Field"): a client that retries a create with the same key gets the first response again instead of a
 * second ticket.
 *
 * Built on Powertools idempotency (`makeIdempotent`) with its DynamoDB persistence layer on the service's one table:
 * records in the partition `idempotency#api`, remembered for 24 hours, expiring through the table's TTL. The key is
 * scoped to the caller and the request path, so two users' keys never collide. The request body is the validated
 * payload: the same key with another body answers 422. Failed requests are not remembered (Powertools deletes the
 * record when the operation throws), so a corrected retry may reuse the key.
 */
import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  IdempotencyValidationError,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import type { Context } from 'aws-lambda';
import { Problem, validationProblem } from '#shared/platform/http/problem.ts';
import type { HttpResponse } from '#shared/platform/http/responses.ts';
import { type RouteHandler, type RouteInput, route } from '#shared/platform/http/route.ts';
import { idempotencyStore } from '#shared/platform/idempotency.ts';
import type { Route } from '#shared/platform/route-table.ts';

/** How long a key is remembered, seconds (24 h). */
export const idempotencyKeySeconds = 24 * 60 * 60;

/** A key: 1 to 255 visible ASCII characters (a UUID is typical). */
const keyShape = /^[\x21-\x7e]{1,255}$/;

/** Header set on a response that was replayed for a repeated key. */
export const replayedHeader = 'idempotency-replayed';

interface KeyedRequest {
  readonly key: string;
  readonly payload: string;
}

const idempotencyConfig = new IdempotencyConfig({
  eventKeyJmesPath: 'key',
  payloadValidationJmesPath: 'payload',
  expiresAfterSeconds: idempotencyKeySeconds,
  throwOnNoIdempotencyKey: true,
});

let remembered:
  | ((request: KeyedRequest, run: () => Promise<HttpResponse>) => Promise<HttpResponse>)
  | undefined;

function rememberedRun() {
  remembered ??= makeIdempotent((_request: KeyedRequest, run: () => Promise<HttpResponse>) => run(), {
    persistenceStore: idempotencyStore('api'),
    config: idempotencyConfig,
    keyPrefix: 'api',
    dataIndexArgument: 0,
  });
  return remembered;
}

/**
 * Run `create` once per (caller, path, key); without a key, just run it.
 * @param key the `Idempotency-Key` header, if sent
 * @param scope what the key is bound to: caller id, method and path
 * @param payload the request body as sent
 * @throws Problem 400 for a malformed key, 422 for a key reused with another body, 409 while the first request
 *   with the key is still running; whatever `create` throws (and the key is released)
 */
export async function oncePerIdempotencyKey(
  key: string | undefined,
  scope: string,
  payload: string,
  context: Context,
  create: () => Promise<HttpResponse>,
): Promise<HttpResponse> {
  if (key === undefined) return create();
  if (!keyShape.test(key)) {
    throw validationProblem([
      {
        in: 'header',
        pointer: '/idempotency-key',
        detail: 'Use 1 to 255 visible ASCII characters, e.g. a UUID.',
      },
    ]);
  }
  idempotencyConfig.registerLambdaContext(context);
  let ran = false;
  try {
    const response = await rememberedRun()({ key: `${scope} ${key}`, payload }, () => {
      ran = true;
      return create();
    });
    return ran ? response : { ...response, headers: { ...response.headers, [replayedHeader]: 'true' } };
  } catch (error) {
    if (error instanceof IdempotencyValidationError) {
      throw new Problem(
        422,
        'idempotency-key-reused',
        'This Idempotency-Key was used with a different request.',
      );
    }
    if (error instanceof IdempotencyAlreadyInProgressError) {
      throw new Problem(
        409,
        'conflict',
        'A request with this Idempotency-Key is still in progress; retry shortly.',
      );
    }
    throw error;
  }
}

/**
 * The handler of a route marked `idempotent` in its row: a create that honours `Idempotency-Key`, scoped to the
 * caller, the route and the path.
 */
export function idempotentRoute<R extends Route & { readonly idempotent: true }>(
  row: R,
  fn: (input: RouteInput<R>) => Promise<HttpResponse>,
): RouteHandler<R> {
  return route(row, fn, (run, { event, context, actor }) => {
    const key = event.headers?.['idempotency-key'];
    const scope = `${actor.userId} ${event.routeKey} ${event.rawPath}`;
    return oncePerIdempotencyKey(key, scope, event.body ?? '', context, run);
  });
}
