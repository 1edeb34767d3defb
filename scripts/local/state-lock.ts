/**
 * The lock of a persistent state directory: two local stacks never share one (two DynamoDB Local on one data
 * file corrupt it), and what a stack killed with SIGKILL left behind is cleaned up at the next start.
 *
 * Files in the state directory while a stack holds it:
 * - `stack.pid`: the pid of the stack's Node process (created exclusively: of two concurrent starts one loses);
 * - `children.json`: {@link LockRecord}, that pid with its start time (to tell it from a later process under the
 *   same pid) and the live child process groups of that process with theirs, rewritten on every change.
 *
 * The lock is stale when its process is gone, or when the pid now belongs to another process (start time
 * differs). Then the lock is removed with a message, and the recorded children that still run (the watchdog of
 * `processes.ts` kills them when the stack dies, unless it was killed too) are stopped, also with a message,
 * before anything else starts.
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  type ChildGroup,
  isGroupAlive,
  isProcessAlive,
  liveChildGroups,
  onChildGroupsChange,
  processStartTime,
} from './processes.ts';

/** Contents of `children.json`. */
export interface LockRecord {
  /** The Node process of the stack; `startTime` from {@link processStartTime}. */
  readonly owner: { readonly pid: number; readonly startTime?: string | undefined };
  /** Its live child process groups (group id = pid of the child). */
  readonly children: readonly ChildGroup[];
}

/** A running local stack holds the state directory. */
export class StateDirLockedError extends Error {
  constructor(
    /** Pid of the stack's Node process. */
    readonly pid: number,
    readonly stateDir: string,
  ) {
    super(`Another local stack (pid ${pid}) is running with state in ${stateDir}. Stop it first.`);
    this.name = 'StateDirLockedError';
  }
}

const lockFileName = 'stack.pid';
const recordFileName = 'children.json';

/** How long a leftover child gets after SIGTERM before SIGKILL, and then to be gone, in ms. */
const leftoverGraceMs = 3000;
const leftoverKillWaitMs = 2000;

function readLockPid(stateDir: string): number | undefined {
  try {
    return Number(readFileSync(path.join(stateDir, lockFileName), 'utf8').trim());
  } catch {
    return undefined; // no lock
  }
}

function readRecord(stateDir: string): LockRecord | undefined {
  try {
    const record = JSON.parse(readFileSync(path.join(stateDir, recordFileName), 'utf8')) as LockRecord;
    return Number.isInteger(record.owner?.pid) && Array.isArray(record.children) ? record : undefined;
  } catch {
    return undefined; // none, or unreadable: nothing known about children
  }
}

function writeRecord(stateDir: string, record: LockRecord): void {
  // Written aside and renamed: a reader (the next start, after a crash) never sees half a file.
  const file = path.join(stateDir, recordFileName);
  writeFileSync(`${file}.tmp`, `${JSON.stringify(record, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
}

/**
 * The lock's process: `running` when it is alive and, if its start time was recorded, still the same process.
 * `self` when that process is this one.
 */
function lockOwner(stateDir: string): { pid: number; running: boolean; self: boolean } | undefined {
  const pid = readLockPid(stateDir);
  if (pid === undefined) return undefined;
  const record = readRecord(stateDir);
  const recordedStart = record?.owner.pid === pid ? record.owner.startTime : undefined;
  const sameProcess =
    recordedStart === undefined || processStartTime(Number.isInteger(pid) ? pid : -1) === recordedStart;
  const alive = isProcessAlive(pid) && sameProcess;
  return { pid, running: alive && pid !== process.pid, self: alive && pid === process.pid };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitUntilGone(groups: readonly number[], timeoutMs: number): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  let left = groups.filter(isGroupAlive);
  while (left.length > 0 && Date.now() < deadline) {
    await sleep(100);
    left = left.filter(isGroupAlive);
  }
  return left;
}

/**
 * The recorded children that may be stopped: not ours, and either their leader is still the recorded process
 * (same start time), or it is gone and its group still exists (a group id is not reused while the group
 * exists, so that group is still the child's).
 */
function leftoverGroups(record: LockRecord | undefined, log: (line: string) => void): ChildGroup[] {
  const ours = new Set(liveChildGroups().map((group) => group.pid));
  return (record?.children ?? []).filter((child) => {
    if (!Number.isInteger(child.pid) || child.pid <= 1 || ours.has(child.pid)) return false;
    if (!isProcessAlive(child.pid)) return isGroupAlive(child.pid);
    const startTime = processStartTime(child.pid);
    if (child.startTime !== undefined && startTime === child.startTime) return true;
    if (child.startTime === undefined) {
      log(`Not stopping pid ${child.pid} (${child.name} of a local stack that is gone?): cannot tell it is.`);
    }
    return false; // the pid belongs to another process now
  });
}

/**
 * Removes a stale lock of `stateDir` (message through `log`) and stops the child processes its stack left
 * running (SIGTERM to each group, SIGKILL after 3 s), returning once they are gone (or after 5 s). A lock held by
 * this process is removed silently and its own children are left alone.
 * @throws StateDirLockedError when a running local stack holds the directory (nothing is changed then)
 */
export async function clearStaleLock(stateDir: string, log: (line: string) => void): Promise<void> {
  const owner = lockOwner(stateDir);
  if (owner?.running) throw new StateDirLockedError(owner.pid, stateDir);
  if (owner && !owner.self) {
    const reused = isProcessAlive(owner.pid) ? ', now used by another process' : '';
    log(`Removed the stale lock of a local stack that is gone (pid ${owner.pid}${reused}).`);
  }
  const leftovers = leftoverGroups(readRecord(stateDir), log);
  for (const child of leftovers) {
    log(`Stopping ${child.name} (pid ${child.pid}), left running by a local stack that is gone.`);
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // gone meanwhile
    }
  }
  const pids = leftovers.map((child) => child.pid);
  const stubborn = await waitUntilGone(pids, leftoverGraceMs);
  for (const pid of stubborn) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
  const left = await waitUntilGone(stubborn, leftoverKillWaitMs);
  if (left.length > 0) log(`Process group(s) ${left.join(', ')} did not stop; check them before going on.`);
  rmSync(path.join(stateDir, lockFileName), { force: true });
  rmSync(path.join(stateDir, recordFileName), { force: true });
}

/**
 * Takes the lock of `stateDir` (an existing directory) for this process, after {@link clearStaleLock}, and
 * keeps `children.json` up to date with this process's child groups until released.
 * @returns `release`: removes the lock files (synchronous, idempotent; safe in an `exit` hook)
 * @throws StateDirLockedError when a running local stack holds the directory, or took it meanwhile
 */
export async function takeStateLock(stateDir: string, log: (line: string) => void): Promise<() => void> {
  await clearStaleLock(stateDir, log);
  const lockFile = path.join(stateDir, lockFileName);
  try {
    writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    throw new StateDirLockedError(readLockPid(stateDir) ?? Number.NaN, stateDir);
  }
  const owner = { pid: process.pid, startTime: processStartTime(process.pid) };
  const record = (children: readonly ChildGroup[]) => {
    try {
      writeRecord(stateDir, { owner, children });
    } catch (error) {
      // Only the cleanup after a crash needs it: the stack runs on.
      log(`Could not record the child processes in ${stateDir}: ${String(error)}`);
    }
  };
  record(liveChildGroups());
  const unsubscribe = onChildGroupsChange(record);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    unsubscribe();
    rmSync(path.join(stateDir, recordFileName), { force: true });
    rmSync(lockFile, { force: true });
  };
}
