/**
 * `Idempotency-Key` on POSTs that create (PRODUCT "API conventions"; the IETF draft "The Idempotency-Key HTTP
 * Header Field"): a client that retries a create with the same key gets the first response again instead of a
 * second ticket.
 *
 * Built on Powertools idempotency (`makeIdempotent`) with its DynamoDB persistence layer on the service's one table:
 * records in the partition `idempotency#api`, remembered for 24 hours, expiring through the table's TTL. The key is
 * scoped to the caller and the request path, so two users' keys never collide. The key is bound to the request's
 * payload as the route understands it ({@link idempotencyPayload}: the body validated by the row's schema, as
 * canonical JSON), so the same request written with other whitespace or key order replays, and the same key with
 * another value answers 422 (Powertools' payload validation, `payloadValidationJmesPath`, compares a hash of it).
 * Failed requests are not remembered (Powertools deletes the record when the operation throws), so a corrected
 * retry may reuse the key.
 */
import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  IdempotencyValidationError,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { Problem, validationProblem } from '#shared/platform/http/problem.ts';
import type { HttpResponse } from '#shared/platform/http/responses.ts';
import {
  type RouteHandler,
  type RouteInput,
  readBody,
  route,
  validate,
} from '#shared/platform/http/route.ts';
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
 * JSON with the keys of every object sorted (arrays keep their order; `undefined` properties are left out, as by
 * `JSON.stringify`): one text for one value, however it was written.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item ?? null)).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * The payload a request's Idempotency-Key is bound to: its body validated by the row's schema (so what the schema
 * normalises, e.g. trimmed text or a default, compares as the handler will see it), as {@link canonicalJson}. A
 * body that does not validate is bound as parsed, or as sent when it is not JSON: its request fails with the
 * validation error in the handler, after the handler's own access checks, and failures are not remembered.
 */
export function idempotencyPayload(row: Route, event: APIGatewayProxyEventV2): string {
  let parsed: unknown;
  try {
    parsed = readBody(event, row.bodyType);
  } catch {
    return `raw:${event.body ?? ''}`;
  }
  if (row.body) {
    try {
      return canonicalJson(validate(row.body, parsed ?? {}, 'body'));
    } catch {
      // Invalid: bound as parsed (below); the handler answers the validation error.
    }
  }
  return `parsed:${canonicalJson(parsed ?? null)}`;
}

/**
 * Run `create` once per (caller, path, key); without a key, just run it.
 * @param key the `Idempotency-Key` header, if sent
 * @param scope what the key is bound to: caller id, method and path
 * @param payload what the key is bound to ({@link idempotencyPayload}): another payload with the key answers 422
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
    const payload = key === undefined ? '' : idempotencyPayload(row, event);
    return oncePerIdempotencyKey(key, scope, payload, context, run);
  });
}
