/**
 * `GET /docs`: the API reference page. A person reads the OpenAPI document (`/openapi.json`, same origin) in
 * Scalar (`@scalar/api-reference`) and sends requests from it (Scalar's API client, `fetch` to this origin).
 *
 * No third-party host at run time: Scalar's browser bundle (4.3 MB, far over a function bundle's 500 KiB) is an
 * object of the docs assets bucket (`shared/platform/docs-script.ts`), loaded through a presigned GET URL that
 * this module signs per request (SigV4 query signing, `shared/platform/s3-signing.ts`: no network call, no SDK
 * client). Fonts stay the browser's (`withDefaultFonts: false`); telemetry, the AI agent, the MCP generator, the
 * developer tools and the hosted-client link are off; no proxy is set (requests go straight from the browser).
 *
 * The Content-Security-Policy (CSP Level 3) enforces that:
 * - `script-src`: the script's own URL (origin and path; a path source ignores the query string) and the
 *   per-request nonce of the two inline scripts (zod's setting and Scalar's configuration, {@link docsPageHtml});
 *   no `'unsafe-eval'`;
 * - `style-src 'unsafe-inline'`: Scalar writes its styles into `<style>` elements and `style` attributes from the
 *   bundle (the CSS is inside the JS); inline only, no stylesheet from any host. A nonce cannot replace it: some
 *   of Scalar's elements carry no nonce, and a nonce in `style-src` would switch `'unsafe-inline'` off;
 * - `connect-src 'self'`: the document and every tried request go to this API only;
 * - `img-src 'self' data:` (inline icons), nothing else from anywhere (`default-src 'none'`), no `<base>`, no form
 *   posts, no framing.
 */
import { randomBytes } from 'node:crypto';
import type { HttpResponse } from '#shared/platform/http/responses.ts';
import { presignGetObject } from '#shared/platform/s3-signing.ts';

/**
 * Presigned URLs are signed at the start of the current window of this many seconds, so every page served in
 * the same window carries the very same URL and the browser's cache (the object is `immutable`) serves repeat
 * visits without downloading the bundle again.
 */
export const DOCS_SCRIPT_URL_WINDOW_SECONDS = 300;
/**
 * Lifetime of a presigned URL from its signing time, seconds: at least `DOCS_SCRIPT_URL_EXPIRES_SECONDS -
 * DOCS_SCRIPT_URL_WINDOW_SECONDS` (5 minutes) left when a page is served, plenty for the browser to fetch it. (A
 * URL signed with temporary credentials also stops working when they expire: Lambda's last for hours.)
 */
export const DOCS_SCRIPT_URL_EXPIRES_SECONDS = 600;

/** Where the script is: `DOCS_BUCKET` and `DOCS_SCRIPT_KEY` (set for routes with the `docs:read` grant). */
export interface DocsScriptLocation {
  readonly bucket: string;
  readonly key: string;
}

/** @throws Error naming a missing variable */
export function docsScriptLocation(env: NodeJS.ProcessEnv = process.env): DocsScriptLocation {
  const bucket = env.DOCS_BUCKET;
  const key = env.DOCS_SCRIPT_KEY;
  if (!bucket) throw new Error('Missing environment variable DOCS_BUCKET');
  if (!key) throw new Error('Missing environment variable DOCS_SCRIPT_KEY');
  return { bucket, key };
}

/** The start of the signing window `now` falls in (whole seconds, as `X-Amz-Date` has). */
export function signingWindowStart(now: Date): Date {
  const windowMs = DOCS_SCRIPT_URL_WINDOW_SECONDS * 1000;
  return new Date(Math.floor(now.valueOf() / windowMs) * windowMs);
}

/**
 * A presigned GET URL of the script, signed at the start of the current window and valid
 * {@link DOCS_SCRIPT_URL_EXPIRES_SECONDS} seconds from then.
 * @throws Error when the location, the credentials or the region cannot be resolved
 */
export function docsScriptUrl(location: DocsScriptLocation, now = new Date()): Promise<string> {
  return presignGetObject(location.bucket, location.key, {
    expiresIn: DOCS_SCRIPT_URL_EXPIRES_SECONDS,
    signingDate: signingWindowStart(now),
  });
}

