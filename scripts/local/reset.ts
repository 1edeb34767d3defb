/**
 * `npm run reset`: forgets all local data (table items, users, uploaded objects, stream checkpoints, the cursor
 * key), i.e. `.local/state/`, plus a `.cognito/` directory at the repository root if cognito-local was ever
 * started there. The DynamoDB Local install in `.local/dynamodb-local/` is kept; `--all` removes it too.
 * Refuses while `npm start` is running; stops what a killed one left running.
 */
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { dynamoDbLocalDir, localDir, persistentStateDir, repoRoot } from './paths.ts';
import { clearStaleLock, StateDirLockedError } from './state-lock.ts';

// A stale lock goes (with whatever its stack left running, which might still write into the state).
try {
  if (existsSync(persistentStateDir)) await clearStaleLock(persistentStateDir, (line) => console.log(line));
} catch (error) {
  if (!(error instanceof StateDirLockedError)) throw error;
  console.error(`The local stack is running (pid ${error.pid}). Stop it (Ctrl-C) before resetting.`);
  process.exit(1);
}

const all = process.argv.includes('--all');
const targets = all ? [localDir] : [persistentStateDir];
targets.push(path.join(repoRoot, '.cognito'));
for (const target of targets) {
  if (!existsSync(target)) continue;
  rmSync(target, { recursive: true, force: true });
  console.log(`Removed ${path.relative(repoRoot, target)}/`);
}
console.log(
  all
    ? 'Local state and DynamoDB Local removed (npm run setup:local reinstalls it).'
    : `Local state removed; DynamoDB Local kept in ${path.relative(repoRoot, dynamoDbLocalDir)}/ (--all removes it too).`,
);
