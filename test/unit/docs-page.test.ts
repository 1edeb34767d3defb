/**
 * The API reference page (`shared/platform/docs-page.ts`) and the `$default` route's answer
 * (`functions/docs/not-found.ts`): the presigned script URL (equal to the SDK presigner's for the window's signing
 * time), the Content-Security-Policy, the HTML, and the 404 problem. The browser side is
 * `test/integration/docs-page.test.ts`.
 */
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DOCS_SCRIPT_URL_EXPIRES_SECONDS,
  docsContentSecurityPolicy,
  docsPageHtml,
  docsPageResponse,
  docsScriptLocation,
  docsScriptUrl,
  escapeHtml,
  scalarConfiguration,
  signingWindowStart,
} from '#shared/platform/docs-page.ts';
import { handler as notFound } from '../../functions/docs/not-found.ts';

const credentials = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
};
const location = {
  bucket: 'helpdesk-dev-api-docsassetsbucket-abc123',
  key: 'docs/scalar/1.72.1/standalone.js',
};
const env: Record<string, string | undefined> = {
  AWS_ACCESS_KEY_ID: credentials.accessKeyId,
  AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
  AWS_SESSION_TOKEN: undefined,
  AWS_REGION: 'us-east-1',
  AWS_PROFILE: undefined,
  AWS_ENDPOINT_URL: undefined,
  AWS_ENDPOINT_URL_S3: undefined,
  S3_FORCE_PATH_STYLE: undefined,
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};
const saved = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
function setEnv(vars: Record<string, string | undefined>): void {
  for (const [name, value] of Object.entries(vars)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
}
beforeAll(() => setEnv(env));
afterAll(() => setEnv(saved));

describe('the presigned script URL', () => {
  it('is signed at the start of the 5-minute window, so every page of a window carries the same URL', async () => {
    expect(signingWindowStart(new Date('2026-12-01T10:04:59.999Z')).toISOString()).toBe(
      '2026-12-01T10:00:00.000Z',
    );
    expect(signingWindowStart(new Date('2026-12-01T10:05:00.000Z')).toISOString()).toBe(
      '2026-12-01T10:05:00.000Z',
    );
    const first = await docsScriptUrl(location, new Date('2026-12-01T10:00:01Z'));
    const same = await docsScriptUrl(location, new Date('2026-12-01T10:04:59Z'));
    const next = await docsScriptUrl(location, new Date('2026-12-01T10:05:00Z'));
    expect(same).toBe(first);
    expect(next).not.toBe(first);
  });

  it('equals the SDK presigner’s GetObject URL for that signing time, valid 10 minutes (virtual-hosted on AWS)', async () => {
    const now = new Date('2026-12-01T10:03:27Z');
    const url = await docsScriptUrl(location, now);
    const sdk = await getSignedUrl(
      new S3Client({ region: 'us-east-1', credentials }),
      new GetObjectCommand({ Bucket: location.bucket, Key: location.key }),
      { expiresIn: DOCS_SCRIPT_URL_EXPIRES_SECONDS, signingDate: new Date('2026-12-01T10:00:00Z') },
    );
    expect(url).toBe(sdk);
    const parsed = new URL(url);
    expect(parsed.origin).toBe(`https://${location.bucket}.s3.us-east-1.amazonaws.com`);
    expect(parsed.pathname).toBe(`/${location.key}`);
    expect(parsed.searchParams.get('X-Amz-Expires')).toBe('600');
    expect(parsed.searchParams.get('X-Amz-Date')).toBe('20261201T100000Z');
  });

  it('needs DOCS_BUCKET and DOCS_SCRIPT_KEY, and names the one missing', () => {
    expect(docsScriptLocation({ DOCS_BUCKET: 'b', DOCS_SCRIPT_KEY: 'k' })).toEqual({ bucket: 'b', key: 'k' });
    expect(() => docsScriptLocation({ DOCS_SCRIPT_KEY: 'k' })).toThrow('DOCS_BUCKET');
    expect(() => docsScriptLocation({ DOCS_BUCKET: 'b' })).toThrow('DOCS_SCRIPT_KEY');
  });
});

describe('the page', () => {
  const scriptUrl = `https://${location.bucket}.s3.us-east-1.amazonaws.com/${location.key}?X-Amz-Date=1&X-Amz-Signature=ab`;

  it('allows scripts from the script’s own URL and the nonce only, connections to this origin only', () => {
    expect(docsContentSecurityPolicy(scriptUrl, 'n0nce')).toBe(
      [
        "default-src 'none'",
        `script-src 'nonce-n0nce' https://${location.bucket}.s3.us-east-1.amazonaws.com/${location.key}`,
        "style-src 'unsafe-inline'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
      ].join('; '),
    );
  });

  it('configures Scalar for this document with every scalar.com feature off', () => {
    expect(scalarConfiguration).toMatchObject({
      url: '/openapi.json',
      withDefaultFonts: false,
      telemetry: false,
      agent: { disabled: true },
      mcp: { disabled: true },
      showDeveloperTools: 'never',
      hideClientButton: true,
    });
    expect(scalarConfiguration).not.toHaveProperty('proxyUrl');
    const html = docsPageHtml(scriptUrl, 'n0nce');
    expect(html).toContain(`<script src="${escapeHtml(scriptUrl)}"></script>`);
    expect(html).toContain('X-Amz-Date=1&amp;X-Amz-Signature=ab');
    // Only the script URL names another host; the inline scripts carry the nonce.
    expect(html.match(/https?:\/\/[^\s"'<]+/g)).toEqual([escapeHtml(scriptUrl)]);
    expect(html.match(/<script[^>]*>/g)).toEqual([
      '<script nonce="n0nce">',
      `<script src="${escapeHtml(scriptUrl)}">`,
      '<script nonce="n0nce">',
    ]);
    expect(html).toContain('<meta property="csp-nonce" content="n0nce">');
    expect(html).toContain('globalThis.__zod_globalConfig = { jitless: true };');
    expect(html).toContain(`createApiReference('#app', ${JSON.stringify(scalarConfiguration)})`);
  });

  it('escapes markup in attribute values', () => {
    expect(escapeHtml(`"><script>alert('x')</script>&`)).toBe(
      '&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;',
    );
  });

  it('answers HTML with a fresh nonce per response, never cached, not frameable, no referrer', async () => {
    const first = await docsPageResponse(location);
    const second = await docsPageResponse(location);
    expect(first.statusCode).toBe(200);
    expect(first.headers).toMatchObject({
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
    });
    const nonceOf = (response: typeof first) =>
      /'nonce-([^']+)'/.exec(String(response.headers?.['content-security-policy']))?.[1];
    expect(nonceOf(first)).toMatch(/^[A-Za-z0-9+/]{24}$/);
    expect(nonceOf(second)).not.toBe(nonceOf(first));
    expect(first.body).toContain(`<script nonce="${nonceOf(first)}">`);
  });
});

describe('the $default route', () => {
  const event = (method: string, rawPath: string) =>
    ({ rawPath, requestContext: { http: { method } } }) as unknown as APIGatewayProxyEventV2;

  it('answers 404 problem+json naming the method and the path', async () => {
    const response = await notFound(event('PUT', '/tickets'));
    expect(response.statusCode).toBe(404);
    expect(response.headers?.['content-type']).toBe('application/problem+json');
    const body = JSON.parse(String(response.body)) as Record<string, unknown>;
    expect(body).toMatchObject({ type: '/problems/not-found', title: 'Not found', status: 404 });
    expect(body.detail).toMatch(/^No route answers PUT \/tickets\. /);
  });

  it('cuts a long path at 200 characters', async () => {
    const response = await notFound(event('GET', `/${'a'.repeat(500)}`));
    const { detail } = JSON.parse(String(response.body)) as { detail: string };
    expect(detail).toContain(`GET /${'a'.repeat(199)}…`);
    expect(detail).not.toContain('a'.repeat(200));
  });
});
