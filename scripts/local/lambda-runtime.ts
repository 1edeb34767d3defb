/**
 * How the local stack runs Lambda handlers: in this process, loaded lazily with a dynamic `import()` of the
 * entry module (cached, like a warm container), invoked with a minimal Lambda `Context`.
 *
 * Differences from Lambda: every function shares this process (module singletons, `process.env`, the event
 * loop), concurrent invocations of one function run concurrently instead of in separate containers, and
 * timeouts are reported by `getRemainingTimeInMillis()` but not enforced. Edits to handlers need a restart.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import { fromRepoRoot } from './paths.ts';
import { localRegion } from './provision.ts';

/** Lambda account id used in local ARNs. */
export const localAccountId = '000000000000';

/** Thrown when a route or event entry has no module yet. */
export class HandlerNotFoundError extends Error {
  override name = 'HandlerNotFoundError';
  constructor(readonly entry: string) {
    super(`Handler module ${entry} does not exist (yet)`);
  }
}

// biome-ignore lint/suspicious/noExplicitAny: handlers of every event type live in this cache
type AnyHandler = (event: any, context: Context) => Promise<unknown>;

const loaded = new Map<string, Promise<AnyHandler>>();

/**
 * The `handler` export of an entry module (path relative to the repository root), imported once.
 * A failed import is not cached, so creating or fixing the file makes the next request work.
 * @throws HandlerNotFoundError when the file is missing; the import error; Error when there is no `handler`
 */
export function loadHandler(entry: string): Promise<AnyHandler> {
  const cached = loaded.get(entry);
  if (cached) return cached;
  const file = fromRepoRoot(entry);
  if (!existsSync(file)) return Promise.reject(new HandlerNotFoundError(entry));
  const loading = import(pathToFileURL(file).href).then((module: { handler?: unknown }) => {
    if (typeof module.handler !== 'function')
      throw new Error(`${entry} does not export a function named handler`);
    return module.handler as AnyHandler;
  });
  loaded.set(entry, loading);
  loading.catch(() => loaded.delete(entry));
  return loading;
}

/**
 * A Lambda `Context` for one invocation.
 * @param functionName the route id (e.g. `GetTicket`) or event source id (e.g. `Notifier`)
 * @param timeoutMs the nominal function timeout, for `getRemainingTimeInMillis()`
 */
export function lambdaContext(functionName: string, timeoutMs = 29_000): Context {
  const deadline = Date.now() + timeoutMs;
  const unsupported = () => {
    throw new Error('The callback-style context methods are not supported locally (nor on nodejs24.x)');
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${localRegion}:${localAccountId}:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `local/[$LATEST]${randomUUID().replaceAll('-', '')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}