/**
 * Scalar's configuration (`@scalar/types` `ApiReferenceConfiguration`, checked against the 1.72 schema in
 * `@scalar/schemas`): the document of this deployment, and every feature that would call scalar.com off.
 */
export const scalarConfiguration = {
  url: '/openapi.json',
  /** Default true: would load Inter and JetBrains Mono from fonts.scalar.com. */
  withDefaultFonts: false,
  telemetry: false,
  /** "Ask AI" (api.scalar.com) and "Generate MCP" (dashboard.scalar.com). */
  agent: { disabled: true },
  mcp: { disabled: true },
  /** Configure/Share/Deploy links to scalar.com. */
  showDeveloperTools: 'never',
  /**
   * The sidebar's "Open API Client" link hands the document's URL to client.scalar.com; "Test Request" on each
   * operation (the in-page client, same origin) stays.
   */
  hideClientButton: true,
  /** Tokens typed into the client stay in memory, not in localStorage. */
  persistAuth: false,
  documentDownloadType: 'json',
} as const;

/** `&`, `<`, `>`, `"` and `'` as character references, for text and double-quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(
    /[&<>"']/g,
    (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char] as string,
  );
}

/**
 * The `script-src` source of the script: its origin and path, percent-encoded as in the URL (CSP matches a path
 * source exactly, ignoring the query, so no other object of that host may run).
 * @throws TypeError when `scriptUrl` is not an absolute URL
 */
export function scriptSource(scriptUrl: string): string {
  const url = new URL(scriptUrl);
  return `${url.origin}${url.pathname}`;
}

/** The page's Content-Security-Policy for one response. */
export function docsContentSecurityPolicy(scriptUrl: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}' ${scriptSource(scriptUrl)}`,
    "style-src 'unsafe-inline'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * The HTML of the page. Two inline scripts, both with the nonce:
 * - before the bundle, zod's configuration `{ jitless: true }` ("Disable JIT schema compilation. Useful in
 *   environments that disallow `eval`", zod's `$ZodConfig`): zod, inside Scalar's bundle, otherwise probes
 *   `Function('')` once to choose compiled parsers, which this CSP refuses (a `script-src` violation report). zod
 *   keeps its configuration on `globalThis.__zod_globalConfig` (what `z.config()` writes), so setting it before the
 *   bundle runs is the same as calling `z.config` first;
 * - after the bundle, Scalar's start with {@link scalarConfiguration} (JSON, `<` escaped so no value can end the
 *   element). When the bundle did not load (an expired URL after a long pause, a blocked request), the page says
 *   so and names the document instead.
 */
export function docsPageHtml(scriptUrl: string, nonce: string): string {
  const configuration = JSON.stringify(scalarConfiguration).replaceAll('<', '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta property="csp-nonce" content="${escapeHtml(nonce)}">
<title>Help desk API reference</title>
<link rel="icon" href="data:,">
</head>
<body>
<noscript>This page needs JavaScript. The API description itself is at <a href="/openapi.json">/openapi.json</a>.</noscript>
<div id="app"></div>
<script nonce="${escapeHtml(nonce)}">globalThis.__zod_globalConfig = { jitless: true };</script>
<script src="${escapeHtml(scriptUrl)}"></script>
<script nonce="${escapeHtml(nonce)}">
if (window.Scalar) {
  window.Scalar.createApiReference('#app', ${configuration});
} else {
  document.getElementById('app').textContent =
    'The reference viewer could not be loaded: reload the page. The API description is at /openapi.json.';
}
</script>
</body>
</html>
`;
}

/**
 * The page response: HTML with its CSP, never cached (the nonce and the URL are per response), no referrer sent
 * to S3, no framing.
 * @throws Error when the location, the credentials or the region cannot be resolved
 */
export async function docsPageResponse(
  location: DocsScriptLocation = docsScriptLocation(),
  now = new Date(),
): Promise<HttpResponse> {
  const scriptUrl = await docsScriptUrl(location, now);
  const nonce = randomBytes(18).toString('base64');
  return {
    statusCode: 200,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': docsContentSecurityPolicy(scriptUrl, nonce),
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
    },
    body: docsPageHtml(scriptUrl, nonce),
  };
}
