/**
 * `GET /docs` in a real browser: Debian's Chromium driven by playwright-core (Playwright's own browser download
 * does not work here; TOOLCHAIN.md). The page must render the reference from `/openapi.json`, let a person send a
 * request, and load nothing from any host but the local API and the local S3 endpoint (the presigned script),
 * with no Content-Security-Policy violation. Also what the gateway answers itself: 404 problem+json from the
 * `$default` route, and the JWT authorizer's 401 exactly as HTTP API sends it.
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  DOCS_SCRIPT_URL_EXPIRES_SECONDS,
  DOCS_SCRIPT_URL_WINDOW_SECONDS,
} from '#shared/platform/docs-page.ts';
import { docsScript } from '#shared/platform/docs-script.ts';
import { ensureDocsScript, localDocsBucket } from '../../scripts/local/provision.ts';
import { apiAs } from './support.ts';

const chromiumPath = '/usr/bin/chromium';
const apiUrl = inject('apiUrl');
const s3Url = inject('s3Url');

/** What a page did: the origins it requested, CSP violations (DOM events and console), script errors. */
interface PageLog {
  readonly origins: Set<string>;
  readonly violations: string[];
  readonly errors: string[];
}

/**
 * Records every `securitypolicyviolation` event of the page in `window.__cspViolations` (browser-side source: the
 * tests are type-checked without the DOM library).
 */
const recordViolations = `
  document.addEventListener('securitypolicyviolation', (event) => {
    window.__cspViolations ??= [];
    window.__cspViolations.push(event.violatedDirective + ' ' + event.blockedURI);
  });
`;

async function openDocs(
  browser: Browser,
): Promise<{ page: Page; log: PageLog; status: number; csp: string }> {
  const page = await browser.newPage();
  const log: PageLog = { origins: new Set(), violations: [], errors: [] };
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.protocol === 'http:' || url.protocol === 'https:') log.origins.add(url.origin);
    else if (url.protocol !== 'data:' && url.protocol !== 'blob:') log.origins.add(request.url());
  });
  page.on('console', (message) => {
    if (/content security policy/i.test(message.text())) log.violations.push(message.text());
  });
  page.on('pageerror', (error) => log.errors.push(error.message));
  // Injected by the browser (DevTools protocol), so the page's CSP does not apply to this listener itself.
  await page.addInitScript({ content: recordViolations });
  const response = await page.goto(`${apiUrl}/docs`);
  if (!response) throw new Error('no response for /docs');
  return {
    page,
    log,
    status: response.status(),
    csp: (await response.allHeaders())['content-security-policy'] ?? '',
  };
}

/** Waits until the locator shows (Scalar renders after the document loads), failing after 30 s. */
async function visible(locator: ReturnType<Page['locator']>): Promise<void> {
  await locator.waitFor({ state: 'visible', timeout: 30_000 });
  expect(await locator.isVisible()).toBe(true);
}

