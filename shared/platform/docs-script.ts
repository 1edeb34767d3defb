/**
 * The script of the API reference page (`GET /docs`), as it is stored: Scalar's classic browser bundle
 * (`@scalar/api-reference`, `dist/browser/standalone.js`: the UMD build that registers `window.Scalar` and is
 * loaded by `<script src>`, one file, no chunks), gzip-compressed here once and stored with
 * `Content-Encoding: gzip`. S3 serves an object's bytes as stored and never compresses, so this is what keeps the
 * download at ~1.2 MB instead of ~4.3 MB; every browser sends `Accept-Encoding: gzip` and decodes it.
 *
 * Build time only: the api stack deploys it to the docs assets bucket (`lib/constructs/docs-assets.ts`) and the
 * local stack uploads it to s3rver (`scripts/local/provision.ts`). No function imports this module; the docs
 * function learns the key from `DOCS_SCRIPT_KEY` (grant `docs:read`).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

/** The installed package, from the repository root (this file is `shared/platform/docs-script.ts`). */
const packageDir = new URL('../../node_modules/@scalar/api-reference/', import.meta.url);

/** The stored object and the metadata S3 serves it with. */
export interface DocsScript {
  /** `@scalar/api-reference` version (from its package.json). */
  readonly version: string;
  /** Key prefix of the version, `docs/scalar/<version>/`: a new version gets a new key, so caches never mix. */
  readonly prefix: string;
  readonly fileName: 'standalone.js';
  /** `<prefix><fileName>`: the object the docs function presigns. */
  readonly key: string;
  /** The bundle, gzip level 9. Deterministic (the gzip header carries no time), so the CDK asset hash is stable. */
  readonly body: Buffer;
  /** Hex MD5 of `body`: the ETag S3 (and s3rver) give a single-part upload, to skip an upload that is there. */
  readonly md5: string;
  readonly contentType: 'text/javascript; charset=utf-8';
  readonly contentEncoding: 'gzip';
  /** The key changes with the version, so the bytes at a key never change: cacheable for a year. */
  readonly cacheControl: 'public, max-age=31536000, immutable';
}

let cached: DocsScript | undefined;

/**
 * The script to store (read and compressed once per process, ~120 ms).
 * @throws Error when `@scalar/api-reference` is not installed (it is a devDependency: `npm ci`)
 */
export function docsScript(): DocsScript {
  if (cached) return cached;
  const { version } = JSON.parse(readFileSync(new URL('package.json', packageDir), 'utf8')) as {
    version: string;
  };
  const body = gzipSync(readFileSync(new URL('dist/browser/standalone.js', packageDir)), { level: 9 });
  const prefix = `docs/scalar/${version}/`;
  cached = {
    version,
    prefix,
    fileName: 'standalone.js',
    key: `${prefix}standalone.js`,
    body,
    md5: createHash('md5').update(body).digest('hex'),
    contentType: 'text/javascript; charset=utf-8',
    contentEncoding: 'gzip',
    cacheControl: 'public, max-age=31536000, immutable',
  };
  return cached;
}
