/**
 * The contract check the integration tests' HTTP clients run on every response (`test/support/contract.ts`),
 * against real entries of `openapi.json`, and the typed client (`client/`) with that check as middleware, against
 * a local HTTP server that answers like the API, once by the document and once not.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHelpdeskClient, problemOf } from '../../client/index.ts';
import { apiClient } from '../support/api-client.ts';
import {
  apiPathOf,
  assertApiResponse,
  contractMiddleware,
  contractViolations,
  openApiDocument,
} from '../support/contract.ts';

const problemJson = 'application/problem+json';
const notFound = {
  type: '/problems/not-found',
  title: 'Not found',
  status: 404,
  detail: 'The ticket was not found.',
};
const tooMany = {
  type: '/problems/too-many-requests',
  title: 'Too many requests',
  status: 429,
  detail: 'Wait.',
};
const text = JSON.stringify;

describe('contract check, by the entries of openapi.json', () => {
  it('uses the document: GET /tickets/{ticketId} lists 404 as a problem, GET /health does not list 403', () => {
    const ticket = openApiDocument.paths['/tickets/{ticketId}']?.get;
    expect(Object.keys(ticket?.responses['404']?.content ?? {})).toContain(problemJson);
    expect(openApiDocument.paths['/health']?.get?.responses['403']).toBeUndefined();
  });

  it('accepts a documented status with a body its schema accepts', () => {
    expect(contractViolations('GET', '/tickets/01ABC', 404, problemJson, text(notFound))).toEqual([]);
    // The query is no part of the path template.
    expect(contractViolations('GET', '/tickets/01ABC?x=1', 404, problemJson, text(notFound))).toEqual([]);
  });

  it('refuses a status the operation does not document, naming the route and the statuses it has', () => {
    const violations = contractViolations('GET', '/health', 403, problemJson, text(notFound));
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatch(/^GET \/health → 403: status not documented \(documented: 200, .*429/);
  });

  it('refuses a body without a required field, or whose problem status is not the HTTP status', () => {
    const { title: _title, ...untitled } = notFound;
    expect(contractViolations('GET', '/tickets/01ABC', 404, problemJson, text(untitled))).toContainEqual(
      expect.stringMatching(/^GET \/tickets\/\{ticketId\} → 404: body must have required property 'title'/),
    );
    const otherStatus = { ...notFound, status: 400 };
    expect(contractViolations('GET', '/tickets/01ABC', 404, problemJson, text(otherStatus))).not.toEqual([]);
    expect(contractViolations('GET', '/tickets/01ABC', 404, problemJson, 'not json')).toEqual([
      'GET /tickets/{ticketId} → 404: body is not JSON: not json',
    ]);
  });

  it('refuses a content type the status does not document (parameters and case aside)', () => {
    expect(contractViolations('GET', '/tickets/01ABC', 404, 'application/json', text(notFound))).toEqual([
      expect.stringMatching(/→ 404: content type application\/json not documented/),
    ]);
    expect(contractViolations('GET', '/tickets/01ABC', 404, null, text(notFound))).toEqual([
      expect.stringMatching(/content type \(none\) not documented/),
    ]);
    const withCharset = 'Application/Problem+JSON; charset=utf-8';
    expect(contractViolations('GET', '/tickets/01ABC', 404, withCharset, text(notFound))).toEqual([]);
  });

  it("accepts the JWT authorizer's own 401 { message } on an authenticated route", () => {
    const unauthorized = text({ message: 'Unauthorized' });
    expect(contractViolations('GET', '/me', 401, 'application/json', unauthorized)).toEqual([]);
    expect(contractViolations('GET', '/me', 401, 'application/json', text({ error: 'no' }))).not.toEqual([]);
  });

  it('refuses a body on a response documented without one (204)', () => {
    expect(contractViolations('DELETE', '/tickets/01ABC', 204, null, '')).toEqual([]);
    expect(contractViolations('DELETE', '/tickets/01ABC', 204, 'application/json', '{}')).toEqual([
      'DELETE /tickets/{ticketId} → 204: documented without a body, but has one (application/json)',
    ]);
  });

  it('checks documented headers when given: Retry-After on a 429 is a number of seconds', () => {
    const check = (retryAfter: string) =>
      contractViolations(
        'GET',
        '/tickets/01ABC',
        429,
        problemJson,
        text(tooMany),
        new Headers({ 'retry-after': retryAfter }),
      );
    expect(check('5')).toEqual([]);
    expect(check('soon')).toEqual([expect.stringMatching(/→ 429: header Retry-After "soon" /)]);
    expect(check('7200')).toEqual([expect.stringMatching(/→ 429: header Retry-After "7200" /)]);
  });

  it('checks what no operation answers: the $default route 404 problem+json not-found; OPTIONS → 204', () => {
    const noRoute = text({ ...notFound, detail: 'No route answers GET /nope.' });
    expect(contractViolations('GET', '/nope', 404, problemJson, noRoute)).toEqual([]);
    expect(contractViolations('DELETE', '/health', 404, problemJson, noRoute)).toEqual([]);
    expect(contractViolations('GET', '/nope', 200, 'application/json', '{}')).toEqual([
      expect.stringMatching(/^GET \/nope → 200: application\/json; no operation in the document/),
    ]);
    const gatewayOwn = text({ message: 'Not Found' });
    expect(contractViolations('GET', '/nope', 404, 'application/json', gatewayOwn)).not.toEqual([]);
    const forbidden = text({ ...notFound, type: '/problems/forbidden', title: 'You may not do this' });
    expect(contractViolations('GET', '/nope', 404, problemJson, forbidden)).not.toEqual([]);
    expect(contractViolations('OPTIONS', '/tickets', 204, null, '')).toEqual([]);
    expect(contractViolations('OPTIONS', '/tickets', 200, 'text/plain', 'ok')).not.toEqual([]);
  });

  it("tells the API's URLs (paths, approval links) from others (presigned S3 URLs, emulators)", () => {
    const base = 'http://localhost:3000';
    expect(apiPathOf(base, '/tickets?limit=5')).toBe('/tickets?limit=5');
    expect(apiPathOf(base, `${base}/approvals/abc`)).toBe('/approvals/abc');
    expect(apiPathOf(`${base}/`, `${base}/approvals/abc`)).toBe('/approvals/abc');
    expect(apiPathOf(base, 'http://localhost:3000000/x')).toBeUndefined();
    expect(apiPathOf(base, 'http://localhost:4569/bucket/key')).toBeUndefined();
  });

  it('throws naming the request, the route, the status and the reason; other URLs pass unchecked', () => {
    const base = 'http://localhost:3000';
    const wrong = { status: 404, headers: new Headers({ 'content-type': 'application/json' }), text: '{}' };
    expect(() => assertApiResponse(base, 'get', `${base}/tickets/01ABC`, wrong)).toThrow(
      /^GET \/tickets\/01ABC: Contract violation:\n {2}GET \/tickets\/\{ticketId\} → 404: content type/,
    );
    expect(() => assertApiResponse(base, 'GET', 'http://localhost:4569/bucket/key', wrong)).not.toThrow();
  });
});

describe('clients with the contract check, against a server answering like the API', () => {
  let server: Server;
  let origin = '';
  const authorizations: (string | undefined)[] = [];

  beforeAll(async () => {
    // Under /api: the API (a documented problem for ticket "known", an undocumented body for "bad");
    // elsewhere: not the API (anything goes).
    server = createServer((request, response) => {
      authorizations.push(request.headers.authorization);
      if (request.url === '/api/tickets/known') {
        response.writeHead(404, { 'content-type': problemJson }).end(text(notFound));
      } else if (request.url === '/api/tickets/bad') {
        response.writeHead(404, { 'content-type': 'application/json' }).end(text({ error: 'gone' }));
      } else {
        response.writeHead(200, { 'content-type': 'text/plain' }).end('not the API');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('typed client: a documented error resolves with its problem; a violation rejects; the token is sent', async () => {
    const baseUrl = `${origin}/api`;
    const client = createHelpdeskClient({ baseUrl, token: () => 'token-1' });
    client.use(contractMiddleware(baseUrl));
    authorizations.length = 0;
    const known = await client.GET('/tickets/{ticketId}', { params: { path: { ticketId: 'known' } } });
    expect(known.response.status).toBe(404);
    expect(problemOf(known)).toEqual(notFound);
    expect(authorizations).toEqual(['Bearer token-1']);
    await expect(
      client.GET('/tickets/{ticketId}', { params: { path: { ticketId: 'bad' } } }),
    ).rejects.toThrow(/GET \/tickets\/bad: Contract violation:\n {2}GET \/tickets\/\{ticketId\} → 404/);
  });

  it('problemOf: undefined for a body that is not a problem', async () => {
    const client = createHelpdeskClient({ baseUrl: `${origin}/api` });
    const bad = await client.GET('/tickets/{ticketId}', { params: { path: { ticketId: 'bad' } } });
    expect(bad.error).toEqual({ error: 'gone' });
    expect(problemOf(bad)).toBeUndefined();
  });

  it('call: checks the API when on (not the URLs elsewhere); off (the bench), nothing is checked', async () => {
    const checked = apiClient(`${origin}/api`, 5_000, { contract: true });
    expect((await checked('/tickets/known')).body).toEqual(notFound);
    await expect(checked('/tickets/bad', { token: 'x' })).rejects.toThrow(
      /^GET \/tickets\/bad: Contract violation/,
    );
    expect((await checked(`${origin}/s3/bucket/key`)).text).toBe('not the API');
    const unchecked = apiClient(`${origin}/api`, 5_000);
    expect((await unchecked('/tickets/bad')).status).toBe(404);
  });
});
