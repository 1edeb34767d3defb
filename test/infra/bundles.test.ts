/**
 * Dependency boundaries of the Lambda bundles (esbuild metafiles, the bundler NodejsFunction uses): what a function
 * imports is what its cold start pays for. Sizes themselves are tracked in docs/benchmarks.md.
 */
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { routes } from '#shared/routes.ts';

async function bundledPackages(entry: string): Promise<string[]> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    mainFields: ['module', 'main'],
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  return Object.keys(result.metafile.inputs);
}

const uses = (inputs: string[], name: string) =>
  inputs.some((input) => input.includes(`node_modules/${name}/`));

describe('bundles', () => {
  it('keeps the health check free of the AWS SDK', async () => {
    const inputs = await bundledPackages('functions/health/get.ts');
    expect(uses(inputs, '@aws-sdk/client-dynamodb')).toBe(false);
    expect(inputs.some((input) => input.includes('node_modules/@aws-sdk/'))).toBe(false);
  });

  it('loads Powertools idempotency only in the routes that honour Idempotency-Key', async () => {
    for (const route of routes) {
      const inputs = await bundledPackages(route.entry);
      const marked = route.idempotent === true;
      expect([route.id, uses(inputs, '@aws-lambda-powertools/idempotency')]).toEqual([route.id, marked]);
    }
  });
});
