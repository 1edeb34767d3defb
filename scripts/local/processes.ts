/**
 * Child processes of the local stack (DynamoDB Local, cognito-local, the SES emulator), ports and readiness.
 *
 * Every child runs in its own process group (`detached`), so stopping it kills the whole group (a launcher
 * script and the server it starts alike) and a terminal Ctrl-C reaches the stack first, which then stops the
 * children in order. If the parent exits without stopping them, an `exit` hook kills the groups synchronously.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { connect, createServer } from 'node:net';

/** Live child process groups, killed synchronously if the parent exits without stopping them. */
const liveGroups = new Set<number>();
let exitHookInstalled = false;

function killGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false; // ESRCH: the group is gone
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const pid of liveGroups) killGroup(pid, 'SIGKILL');
  });
}

/** Kills every live child group now (SIGKILL), e.g. on a second Ctrl-C. */
export function killAllChildrenNow(): void {
  for (const pid of liveGroups) killGroup(pid, 'SIGKILL');
  liveGroups.clear();
}

export interface ServiceProcess {
  readonly name: string;
  readonly pid: number;
  /** The last lines of its stdout and stderr, for error messages. */
  recentOutput(): string;
  /** Exit code (or signal name) once it exited, else `undefined`. */
  readonly exitStatus: string | undefined;
  /** SIGTERM to the group, SIGKILL after `graceMs` (default 5000) or if anything of the group is left. */
  stop(graceMs?: number): Promise<void>;
}

export interface StartProcessOptions {
  /** Short name used as a log prefix, e.g. `dynamodb`. */
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Receives each output line, already prefixed with the name; omit to keep output only for errors. */
  readonly log?: ((line: string) => void) | undefined;
}

/** Spawns a service in its own process group and keeps the tail of its output. */
export function startProcess(options: StartProcessOptions): ServiceProcess {
  installExitHook();
  const child: ChildProcess = spawn(options.command, [...options.args], {
    cwd: options.cwd,
    env: options.env ?? process.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tail: string[] = [];
  let exitStatus: string | undefined;
  let spawnError: Error | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exitStatus = code === null ? String(signal) : String(code);
      resolve();
    });
    child.once('error', (error) => {
      spawnError = error;
      exitStatus = `spawn error: ${error.message}`;
      resolve();
    });
  });
  const pid = child.pid ?? -1;
  if (pid > 0) liveGroups.add(pid);
  const onData = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split(/\r?\n/)) {
      if (line.trim() === '') continue;
      tail.push(line);
      if (tail.length > 40) tail.shift();
      options.log?.(`[${options.name}] ${line}`);
    }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);

  return {
    name: options.name,
    pid,
    recentOutput: () => [...tail, ...(spawnError ? [String(spawnError)] : [])].join('\n'),
    get exitStatus() {
      return exitStatus;
    },
    async stop(graceMs = 5000) {
      if (pid <= 0) return;
      if (exitStatus === undefined) {
        killGroup(pid, 'SIGTERM');
        const timer = new Promise<'timeout'>((resolve) =>
          setTimeout(() => resolve('timeout'), graceMs).unref(),
        );
        if ((await Promise.race([exited, timer])) === 'timeout') killGroup(pid, 'SIGKILL');
        await exited;
      }
      // Anything left in the group (grandchildren) goes too.
      killGroup(pid, 'SIGKILL');
      liveGroups.delete(pid);
    },
  };
}

/**
 * Polls `probe` until it resolves true.
 * @param what description for the error, e.g. `DynamoDB Local on port 8000`
 * @param service when given, fail fast with its output if it exits while waiting
 * @throws Error after `timeoutMs` or when the service exited, with its recent output
 */
export async function waitUntil(
  what: string,
  probe: () => Promise<boolean>,
  {
    timeoutMs = 30_000,
    intervalMs = 100,
    service,
  }: { timeoutMs?: number; intervalMs?: number; service?: ServiceProcess } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    if (service?.exitStatus !== undefined) {
      throw new Error(
        `${what}: the process exited (${service.exitStatus}) before it was ready. Its output:\n${service.recentOutput()}`,
      );
    }
    try {
      if (await probe()) return;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const output = service ? `\nIts output:\n${service.recentOutput()}` : '';
      throw new Error(
        `${what} was not ready after ${timeoutMs} ms (${String(lastError ?? 'no answer')}).${output}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Whether something accepts TCP connections on 127.0.0.1:`port`. */
export function isPortInUse(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.setTimeout(1000, () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/** A TCP port that was free a moment ago (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** `fetch` that answers false instead of throwing, for readiness probes. */
export async function httpOk(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}
