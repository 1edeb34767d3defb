/**
 * `openapi.json` passes both API linters CI runs (`npm run lint:api` runs the same): Redocly's `recommended` rules
 * (`redocly.yaml`) and Spectral with the OWASP API Security Top 10 ruleset (`.spectral.mjs`). Both CLIs are
 * spawned from node_modules, offline. A lint error fails, as does a warning of a rule neither config accepts
 * explicitly; every rule a config changes is listed with its reason in docs/api.md ("Lint").
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = (name: string) => path.join(root, 'node_modules', '.bin', name);

/** Runs a CLI in the repository root; resolves with its exit code and output whatever the code. */
function run(command: string, args: readonly string[]) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: root,
      // No telemetry, no update check: the lint needs no network.
      env: {
        ...process.env,
        REDOCLY_TELEMETRY: 'off',
        REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true',
        NO_COLOR: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The JSON a CLI printed, or an error that shows what it printed instead. */
function parsed<T>(tool: string, output: { code: number | null; stdout: string; stderr: string }): T {
  try {
    return JSON.parse(output.stdout) as T;
  } catch {
    throw new Error(`${tool} printed no JSON (exit ${output.code}):\n${output.stdout}\n${output.stderr}`);
  }
}

interface RedoclyReport {
  totals: { errors: number; warnings: number };
  problems: {
    ruleId: string;
    severity: 'error' | 'warn';
    message: string;
    location: { pointer: string }[];
  }[];
}
/** Spectral's JSON: severity 0 error, 1 warning, 2 information, 3 hint. */
type SpectralReport = { code: string; severity: number; path: string[]; message: string }[];

/** The rules `redocly.yaml` sets (`rules:`, `<rule>: <severity>`), by severity. */
function redoclyRules(): Record<string, string> {
  const text = readFileSync(path.join(root, 'redocly.yaml'), 'utf8');
  const block = /^rules:\n((?:[ \t]+.*\n|[ \t]*#.*\n|\n)*)/m.exec(text)?.[1] ?? '';
  return Object.fromEntries(
    [...block.matchAll(/^[ \t]+([\w/-]+):[ \t]*(off|warn|error)\b/gm)].map((match) => [match[1], match[2]]),
  );
}

/** The problems `.redocly.lint-ignore.yaml` acknowledges: rule names and JSON pointers. */
function redoclyIgnored(): { rules: string[]; pointers: string[] } {
  const text = readFileSync(path.join(root, '.redocly.lint-ignore.yaml'), 'utf8');
  return {
    rules: [...text.matchAll(/^ {2}([\w-]+):\s*$/gm)].map((match) => match[1] ?? ''),
    pointers: [...text.matchAll(/^\s+- (['"]?)(#[^'"\s]+)\1\s*$/gm)].map((match) => match[2] ?? ''),
  };
}

/** What `.spectral.mjs` exports (its default: Spectral reads nothing else). */
interface SpectralRuleset {
  rules: Record<string, string>;
  overrides: { files: string[]; rules: Record<string, string> }[];
}
const spectral = (
  (await import(pathToFileURL(path.join(root, '.spectral.mjs')).href)) as { default: SpectralRuleset }
).default;

/** `METHOD /path` of a `.spectral.mjs` override pointer (`openapi.json#/paths/<path>/<method>`). */
const operationOf = (pointer: string) => {
  const [, encodedPath, method] = /#\/paths\/([^/]+)\/(\w+)$/.exec(pointer) ?? [];
  const template = decodeURIComponent(encodedPath ?? '')
    .replaceAll('~1', '/')
    .replaceAll('~0', '~');
  return `${method?.toUpperCase()} ${template}`;
};

/** The "Lint" section of docs/api.md. */
function lintSection(): string {
  const text = readFileSync(path.join(root, 'docs', 'api.md'), 'utf8');
  return /^## Lint\n([\s\S]*?)(?=^## |(?![\s\S]))/m.exec(text)?.[1] ?? '';
}

/** A small document that breaks OWASP rules, to show the ruleset is live outside the listed exceptions. */
const canary = {
  openapi: '3.1.0',
  info: {
    title: 'Canary',
    version: '1',
    description: 'Breaks rules',
    license: { name: 'MIT', identifier: 'MIT' },
  },
  servers: [{ url: 'https://api.example.test', description: 'production', 'x-internal': false }],
  paths: {
    '/health': {
      post: {
        operationId: 'Canary',
        summary: 'A public write with an unbounded string',
        security: [],
        requestBody: {
          required: true,
          content: {
            'application/json': { schema: { type: 'object', properties: { note: { type: 'string' } } } },
          },
        },
        responses: { '204': { description: 'Done' } },
      },
    },
  },
};

let redocly: RedoclyReport;
let owasp: SpectralReport;
let canaryReport: SpectralReport;
const scratch = mkdtempSync(path.join(tmpdir(), 'openapi-lint-'));

beforeAll(async () => {
  const canaryFile = path.join(scratch, 'canary.json');
  writeFileSync(canaryFile, JSON.stringify(canary));
  const spectralArgs = ['lint', '--ruleset', '.spectral.mjs', '--format', 'json', '--quiet'];
  const [redoclyRun, spectralRun, canaryRun] = await Promise.all([
    run(bin('redocly'), ['lint', 'openapi.json', '--format', 'json']),
    run(bin('spectral'), [...spectralArgs, 'openapi.json']),
    run(bin('spectral'), [...spectralArgs, canaryFile]),
  ]);
  redocly = parsed('redocly lint', redoclyRun);
  owasp = parsed('spectral lint openapi.json', spectralRun);
  canaryReport = parsed('spectral lint (canary)', canaryRun);
}, 120_000);

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('openapi.json lint', () => {
  it('passes Redocly recommended: no error, and only the warnings redocly.yaml accepts', () => {
    const accepted = Object.entries(redoclyRules())
      .filter(([, severity]) => severity === 'warn')
      .map(([rule]) => rule);
    const failures = redocly.problems
      .filter((problem) => problem.severity === 'error' || !accepted.includes(problem.ruleId))
      .map(
        (problem) =>
          `${problem.severity} ${problem.ruleId} ${problem.location[0]?.pointer}: ${problem.message}`,
      );
    expect(failures).toEqual([]);
  });

  it('passes Spectral with the OWASP ruleset: no error, and only the warnings .spectral.mjs accepts', () => {
    const accepted = Object.entries(spectral.rules)
      .filter(([, severity]) => severity === 'warn')
      .map(([rule]) => rule);
    const failures = owasp
      .filter((result) => result.severity === 0 || (result.severity === 1 && !accepted.includes(result.code)))
      .map(
        (result) =>
          `${result.severity === 0 ? 'error' : 'warning'} ${result.code} #/${result.path.join('/')}: ${result.message}`,
      );
    expect(failures).toEqual([]);
  });

  it('keeps the OWASP rules on outside the listed operations (a public write, an unbounded string)', () => {
    const codes = new Set(
      canaryReport.filter((result) => result.severity === 0).map((result) => result.code),
    );
    expect(codes).toContain('owasp:api2:2023-write-restricted');
    expect(codes).toContain('owasp:api4:2023-string-limit');
    expect(codes).toContain('owasp:api8:2023-define-error-validation');
    // Off everywhere: the service sends no rate-limit headers.
    expect(codes).not.toContain('owasp:api4:2023-rate-limit');
  });

  it('lists every rule the configs change, every operation excepted and every problem ignored, in docs/api.md', () => {
    const section = lintSection();
    const ignored = redoclyIgnored();
    expect(ignored.pointers.length).toBeGreaterThanOrEqual(ignored.rules.length);
    const named = [
      ...Object.keys(redoclyRules()),
      ...ignored.rules,
      ...ignored.pointers,
      ...Object.keys(spectral.rules),
      ...spectral.overrides.flatMap((override) => Object.keys(override.rules)),
      ...spectral.overrides.flatMap((override) => override.files.map(operationOf)),
    ];
    expect(named.length).toBeGreaterThan(0);
    expect([...new Set(named)].filter((name) => !section.includes(`\`${name}\``))).toEqual([]);
  });

  it('excepts only operations, and ignores only places, the document has (no stale exception)', () => {
    const document = JSON.parse(readFileSync(path.join(root, 'openapi.json'), 'utf8')) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const operations = spectral.overrides.flatMap((override) => override.files.map(operationOf));
    expect(
      operations.filter((operation) => {
        const [method, template] = operation.split(' ');
        return !document.paths[template ?? '']?.[method?.toLowerCase() ?? ''];
      }),
    ).toEqual([]);
    const at = (pointer: string) =>
      pointer
        .slice(2)
        .split('/')
        .map((token) => token.replaceAll('~1', '/').replaceAll('~0', '~'))
        .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], document);
    expect(redoclyIgnored().pointers.filter((pointer) => at(pointer) === undefined)).toEqual([]);
  });
});
