/**
 * The typed client's types (`client/schema.d.ts`) for a document, by openapi-typescript (the client's own dev
 * dependency). Request fields with a default stay optional (`--default-non-nullable=false`): a client may leave
 * them out.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot } from './local/paths.ts';

/** The client's types for a document text, as openapi-typescript writes them. */
export function clientTypes(documentText: string): string {
  const bin = path.join(repoRoot, 'client', 'node_modules', '.bin', 'openapi-typescript');
  const dir = mkdtempSync(path.join(tmpdir(), 'openapi-'));
  try {
    writeFileSync(path.join(dir, 'openapi.json'), documentText);
    execFileSync(
      bin,
      [
        path.join(dir, 'openapi.json'),
        '--default-non-nullable=false',
        '--output',
        path.join(dir, 'schema.d.ts'),
      ],
      {
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    return readFileSync(path.join(dir, 'schema.d.ts'), 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
