/**
 * Where the local stack keeps its files. Everything lives under `.local/` at the repository root (gitignored).
 */

import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Absolute path of the repository root. */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** `.local/`: DynamoDB Local binaries and the persistent state of `npm start`. */
export const localDir = path.join(repoRoot, '.local');

/** DynamoDB Local (`DynamoDBLocal.jar` + `DynamoDBLocal_lib/`), installed by `npm run setup:local`. */
export const dynamoDbLocalDir = path.join(localDir, 'dynamodb-local');

/** Persistent state of `npm start`: table data, user pool, objects, stream checkpoints. */
export const persistentStateDir = path.join(localDir, 'state');

/** Resolve a path relative to the repository root (route entries are written that way). */
export function fromRepoRoot(relativePath: string): string {
  return path.join(repoRoot, relativePath);
}
