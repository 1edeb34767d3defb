/**
 * How the local stack stops what it started: the in-process closers one after the other, the last registered
 * first (an error is logged and the rest still stop), then every child process at once, then `release`.
 */
import type { ServiceProcess } from './processes.ts';

export interface Teardown {
  /** Runs `close` on stop, before everything registered earlier. */
  add(close: () => Promise<void>): void;
  /** Runs `close` on stop after every other closer (still before the child processes stop). */
  addLast(close: () => Promise<void>): void;
  /** Stops `child` on stop, once the closers ran, together with the other children. Returns `child`. */
  addChild(child: ServiceProcess): ServiceProcess;
  /** Stops everything registered so far; idempotent (later calls resolve at once). */
  stop(): Promise<void>;
}

export function createTeardown(options: {
  readonly logError: (line: string, error?: unknown) => void;
  /** Runs last, after the children stopped. */
  readonly release: () => void;
}): Teardown {
  const children: ServiceProcess[] = [];
  const closers: (() => Promise<void>)[] = [];
  let stopped = false;
  return {
    add(close) {
      closers.push(close);
    },
    addLast(close) {
      closers.unshift(close);
    },
    addChild(child) {
      children.push(child);
      return child;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      for (const close of closers.reverse()) {
        await close().catch((error: unknown) => options.logError('local stack: error while stopping', error));
      }
      await Promise.all(children.map((child) => child.stop()));
      options.release();
    },
  };
}
