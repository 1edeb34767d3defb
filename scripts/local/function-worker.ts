/**
 * A function's own execution environment, locally: a long-lived child process that loads the handler once and
 * runs the invocations sent to it, one at a time, like a warm Lambda execution environment ("Lambda execution
 * environment lifecycle", Lambda developer guide). Unlike the in-process runtime (`lambda-runtime.ts`), a crash or a
 * runaway handler cannot take the local stack down, module state is the function's own, and the environment can be
 * killed mid-invocation to reproduce a runtime crash.
 *
 * This module is both sides:
 * - in the stack, `createFunctionWorker` spawns the child lazily (`process.execPath --import tsx <this file>`, an IPC
 *   channel, `process.env` as it is at spawn time, the parent's stdout/stderr) and sends it invocations;
 * - run as that child, it serves them: `{ type: 'invoke', id, handlerEntry, functionName, timeoutMs, event }` in,
 *   `{ type: 'started', id }` once the handler is loaded, then `{ type: 'result', id, ok: true, result }` or
 *   `{ type: 'result', id, ok: false, error }` out.
 *
 * As in Lambda: a timeout ends the environment (the child is killed; the next invocation starts a fresh one, a cold
 * start); an uncaught exception or unhandled rejection crashes it (the invocation fails with `RuntimeExitError`).
 * The child exits when its IPC channel closes (the parent exited or was killed), and a parent that exits without
 * stopping it kills it synchronously, so no worker outlives the stack.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { HandlerNotFoundError, lambdaContext, loadHandler } from './lambda-runtime.ts';

/** Parent → worker: run one invocation. */
interface InvokeRequest {
  readonly type: 'invoke';
  readonly id: number;
  /** Entry module, relative to the repository root. */
  readonly handlerEntry: string;
  readonly functionName: string;
  readonly timeoutMs: number;
  readonly event: unknown;
}

/** An error crossing the IPC channel. */
interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string | undefined;
  /** Set for `HandlerNotFoundError`: the missing entry. */
  readonly entry?: string | undefined;
}

/** Worker → parent: the handler is loaded and runs (`started`, the end of the init phase), how it ended. */
type InvokeReply =
  | { readonly type: 'started'; readonly id: number }
  | { readonly type: 'result'; readonly id: number; readonly ok: true; readonly result: unknown }
  | { readonly type: 'result'; readonly id: number; readonly ok: false; readonly error: SerializedError };

/**
 * The invocation ran past the function timeout (Lambda: `Task timed out after N seconds`), or loading the handler
 * (the init phase) past {@link initTimeoutMs}.
 */
export class FunctionTimeoutError extends Error {
  override name = 'FunctionTimeoutError';
  constructor(
    readonly functionName: string,
    readonly timeoutMs: number,
    readonly phase: 'init' | 'invoke' = 'invoke',
  ) {
    super(`${functionName}: ${phase === 'init' ? 'init' : 'task'} timed out after ${timeoutMs} ms`);
  }
}

/**
 * Longest a worker may take to start and load the handler (Lambda's init phase limit, 10 s). The function timeout
 * counts from the end of it, as in Lambda, where the init phase is not part of the invocation's duration.
 */
export const initTimeoutMs = 10_000;

/** The execution environment died during the invocation (Lambda: `Runtime.ExitError`). */
export class RuntimeExitError extends Error {
  override name = 'RuntimeExitError';
  constructor(
    readonly pid: number,
    /** Exit code, or the signal's name (`SIGKILL`). */
    readonly status: string,
  ) {
    super(`The function's worker (pid ${pid}) exited during the invocation (${status})`);
  }
}

/** An error the handler threw in the worker, rebuilt here with its name, message and the worker's stack. */
export class WorkerInvocationError extends Error {
  constructor(error: SerializedError) {
    super(error.message);
    this.name = error.name;
    if (error.stack) this.stack = error.stack;
  }
}

export interface FunctionWorkerOptions {
  /** Entry module of the function, relative to the repository root (e.g. `senderSource.entry`). */
  readonly handlerEntry: string;
  /** Lambda function name reported in the context. */
  readonly functionName: string;
}

