/**
 * `npm run reset`: forgets all local data (table items, users, uploaded objects, stream checkpoints, the cursor
 * key), i.e. `.local/state/`, plus a `.cognito/` directory at the repository root if cognito-local was ever
 * started there. The DynamoDB Local install in `.local/dynamodb-local/` is kept; `--all` removes it too.
 * Refuses while `npm start` is running.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { dynamoDbLocalDir, localDir, persistentStateDir, repoRoot } from './paths.ts';

const lockFile = path.join(persistentStateDir, 'stack.pid');
if (existsSync(lockFile)) {
  const pid = Number(readFileSync(lockFile, 'utf8'));
  let running = false;
  try {
    process.kill(pid, 0);
    running = true;
  } catch {
    running = false;
  }
  if (running) {
    console.error(`The local stack is running (pid ${pid}). Stop it (Ctrl-C) before resetting.`);
    process.exit(1);
  }
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
