/**
 * Watchdog of the local stack's child processes: kills their process groups when the Node process that started
 * them dies without stopping them, e.g. on `kill -9` (no `exit` hook runs then).
 *
 * Design: `processes.ts` starts one watchdog per Node process while that process has live children, as
 * `node watchdog.mjs <parent pid>` with an IPC channel, detached (a session of its own: neither a terminal Ctrl-C
 * nor a closed terminal reaches it) and stdio ignored. Over the channel the parent sends the complete list of its
 * live child process group ids on every change, `{ groups: [pgid, ...] }`; an empty list means every child stopped
 * normally, and the watchdog exits. The parent's death is noticed two ways:
 * - the IPC channel closes: the kernel closes the parent's end when it dies, at once and whatever its pid becomes;
 * - as a fallback, polling the parent pid every 250 ms with `kill(pid, 0)`; where `/proc` exists (Linux) also its
 *   state and start time, so that a zombie or another process under a reused pid does not count as the parent.
 * Then it SIGTERMs every recorded group, SIGKILLs what is left after 3 s, and exits.
 *
 * Why not `setpriv --pdeathsig` / `prctl(PR_SET_PDEATHSIG)`: Linux only, and it reaches only the direct child,
 * not what a launcher script starts (the java of a wrapper); signalling whole groups reaches every process of a
 * child, on macOS too. Why a process and not a file read at the next start: the next start may never come, and
 * DynamoDB Local would keep its port and data file meanwhile (`state-lock.ts` still cleans up after a watchdog
 * that was killed itself).
 *
 * Plain JavaScript, no dependencies: it starts in tens of milliseconds without a TypeScript loader.
 */
import { readFileSync } from 'node:fs';

const parentPid = Number(process.argv[2]);
if (!Number.isInteger(parentPid) || parentPid <= 1 || typeof process.send !== 'function') {
  console.error('usage: node watchdog.mjs <parent pid>, with an IPC channel');
  process.exit(2);
}

/**
 * `{ state, startTime }` of a process from `/proc/<pid>/stat` (state `Z` = zombie; start time in clock ticks
 * since boot), or undefined without `/proc` or when the process is gone.
 * @param {number} pid
 * @returns {{ state: string, startTime: string } | undefined}
 */
function procStat(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses; fields count from after the last ")".
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0] ?? '', startTime: fields[19] ?? '' };
  } catch {
    return undefined;
  }
}

const parentStartTime = procStat(parentPid)?.startTime;

/** Live child process group ids of the parent, as last sent; never 0, 1 or our own (kill(-1) hits everything). */
let groups = /** @type {number[]} */ ([]);
let stopping = false;

function parentAlive() {
  try {
    process.kill(parentPid, 0);
  } catch (error) {
    return /** @type {NodeJS.ErrnoException} */ (error).code === 'EPERM';
  }
  const stat = procStat(parentPid);
  return stat === undefined || (stat.state !== 'Z' && stat.startTime === parentStartTime);
}

/**
 * Zombies count here (unlike in `isGroupAlive` of processes.ts): at worst the SIGKILL comes after the full 3 s.
 * @param {number} pgid
 */
function groupAlive(pgid) {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    return /** @type {NodeJS.ErrnoException} */ (error).code === 'EPERM';
  }
}

/** @param {number} pgid @param {NodeJS.Signals} signal */
function signalGroup(pgid, signal) {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: the group is gone already.
  }
}

async function killGroupsAndExit() {
  if (stopping) return;
  stopping = true;
  for (const pgid of groups) signalGroup(pgid, 'SIGTERM');
  const deadline = Date.now() + 3000;
  while (groups.some(groupAlive) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  for (const pgid of groups) signalGroup(pgid, 'SIGKILL');
  process.exit(0);
}

process.on('message', (message) => {
  if (stopping) return;
  const sent = /** @type {{ groups?: unknown }} */ (message)?.groups;
  if (!Array.isArray(sent)) return;
  groups = sent.filter((pgid) => Number.isInteger(pgid) && pgid > 1 && pgid !== process.pid);
  if (groups.length === 0) process.exit(0); // every child stopped normally
});
process.on('disconnect', () => void killGroupsAndExit());
setInterval(() => {
  if (!parentAlive()) void killGroupsAndExit();
}, 250);
