/**
 * Child processes of the local stack (DynamoDB Local, cognito-local, the SES emulator), ports and readiness.
 *
 * Every child runs in its own process group (`detached`), so stopping it kills the whole group (a launcher
 * script and the server it starts alike) and a terminal Ctrl-C reaches the stack first, which then stops the
 * children in order. If the parent exits without stopping them, an `exit` hook kills the groups synchronously.
 * If it dies without running any hook (`kill -9`, the OOM killer), the watchdog (`watchdog.mjs`, one per Node
 * process while it has live children) kills them. A persistent stack also records the groups in its state
 * directory (`state-lock.ts`), so that the next start stops what even the watchdog could not.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

/** A live child process group: its leader is the spawned child, so the group id is its pid. */
export interface ChildGroup {
  /** Short name of the service, e.g. `dynamodb`. */
  readonly name: string;
  /** Pid of the child = id of its process group. */
  readonly pid: number;
  /** See {@link processStartTime}; undefined when it could not be read. */
  readonly startTime: string | undefined;
}

/** Live child process groups by pid, killed synchronously if the parent exits without stopping them. */
const liveGroups = new Map<number, ChildGroup>();
const groupListeners = new Set<(groups: readonly ChildGroup[]) => void>();
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
    for (const pid of liveGroups.keys()) killGroup(pid, 'SIGKILL');
  });
}

const watchdogScript = fileURLToPath(new URL('./watchdog.mjs', import.meta.url));
/** The running watchdog of this process, if any; it knows the groups of {@link liveGroups}. */
let watchdog: ChildProcess | undefined;

function startWatchdog(): ChildProcess {
  // Without NODE_OPTIONS: a loader (tsx, a test runner's) would only slow down a plain .mjs file.
  const { NODE_OPTIONS: _nodeOptions, ...env } = process.env;
  const child = spawn(process.execPath, [watchdogScript, String(process.pid)], {
    detached: true,
    stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    env,
  });
  // A watchdog that died (or never started) is replaced at the next change of the groups; until then the
  // `exit` hook and the state directory's record (persistent stacks) remain.
  const forget = () => {
    if (watchdog === child) watchdog = undefined;
  };
  child.once('error', forget);
  child.once('exit', forget);
  // Neither the process nor its channel keeps this process alive.
  child.unref();
  child.channel?.unref();
  return child;
}

/** Tells the watchdog and the listeners the live groups; the watchdog exits on an empty list. */
function groupsChanged(): void {
  const groups = [...liveGroups.values()];
  const message = { groups: groups.map((group) => group.pid) };
  const ignoreClosedChannel = () => undefined; // the watchdog died: `forget` above cleared it already
  if (groups.length > 0) {
    watchdog ??= startWatchdog();
    watchdog.send(message, ignoreClosedChannel);
  } else if (watchdog) {
    watchdog.send(message, ignoreClosedChannel);
    watchdog = undefined;
  }
  for (const listener of groupListeners) listener(groups);
}

/** The live child process groups of this process (started by {@link startProcess} and not stopped yet). */
export function liveChildGroups(): ChildGroup[] {
  return [...liveGroups.values()];
}

/**
 * Calls `listener` with every live group after each start or stop of a child (not on process exit).
 * @returns a function that removes the listener
 */
export function onChildGroupsChange(listener: (groups: readonly ChildGroup[]) => void): () => void {
  groupListeners.add(listener);
  return () => groupListeners.delete(listener);
}

/** Kills every live child group now (SIGKILL), e.g. on a second Ctrl-C. */
export function killAllChildrenNow(): void {
  for (const pid of liveGroups.keys()) killGroup(pid, 'SIGKILL');
  liveGroups.clear();
  groupsChanged();
}

/**
 * State and start time of a process, to tell it from a later process under the same pid: on Linux from
 * `/proc/<pid>/stat` (start time in clock ticks since boot), elsewhere from `ps -o stat=,lstart=` (to the second).
 * @returns undefined when the process does not exist or neither source answers
 */
/** Linux has `/proc`; macOS does not (and needs `ps`). */
const hasProc = existsSync('/proc/self/stat');

function processStat(pid: number): { zombie: boolean; startTime: string } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses; fields count from after the last ")".
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { zombie: fields[0] === 'Z', startTime: fields[19] ?? '' };
  } catch {
    if (hasProc) return undefined; // the process is gone
  }
  try {
    const line = execFileSync('ps', ['-o', 'stat=,lstart=', '-p', String(pid)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    const [state = '', ...started] = line.split(/\s+/);
    return line === '' ? undefined : { zombie: state.startsWith('Z'), startTime: started.join(' ') };
  } catch {
    return undefined; // ps exits 1 when the pid does not exist
  }
}

/**
 * When the process `pid` started, as an opaque string to compare with a later reading (pid reuse check).
 * @returns undefined when the process is gone or its start time cannot be read
 */
export function processStartTime(pid: number): string | undefined {
  return processStat(pid)?.startTime;
}

/** Whether process `pid` runs (a zombie, exited but not reaped yet, does not; nor does a pid of 0 or less). */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  return processStat(pid)?.zombie !== true;
}

/**
 * Whether a process of group `pgid` still runs. Zombies (exited, not reaped yet: an orphan waits for init to
 * reap it, which may take a while) do not count: they hold no port and no file. `pgid` must be above 1.
 */
export function isGroupAlive(pgid: number): boolean {
  if (!Number.isInteger(pgid) || pgid <= 1) return false;
  try {
    process.kill(-pgid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const states = groupMemberStates(pgid);
  return states === undefined || states.some((state) => !state.startsWith('Z'));
}

/** States (`R`, `S`, `Z`, ...) of the processes of group `pgid`; undefined when neither `/proc` nor `ps` answers. */
function groupMemberStates(pgid: number): string[] | undefined {
  try {
    const states: string[] = [];
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        // After "pid (comm) ": state, ppid, pgrp, ...
        const [state = '', , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        if (Number(pgrp) === pgid) states.push(state);
      } catch {
        // gone meanwhile
      }
    }
    return states;
  } catch {
    // No /proc (macOS): ps lists every process with its group.
  }
  try {
    return execFileSync('ps', ['-A', '-o', 'pgid=,stat='], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    })
      .split('\n')
      .map((line) => line.trim().split(/\s+/))
      .filter(([group]) => Number(group) === pgid)
      .map(([, state = '']) => state);
  } catch {
    return undefined;
  }
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
  if (pid > 0) {
    liveGroups.set(pid, { name: options.name, pid, startTime: processStartTime(pid) });
    groupsChanged();
  }
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
      if (liveGroups.delete(pid)) groupsChanged();
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