describe('GET /docs in a browser', () => {
  let browser: Browser | undefined;

  beforeAll(async () => {
    if (!existsSync(chromiumPath)) {
      throw new Error(
        `No Chromium at ${chromiumPath}. Install it as root: apt-get install -y chromium (.ci/run does this).`,
      );
    }
    browser = await chromium.launch({ executablePath: chromiumPath, args: ['--headless', '--no-sandbox'] });
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('renders the operations, sends a tried request, and talks to the API and the S3 endpoint only', async () => {
    if (!browser) throw new Error('Chromium did not start');
    const { page, log, status, csp } = await openDocs(browser);
    try {
      expect(status).toBe(200);
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("connect-src 'self'");
      expect(csp).toMatch(new RegExp(`script-src 'nonce-[A-Za-z0-9+/=]+' ${s3Url}/`));

      await visible(page.getByRole('heading', { name: 'Help desk API' }));
      await page.getByRole('link', { name: 'Tickets', exact: true }).first().click();
      await visible(page.getByText('Open a ticket').first());
      await visible(page.getByText('/tickets/{ticketId}').first());
      await visible(page.getByText('Liveness check, with links').first());

      // Try a request: the API client sends it to this origin (the document's server is `/`).
      await page
        .getByRole('link', { name: /Liveness check/ })
        .first()
        .click();
      await page
        .getByRole('button', { name: /Test Request.*get \/health/s })
        .first()
        .click();
      const sent = page.waitForResponse((response) => new URL(response.url()).pathname === '/health');
      await page
        .getByRole('button', { name: /Send get request/ })
        .first()
        .click();
      expect((await sent).status()).toBe(200);
      await visible(page.getByText('200 OK').first());

      const domViolations = (await page.evaluate('window.__cspViolations ?? []')) as string[];
      expect([...log.violations, ...domViolations]).toEqual([]);
      expect(log.errors).toEqual([]);
      expect([...log.origins].sort()).toEqual([new URL(apiUrl).origin, new URL(s3Url).origin].sort());
    } finally {
      await page.close();
    }
  }, 120_000);

  it('loads the script by a short-lived presigned URL, gzipped, from the page’s one allowed script URL', async () => {
    const response = await fetch(`${apiUrl}/docs`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-store');
    const html = await response.text();
    const src = /<script src="([^"]+)"><\/script>/.exec(html)?.[1]?.replaceAll('&amp;', '&');
    expect(src).toBeDefined();
    const scriptUrl = new URL(src as string);
    expect(scriptUrl.origin).toBe(new URL(s3Url).origin);
    expect(scriptUrl.pathname).toMatch(
      /^\/helpdesk-docs-local\/docs\/scalar\/\d+\.\d+\.\d+\/standalone\.js$/,
    );
    expect(scriptUrl.searchParams.get('X-Amz-Expires')).toBe(String(DOCS_SCRIPT_URL_EXPIRES_SECONDS));
    expect(scriptUrl.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    // Signed at the start of the current window: pages of the same window share one (cacheable) URL.
    const signedAt = Date.parse(
      (scriptUrl.searchParams.get('X-Amz-Date') ?? '').replace(
        /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/,
        '$1-$2-$3T$4:$5:$6Z',
      ),
    );
    expect(signedAt % (DOCS_SCRIPT_URL_WINDOW_SECONDS * 1000)).toBe(0);
    expect(Date.now() - signedAt).toBeLessThan(DOCS_SCRIPT_URL_WINDOW_SECONDS * 1000 + 5000);
    const nonce = /<script nonce="([^"]+)">/.exec(html)?.[1];
    expect(nonce).toMatch(/^[A-Za-z0-9+/]{24}$/);
    expect(response.headers.get('content-security-policy')).toContain(
      `script-src 'nonce-${nonce}' ${scriptUrl.origin}${scriptUrl.pathname};`,
    );

    const script = await fetch(scriptUrl, { headers: { 'accept-encoding': 'gzip' } });
    expect(script.status).toBe(200);
    expect(script.headers.get('content-encoding')).toBe('gzip');
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await script.text()).toContain('createApiReference');
  });

  it('answers as the OpenAPI document says (text/html; the typed client checks the contract)', async () => {
    const { response, data } = await apiAs().GET('/docs', { parseAs: 'text' });
    expect(response.status).toBe(200);
    expect(data).toMatch(/^<!doctype html>/);
  });

  it('uploads the script at stack start only when it is not there yet (idempotent restarts)', async () => {
    // The stack uploaded it when it started; a restart finds the same bytes (ETag = MD5) and skips the upload.
    expect(await ensureDocsScript(s3Url, localDocsBucket)).toEqual({
      key: docsScript().key,
      uploaded: false,
    });
  });
});

describe('what the gateway answers itself', () => {
  it('answers a path no route has with 404 problem+json naming the method and the path ($default route)', async () => {
    const response = await fetch(`${apiUrl}/no/such/thing?x=1`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ type: '/problems/not-found', title: 'Not found', status: 404 });
    expect(body.detail).toContain('GET /no/such/thing');
  });

  it('answers another method on a known path the same way (HTTP API routes by method and path)', async () => {
    const response = await fetch(`${apiUrl}/health`, { method: 'DELETE' });
    expect(response.status).toBe(404);
    expect(((await response.json()) as { detail: string }).detail).toContain('DELETE /health');
  });

  it('keeps the JWT authorizer’s refusal exactly as HTTP API sends it: 401 {"message":"Unauthorized"}', async () => {
    const response = await fetch(`${apiUrl}/tickets`);
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer\b/);
    expect(await response.text()).toBe('{"message":"Unauthorized"}');
  });
});
