/**
 * The shape rules of the code base that a type checker cannot see (the Biome rule `noRestrictedImports` keeps
 * HTTP out of operations, entities, rules and views; see biome.json).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url).pathname;

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(relative);
    return entry.name.endsWith('.ts') ? [relative] : [];
  });
}

const code = [...sourceFiles('shared'), ...sourceFiles('functions')];

describe('architecture', () => {
  it('decides from permission flags: role names are compared only in shared/roles/', () => {
    const roleComparison =
      /\brole\s*[!=]==?\s*['"`]|['"`](admin|agent|requester)['"`]\s*[!=]==?|\.role\s*\)\s*===|includes\(\s*['"`](admin|agent|requester)['"`]/;
    const offenders = code
      .filter((file) => !file.startsWith('shared/roles/'))
      .flatMap((file) =>
        readFileSync(path.join(root, file), 'utf8')
          .split('\n')
          .map((line, index) => ({ file, line: index + 1, text: line.trim() }))
          .filter(({ text }) => roleComparison.test(text)),
      );
    expect(offenders).toEqual([]);
  });

  it('catches a role-name comparison (the check above can fail)', () => {
    const roleComparison = /\brole\s*[!=]==?\s*['"`]/;
    expect(roleComparison.test("if (caller.role === 'admin') return true;")).toBe(true);
  });

  it('keeps each feature folder free of other features’ HTTP: functions/ import shared code, never the reverse', () => {
    const offenders = code
      .filter((file) => file.startsWith('shared/'))
      .filter((file) => /from ['"](\.\.\/)+functions\//.test(readFileSync(path.join(root, file), 'utf8')));
    expect(offenders).toEqual([]);
  });
});
