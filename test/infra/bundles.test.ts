/**
 * Dependency boundaries of the Lambda bundles (esbuild metafiles, the bundler NodejsFunction uses): what a function
 * imports is what its cold start pays for. And the size budget of every deployed function (issue 6): its bundle,
 * built with the very flags CDK uses (`bundleOptions` of `scripts/bench/bundles.ts`), at most 500 KiB minified and
 * 160 KiB gzipped. The import-time init budget is timing, so `npm run bench` reports it instead of a test.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { notFoundFallback } from '#shared/platform/routes.ts';
import { routes } from '#shared/routes.ts';
import { benchFunctions, budgets, bundleOptions } from '../../scripts/bench/bundles.ts';

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

  it('keeps the $default route’s not-found function free of the AWS SDK and of Powertools', async () => {
    const inputs = await bundledPackages(notFoundFallback.entry);
    expect(inputs.some((input) => input.includes('node_modules/@aws-sdk/'))).toBe(false);
    expect(inputs.some((input) => input.includes('node_modules/@aws-lambda-powertools/'))).toBe(false);
  });

  it('keeps the docs page free of SDK clients: it only signs (signature-v4 and the credential chain)', async () => {
    const inputs = await bundledPackages('functions/docs/get.ts');
    expect(uses(inputs, '@aws-sdk/client-s3')).toBe(false);
    expect(uses(inputs, '@aws-sdk/client-dynamodb')).toBe(false);
    expect(uses(inputs, '@smithy/signature-v4')).toBe(true);
    expect(inputs.some((input) => input.includes('@scalar/'))).toBe(false);
  });

  it('loads Powertools idempotency only in the routes that honour Idempotency-Key', async () => {
    for (const route of routes) {
      const inputs = await bundledPackages(route.entry);
      const marked = route.idempotent === true;
      expect([route.id, uses(inputs, '@aws-lambda-powertools/idempotency')]).toEqual([route.id, marked]);
    }
  });
});

describe('the credential chain of the deployed bundles', () => {
  it('is the environment variables Lambda sets: no ini, SSO, web identity or metadata providers are bundled', async () => {
    const result = await build({
      ...bundleOptions(),
      entryPoints: ['functions/notifications/on-delivery.ts'],
      outfile: 'index.mjs',
      write: false,
      metafile: true,
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs).toContain('lib/bundling/lambda-credentials.ts');
    for (const provider of [
      'credential-provider-ini',
      'credential-provider-sso',
      'credential-provider-web-identity',
    ])
      expect([provider, uses(inputs, `@aws-sdk/${provider}`)]).toEqual([provider, false]);
    expect(uses(inputs, '@aws-sdk/nested-clients')).toBe(false);
    expect(uses(inputs, '@aws-sdk/credential-provider-env')).toBe(true);
  });

  it('gives a bundled client the credentials of the environment, and fails without them', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'credentials-bundle-'));
    try {
      const outfile = path.join(dir, 'index.mjs');
      await build({
        ...bundleOptions(),
        stdin: {
          contents: `import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
export const credentials = () => new DynamoDBClient({ region: 'us-east-1' }).config.credentials();`,
          resolveDir: process.cwd(),
          loader: 'ts',
        },
        outfile,
      });
      const bundle = (await import(pathToFileURL(outfile).href)) as { credentials: () => Promise<unknown> };
      const saved = { ...process.env };
      try {
        Object.assign(process.env, {
          AWS_ACCESS_KEY_ID: 'AKIDBUNDLETEST',
          AWS_SECRET_ACCESS_KEY: 'bundle-secret',
          AWS_SESSION_TOKEN: 'bundle-token',
        });
        await expect(bundle.credentials()).resolves.toMatchObject({
          accessKeyId: 'AKIDBUNDLETEST',
          secretAccessKey: 'bundle-secret',
          sessionToken: 'bundle-token',
        });
        delete process.env.AWS_ACCESS_KEY_ID;
        delete process.env.AWS_SECRET_ACCESS_KEY;
        await expect(bundle.credentials()).rejects.toThrow(/environment/i);
      } finally {
        process.env = saved;
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('bundle size budget', () => {
  // The bench's functions (route rows, event sources), plus the $default route's function.
  it.each([...benchFunctions.map((fn) => [fn.id, fn.entry]), [notFoundFallback.id, notFoundFallback.entry]])(
    `%s stays within ${budgets.minifiedKiB} KiB minified and ${budgets.gzipKiB} KiB gzip`,
    async (_id, entry) => {
      const result = await build({
        ...bundleOptions(),
        entryPoints: [entry],
        outfile: 'index.mjs',
        write: false,
      });
      const code = result.outputFiles.find((file) => file.path.endsWith('index.mjs'));
      expect(code).toBeDefined();
      const kib = (bytes: number) => Math.round((bytes / 1024) * 10) / 10;
      const size = {
        minifiedKiB: kib(code?.contents.byteLength ?? Number.NaN),
        gzipKiB: kib(gzipSync(code?.contents ?? new Uint8Array(), { level: 9 }).byteLength),
      };
      expect(size.minifiedKiB).toBeLessThanOrEqual(budgets.minifiedKiB);
      expect(size.gzipKiB).toBeLessThanOrEqual(budgets.gzipKiB);
    },
  );
});
