/**
 * One request, two ways: over HTTP through the local gateway (what a client sees: latency, status), or straight
 * into the route's handler in this process, built as the gateway builds it (same router, payload 2.0 event, JWT
 * authorizer, handler module cache), to time the handler alone.
 *
 * Handler timing ({@link timeHandler}): wall time of the `handler(event, context)` call, the round trips of its
 * SDK calls (`aws-calls.ts` times each call's HTTP exchange), the difference (the handler's own time on the
 * thread: parsing, validation, SDK serialization and signing, views) and `process.cpuUsage()` over the call. The
 * process is otherwise idle during a timed call: the bench waits for the event sources to drain first.
 */
import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { isPublicRoute } from '#shared/platform/route-table.ts';
import { routes } from '#shared/routes.ts';
import { userKey } from '#shared/users/user.entity.ts';
import { type ApiResponse, apiClient } from '../../test/support/api-client.ts';
import { buildEvent, createRouter, toHttpReply } from '../local/gateway.ts';
import { createJwtAuthorizer } from '../local/jwt-authorizer.ts';
import { lambdaContext, loadHandler } from '../local/lambda-runtime.ts';
import type { LocalStack } from '../local/stack.ts';
import { type CallRecorder, type RecordedCall, waitingMs } from './aws-calls.ts';

/** A request as the bench describes it; `path` may carry a query string, or be an absolute URL (approval links). */
export interface BenchRequest {
  readonly method: string;
  readonly path: string;
  readonly token?: string | undefined;
  readonly json?: unknown;
  readonly form?: Record<string, string>;
}

export interface DirectReply {
  readonly status: number;
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are read field by field
  readonly body: any;
  readonly routeId: string;
}

/** One timed handler invocation. */
export interface HandlerTiming {
  readonly status: number;
  readonly wallMs: number;
  /** Time waiting for the SDK calls the handler made (calls in parallel counted once). */
  readonly roundTripMs: number;
  /** `wallMs - roundTripMs`: the handler's own time on the thread. */
  readonly ownMs: number;
  /** User + system CPU of this process over the call. */
  readonly cpuMs: number;
  readonly calls: number;
}

type AnyHandler = Awaited<ReturnType<typeof loadHandler>>;

export interface Invoker {
  /** Over HTTP, through the gateway. */
  http(request: BenchRequest): Promise<ApiResponse>;
  /** Straight into the handler, timed. */
  direct(request: BenchRequest): Promise<DirectReply & { timing: HandlerTiming }>;
  /** The route a request goes to (its row id), or undefined. */
  routeOf(request: BenchRequest): string | undefined;
  /** Whether the request's route is behind the authorizer. */
  authenticated(request: BenchRequest): boolean;
  /** Times a handler-shaped function the bench owns (the bare-SDK baseline). */
  timeFunction(handler: () => Promise<{ statusCode: number }>): Promise<HandlerTiming>;
}

export function createInvoker(stack: LocalStack, recorder: CallRecorder, timeoutMs = 30_000): Invoker {
  const call = apiClient(stack.apiUrl, timeoutMs);
  const router = createRouter(routes);
  const authorize = createJwtAuthorizer({ issuer: stack.userPool.issuer, audience: stack.userPool.clientId });

  const urlOf = (request: BenchRequest) => new URL(request.path, stack.apiUrl);

  async function timed(run: () => Promise<unknown>): Promise<{ result: unknown; timing: HandlerTiming }> {
    const mark = recorder.mark();
    const cpu = process.cpuUsage();
    const started = performance.now();
    const result = await run();
    const wallMs = performance.now() - started;
    const used = process.cpuUsage(cpu);
    const own: RecordedCall[] = recorder.since(mark).filter((c) => c.source === 'other');
    const roundTripMs = waitingMs(own);
    const status = (result as { statusCode?: number } | undefined)?.statusCode ?? 200;
    return {
      result,
      timing: {
        status,
        wallMs,
        roundTripMs,
        ownMs: Math.max(0, wallMs - roundTripMs),
        cpuMs: (used.user + used.system) / 1000,
        calls: own.filter((c) => !c.presigned).length,
      },
    };
  }

  return {
    http: (request) =>
      call(request.path, {
        method: request.method,
        token: request.token,
        ...(request.json !== undefined ? { json: request.json } : {}),
        ...(request.form ? { form: request.form } : {}),
      }),

    routeOf(request) {
      return router(request.method, urlOf(request).pathname)?.route.id;
    },

    authenticated(request) {
      const matched = router(request.method, urlOf(request).pathname);
      return matched ? !isPublicRoute(matched.route) : false;
    },

    async direct(request) {
      const url = urlOf(request);
      const matched = router(request.method, url.pathname);
      if (!matched) throw new Error(`bench: no route for ${request.method} ${url.pathname}`);
      const headers: Record<string, string[]> = {
        host: [url.host],
        'user-agent': ['helpdesk-bench'],
        accept: ['application/json'],
      };
      let body = Buffer.alloc(0);
      if (request.json !== undefined) {
        headers['content-type'] = ['application/json'];
        body = Buffer.from(JSON.stringify(request.json));
      } else if (request.form) {
        headers['content-type'] = ['application/x-www-form-urlencoded'];
        body = Buffer.from(new URLSearchParams(request.form).toString());
      }
      if (request.token) headers.authorization = [`Bearer ${request.token}`];
      const event = buildEvent(
        {
          method: request.method,
          rawPath: url.pathname,
          rawQueryString: url.search.replace(/^\?/, ''),
          headers,
          body,
          sourceIp: '127.0.0.1',
          protocol: 'HTTP/1.1',
          localPort: stack.ports.api,
        },
        matched.route,
        matched.pathParameters,
        randomBytes(9).toString('base64'),
      );
      if (!isPublicRoute(matched.route)) {
        const authorization = await authorize(headers.authorization?.[0]);
        if (!authorization.ok) throw new Error(`bench: token refused (${authorization.reason})`);
        (event.requestContext as { authorizer?: unknown }).authorizer = authorization.authorization;
      }
      const handler: AnyHandler = await loadHandler(matched.route.entry);
      const context = lambdaContext(matched.route.id);
      const { result, timing } = await timed(() => handler(event, context));
      const reply = toHttpReply(result);
      const text = reply.body.toString('utf8');
      let parsed: unknown;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = undefined;
      }
      return {
        status: reply.statusCode,
        body: parsed,
        routeId: matched.route.id,
        timing: { ...timing, status: reply.statusCode },
      };
    },

    async timeFunction(handler) {
      return (await timed(handler)).timing;
    },
  };
}

/**
 * The baseline handler: one GetItem of a profile with a bare document client (its own, counted like the shared
 * ones), answering its item as JSON. What every route pays at least: one round trip and the SDK around it.
 */
export function bareGetItemHandler(recorder: CallRecorder, tableName: string, userId: string) {
  const low = new DynamoDBClient({});
  recorder.install('DynamoDB', low);
  const client = DynamoDBDocumentClient.from(low);
  return async () => {
    const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: userKey(userId) }));
    return { statusCode: 200, body: JSON.stringify(Item ?? null) };
  };
}