export interface FunctionWorker {
  /**
   * Runs one invocation in the worker, starting one first when none runs (after a crash, a timeout or at first use).
   * One invocation at a time, as in one execution environment.
   * @param timeoutMs the function timeout, counted once the handler is loaded: past it the worker is killed and
   *   the call rejects (so does an init phase longer than {@link initTimeoutMs})
   * @returns the handler's result as JSON carries it (`undefined` becomes `null`)
   * @throws the handler's error (`WorkerInvocationError` with its name, or `HandlerNotFoundError`),
   *   `FunctionTimeoutError`, `RuntimeExitError`; Error when an invocation is already running
   */
  invoke(event: unknown, timeoutMs: number): Promise<unknown>;
  /** pid of the worker process, `undefined` while none runs. */
  readonly pid: number | undefined;
  /** Whether an invocation is running. */
  readonly busy: boolean;
  /**
   * SIGKILLs the worker if an invocation is running (a runtime crash: that invocation rejects with
   * `RuntimeExitError`, the next one starts a fresh worker).
   * @returns the killed pid, or `undefined` when no invocation was running (nothing is killed)
   */
  crash(): number | undefined;
  /** Ends the worker (IPC disconnect, SIGKILL after 2 s); a running invocation rejects. Idempotent. */
  stop(): Promise<void>;
}

interface Pending {
  readonly id: number;
  readonly timeoutMs: number;
  readonly resolve: (result: unknown) => void;
  readonly reject: (error: Error) => void;
  /** The init timer until the worker reports `started`, then the function timeout. */
  timer?: NodeJS.Timeout;
}

interface Worker {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly exited: Promise<void>;
  pending: Pending | undefined;
}

const workerFile = fileURLToPath(import.meta.url);
/** tsx's loader as a file URL, so `--import` does not depend on the working directory. */
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** Workers alive in this process, killed synchronously if it exits without stopping them. */
const liveWorkers = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of liveWorkers) child.kill('SIGKILL');
  });
}

function deserializeError(error: SerializedError): Error {
  if (error.name === 'HandlerNotFoundError' && error.entry !== undefined)
    return new HandlerNotFoundError(error.entry);
  return new WorkerInvocationError(error);
}

