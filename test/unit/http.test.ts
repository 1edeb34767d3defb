import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { decodeCursor, encodeCursor } from '#shared/platform/cursor.ts';
import { problemOf as mapProblem, Problem } from '#shared/platform/http/problem.ts';
import { readBody, route, validate } from '#shared/platform/http/route.ts';
import { actorFromClaims, parseGroupsClaim } from '#shared/roles/actor.ts';
import { CreateTicketBody, UpdateTicketBody } from '#shared/tickets/schemas.ts';

const event = (overrides: Record<string, unknown>) =>
  ({ headers: {}, requestContext: {}, ...overrides }) as unknown as Parameters<typeof readBody>[0];

/** The problem an operation or an HTTP helper answers with (domain errors mapped as the route wrapper maps them). */
function problemOf(fn: () => unknown): Problem {
  try {
    fn();
  } catch (error) {
    const problem = mapProblem(error);
    if (problem) return problem;
    throw error;
  }
  throw new Error('expected a Problem');
}

describe('claims', () => {
  it('parses the HTTP API rendering of array claims and JSON arrays', () => {
    expect(parseGroupsClaim('[admin agent]')).toEqual(['admin', 'agent']);
    expect(parseGroupsClaim('["agent"]')).toEqual(['agent']);
    expect(parseGroupsClaim(['requester'])).toEqual(['requester']);
    expect(parseGroupsClaim(undefined)).toEqual([]);
  });

  it('takes the most privileged group as the role', () => {
    const actor = actorFromClaims({ sub: 'u1', 'cognito:groups': '[requester agent]' });
    expect(actor).toMatchObject({ userId: 'u1', role: 'agent', permissions: { canViewAll: true } });
  });

  it('answers 401 when the claims are missing, and 403 when the role lacks the route permission', async () => {
    expect(actorFromClaims(undefined)).toBeUndefined();
    const handler = route(
      {
        id: 'Probe',
        method: 'GET',
        path: '/probe',
        entry: 'functions/probe.ts',
        permission: 'canManageUsers',
        summary: 'probe',
        success: { status: 200, description: 'ok' },
        grants: [],
      },
      async () => ({ statusCode: 200, body: '' }),
    );
    const context = { getRemainingTimeInMillis: () => 1000 } as never;
    const withClaims = (claims?: Record<string, unknown>) =>
      event({ requestContext: claims ? { authorizer: { jwt: { claims } } } : {} });
    expect((await handler(withClaims(), context)).statusCode).toBe(401);
    expect((await handler(withClaims({ sub: 'u1', 'cognito:groups': '[agent]' }), context)).statusCode).toBe(
      403,
    );
    expect((await handler(withClaims({ sub: 'u2', 'cognito:groups': '[admin]' }), context)).statusCode).toBe(
      200,
    );
  });
});

describe('validation', () => {
  it('lists every failing field as a JSON pointer', () => {
    const problem = problemOf(() => validate(CreateTicketBody, { title: '', priority: 'whenever' }, 'body'));
    expect(problem.status).toBe(400);
    const pointers = (problem.extensions.errors as { pointer: string }[])
      .map((error) => error.pointer)
      .sort();
    expect(pointers).toEqual(['/description', '/priority', '/title']);
  });

  it('rejects unknown fields so typos are not silently ignored', () => {
    const problem = problemOf(() =>
      validate(CreateTicketBody, { title: 't', description: 'd', priorty: 'high' }, 'body'),
    );
    expect(problem.extensions.errors).toEqual([expect.objectContaining({ in: 'body', pointer: '/priorty' })]);
  });

  it('accepts emergency as urgent and applies defaults', () => {
    expect(
      validate(CreateTicketBody, { title: 't', description: 'd', priority: 'emergency' }, 'body'),
    ).toMatchObject({
      priority: 'urgent',
      type: 'question',
    });
  });

  it('refuses an empty update', () => {
    expect(problemOf(() => validate(UpdateTicketBody, {}, 'body')).status).toBe(400);
  });

  it('limits titles to 120 characters', () => {
    expect(() => validate(CreateTicketBody, { title: 'x'.repeat(121), description: 'd' }, 'body')).toThrow(
      Problem,
    );
    expect(validate(z.object({ n: z.coerce.number() }), { n: '3' }, 'query')).toEqual({ n: 3 });
  });
});

describe('bodies', () => {
  it('reads JSON, forms and base64 bodies', () => {
    expect(readBody(event({ body: '{"a":1}' }))).toEqual({ a: 1 });
    expect(
      readBody(
        event({
          body: 'decision=reject&reason=too+pricey',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        }),
      ),
    ).toEqual({ decision: 'reject', reason: 'too pricey' });
    expect(
      readBody(event({ body: Buffer.from('{"b":2}').toString('base64'), isBase64Encoded: true })),
    ).toEqual({ b: 2 });
  });

  it('answers 400 for broken JSON and 415 for other media types', () => {
    expect(problemOf(() => readBody(event({ body: '{nope' }))).status).toBe(400);
    expect(
      problemOf(() => readBody(event({ body: 'x', headers: { 'content-type': 'text/plain' } }))).status,
    ).toBe(415);
  });
});

describe('cursors', () => {
  const saved = process.env.CURSOR_SIGNING_KEY;
  beforeEach(() => {
    process.env.CURSOR_SIGNING_KEY = 'test-key';
  });
  afterEach(() => {
    process.env.CURSOR_SIGNING_KEY = saved;
  });

  it('round-trips within its scope', () => {
    const cursor = encodeCursor('position-1', 'tickets:all');
    expect(cursor).not.toContain('position-1');
    expect(decodeCursor(cursor ?? undefined, 'tickets:all')).toBe('position-1');
    expect(encodeCursor(null, 'tickets:all')).toBeNull();
  });

  it('rejects an altered cursor or one from another scope', () => {
    const cursor = encodeCursor('position-1', 'tickets:requester:a') as string;
    const [payload, signature] = cursor.split('.');
    const forged = `${Buffer.from(JSON.stringify({ p: 'position-2', s: 'tickets:requester:a' })).toString('base64url')}.${signature}`;
    expect(problemOf(() => decodeCursor(forged, 'tickets:requester:a')).status).toBe(400);
    expect(problemOf(() => decodeCursor(cursor, 'tickets:requester:b')).status).toBe(400);
    expect(problemOf(() => decodeCursor(`${payload}`, 'tickets:requester:a')).status).toBe(400);
  });
});
