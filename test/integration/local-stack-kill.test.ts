/**
 * The local stack under `kill -9` (scripts/local/watchdog.mjs, state-lock.ts): a persistent stack runs in a
 * process of its own (test/support/local-stack-process.ts, free ports, a temporary state directory); killed with
 * SIGKILL, its emulators die with it, and the next start on the same state directory removes the stale lock; if
 * the watchdog was killed too, the next start stops the leftovers before anything else starts. Not the global
 * stack: this one is started and killed here. Process listings come from `ps` (Linux and macOS).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { repoRoot } from '../../scripts/local/paths.ts';
import { clearStaleLock, type LockRecord } from '../../scripts/local/state-lock.ts';

const fixture = path.join(repoRoot, 'test', 'support', 'local-stack-process.ts');
/** DynamoDB Local alone takes several seconds to start on a slow machine; three stacks may boot at once. */
const readyTimeoutMs = 120_000;

interface ProcessRow {
  pid: number;
  ppid: number;
  pgid: number;
  stat: string;
  args: string;
}

function listProcesses(): ProcessRow[] {
  const output = execFileSync('ps', ['-A', '-o', 'pid=,ppid=,pgid=,stat=,args='], { encoding: 'utf8' });
  return output
    .split('\n')
    .map((line) => line.trim().match(/^(\d+)\s+(\d+)\s+(\d+)\s+(\S+)\s+(.*)$/))
    .filter((match) => match !== null)
    .map(([, pid, ppid, pgid, stat, args]) => ({
      pid: Number(pid),
      ppid: Number(ppid),
      pgid: Number(pgid),
      stat: stat ?? '',
      args: args ?? '',
    }));
}

/** Processes of group `pgid` that still run (zombies, exited but not reaped yet, do not count). */
function groupMembers(pgid: number): ProcessRow[] {
  return listProcesses().filter((row) => row.pgid === pgid && !row.stat.startsWith('Z'));
}

async function waitFor(what: string, condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what}: not so after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

interface StackProcess {
  readonly pid: number;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  /** Resolves with the exit code (or signal name). */
  readonly exited: Promise<string>;
}

/** Every stack process started here, killed in `afterAll` if still running. */
const started: ChildProcess[] = [];
const stateDirs: string[] = [];

/** Starts the fixture on `stateDir` and resolves once it printed its ready line. */
async function startStackProcess(stateDir: string): Promise<StackProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', fixture, stateDir], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  const exited = new Promise<string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code === null ? String(signal) : String(code))),
  );
  let status: string | undefined;
  void exited.then((value) => {
    status = value;
  });
  await waitFor(
    'the stack process printed LOCAL_STACK_READY',
    () => {
      if (status !== undefined) throw new Error(`The stack process exited (${status}):\n${output}`);
      return output.includes('LOCAL_STACK_READY');
    },
    readyTimeoutMs,
  );
  return { pid: child.pid ?? -1, output: () => output, exited };
}

function readRecord(stateDir: string): LockRecord {
  return JSON.parse(readFileSync(path.join(stateDir, 'children.json'), 'utf8')) as LockRecord;
}

/** The recorded children are the emulators, each a direct child of the stack process and its group's leader. */
function recordedChildren(stateDir: string, stackPid: number): LockRecord['children'] {
  const record = readRecord(stateDir);
  expect(record.owner.pid).toBe(stackPid);
  expect(record.children.map((child) => child.name).sort()).toEqual(['cognito', 'dynamodb', 'ses']);
  const processes = listProcesses();
  for (const child of record.children) {
    expect(processes.find((row) => row.pid === child.pid)).toMatchObject({ ppid: stackPid, pgid: child.pid });
  }
  return record.children;
}

async function stopCleanly(stack: StackProcess, stateDir: string): Promise<void> {
  const children = readRecord(stateDir).children;
  process.kill(stack.pid, 'SIGTERM');
  expect(await stack.exited).toBe('0');
  expect(existsSync(path.join(stateDir, 'stack.pid'))).toBe(false);
  expect(existsSync(path.join(stateDir, 'children.json'))).toBe(false);
  for (const child of children) expect(groupMembers(child.pid)).toEqual([]);
}

let stateDir: string;

beforeEach(() => {
  stateDir = mkdtempSync(path.join(os.tmpdir(), 'helpdesk-kill-test-'));
  stateDirs.push(stateDir);
});

afterAll(async () => {
  for (const child of started)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await new Promise((resolve) => setTimeout(resolve, 500));
  for (const dir of stateDirs) {
    // Stops whatever a failed test left running (verified against the recorded start times), then the files go.
    await clearStaleLock(dir, () => undefined).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
});

describe('local stack killed with SIGKILL', () => {
  it(
    'takes its emulators with it, and the next start removes the stale lock',
    async () => {
      const first = await startStackProcess(stateDir);
      const children = recordedChildren(stateDir, first.pid);

      process.kill(first.pid, 'SIGKILL');
      expect(await first.exited).toBe('SIGKILL');
      await waitFor(
        'every process of every child group is gone',
        () => children.every((child) => groupMembers(child.pid).length === 0),
        10_000,
      );
      expect(readFileSync(path.join(stateDir, 'stack.pid'), 'utf8')).toBe(String(first.pid));

      const second = await startStackProcess(stateDir);
      expect(second.output()).toContain(
        `Removed the stale lock of a local stack that is gone (pid ${first.pid}).`,
      );
      expect(second.output()).not.toContain('left running');
      recordedChildren(stateDir, second.pid);
      await stopCleanly(second, stateDir);
    },
    4 * readyTimeoutMs,
  );

  it(
    'stops the leftovers at the next start when the watchdog was killed too',
    async () => {
      const first = await startStackProcess(stateDir);
      const children = recordedChildren(stateDir, first.pid);
      const watchdog = listProcesses().find(
        (row) => row.ppid === first.pid && row.args.includes('watchdog.mjs'),
      );
      expect(watchdog).toBeDefined();

      process.kill(watchdog?.pid ?? -1, 'SIGKILL');
      process.kill(first.pid, 'SIGKILL');
      await first.exited;
      await new Promise((resolve) => setTimeout(resolve, 1000));
      // Orphans now (a child may have died on its own writing to its closed output pipe; DynamoDB Local does not).
      const orphans = children.filter((child) => groupMembers(child.pid).length > 0);
      expect(orphans.map((child) => child.name)).toContain('dynamodb');

      const second = await startStackProcess(stateDir);
      expect(second.output()).toContain(
        `Removed the stale lock of a local stack that is gone (pid ${first.pid}).`,
      );
      for (const orphan of orphans) {
        expect(second.output()).toContain(
          `Stopping ${orphan.name} (pid ${orphan.pid}), left running by a local stack that is gone.`,
        );
        expect(groupMembers(orphan.pid)).toEqual([]);
      }
      await stopCleanly(second, stateDir);
    },
    4 * readyTimeoutMs,
  );
});