/** A worker for one function; no process starts before the first invocation. */
export function createFunctionWorker(options: FunctionWorkerOptions): FunctionWorker {
  let current: Worker | undefined;
  let nextId = 0;

  /** An idle worker must not keep the stack's process alive; a running invocation must. */
  function holdsParent(worker: Worker, hold: boolean): void {
    if (hold) {
      worker.child.ref();
      worker.child.channel?.ref();
    } else {
      worker.child.unref();
      worker.child.channel?.unref();
    }
  }

  /** SIGKILLs a worker and forgets it at once: the next invocation must not reach it while it dies. */
  function kill(worker: Worker): void {
    if (current === worker) current = undefined;
    worker.child.kill('SIGKILL');
  }

  /** Starts the timer of a phase: past it the worker is killed (Lambda ends a timed-out environment). */
  function timeOut(worker: Worker, pending: Pending, phase: 'init' | 'invoke'): NodeJS.Timeout {
    const ms = phase === 'init' ? initTimeoutMs : pending.timeoutMs;
    return setTimeout(() => {
      if (worker.pending !== pending) return;
      worker.pending = undefined;
      kill(worker);
      pending.reject(new FunctionTimeoutError(options.functionName, ms, phase));
    }, ms);
  }

  function spawnWorker(): Worker {
    installExitHook();
    const child = spawn(process.execPath, ['--import', tsxLoader, workerFile], {
      env: { ...process.env },
      // Own process group: a terminal's Ctrl-C reaches the stack, which then stops the worker in order.
      detached: true,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'json',
    });
    let settle: () => void = () => {};
    const exited = new Promise<void>((resolve) => {
      settle = resolve;
    });
    const worker: Worker = { child, pid: child.pid ?? -1, exited, pending: undefined };
    liveWorkers.add(child);
    let gone = false;
    const onGone = (status: string) => {
      if (gone) return;
      gone = true;
      liveWorkers.delete(child);
      if (current === worker) current = undefined;
      const pending = worker.pending;
      worker.pending = undefined;
      if (pending) {
        clearTimeout(pending.timer);
        pending.reject(new RuntimeExitError(worker.pid, status));
      }
      settle();
    };
    child.once('exit', (code, signal) => onGone(code === null ? String(signal) : `exit code ${code}`));
    child.once('error', (error) => onGone(`spawn error: ${error.message}`));
    child.on('message', (message: InvokeReply) => {
      const pending = worker.pending;
      if (!pending || pending.id !== message?.id) return;
      if (message.type === 'started') {
        clearTimeout(pending.timer);
        pending.timer = timeOut(worker, pending, 'invoke');
        return;
      }
      worker.pending = undefined;
      clearTimeout(pending.timer);
      holdsParent(worker, false);
      if (message.ok) pending.resolve(message.result);
      else pending.reject(deserializeError(message.error));
    });
    return worker;
  }

  return {
    invoke(event, timeoutMs) {
      if (current?.pending)
        return Promise.reject(new Error(`${options.functionName}: an invocation is running`));
      const worker = current ?? spawnWorker();
      current = worker;
      const id = ++nextId;
      return new Promise<unknown>((resolve, reject) => {
        const pending: Pending = { id, timeoutMs, resolve, reject };
        pending.timer = timeOut(worker, pending, 'init');
        worker.pending = pending;
        holdsParent(worker, true);
        const request: InvokeRequest = {
          type: 'invoke',
          id,
          handlerEntry: options.handlerEntry,
          functionName: options.functionName,
          timeoutMs,
          event,
        };
        // A failed send means the worker is gone: its `exit` rejects the invocation.
        worker.child.send(request, () => {});
      });
    },
    get pid() {
      return current?.pid;
    },
    get busy() {
      return current?.pending !== undefined;
    },
    crash() {
      if (!current?.pending) return undefined;
      const { pid } = current;
      kill(current);
      return pid;
    },
    async stop() {
      const worker = current;
      current = undefined;
      if (!worker) return;
      if (worker.child.connected) worker.child.disconnect();
      const timer = setTimeout(() => worker.child.kill('SIGKILL'), 2000);
      await worker.exited;
      clearTimeout(timer);
    },
  };
}

function serializeError(error: unknown): SerializedError {
  if (error instanceof HandlerNotFoundError)
    return { name: error.name, message: error.message, stack: error.stack, entry: error.entry };
  if (error instanceof Error) return { name: error.name, message: error.message, stack: error.stack };
  return { name: 'Error', message: String(error) };
}

/** The worker side: runs each invocation it is sent; exits when the parent goes away. */
function serve(): void {
  const reply = (message: InvokeReply) => {
    try {
      process.send?.(message);
    } catch (error) {
      // The result does not survive JSON (a BigInt, a cycle): the invocation fails, as Lambda's would.
      process.send?.({ type: 'result', id: message.id, ok: false, error: serializeError(error) });
    }
  };
  process.on('disconnect', () => process.exit(0));
  process.on('message', (request: InvokeRequest) => {
    if (request?.type !== 'invoke') return;
    void (async () => {
      try {
        const handler = await loadHandler(request.handlerEntry);
        process.send?.({ type: 'started', id: request.id } satisfies InvokeReply);
        const result = await handler(request.event, lambdaContext(request.functionName, request.timeoutMs));
        reply({ type: 'result', id: request.id, ok: true, result: result ?? null });
      } catch (error) {
        reply({ type: 'result', id: request.id, ok: false, error: serializeError(error) });
      }
    })();
  });
}

const isWorkerProcess =
  process.send !== undefined && process.argv[1] !== undefined && path.resolve(process.argv[1]) === workerFile;
if (isWorkerProcess) serve();
