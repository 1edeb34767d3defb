import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as z from 'zod/mini';
import { decodeCursor, encodeCursor } from '#shared/platform/cursor.ts';
import { problemOf as mapProblem, Problem } from '#shared/platform/http/problem.ts';
import { publicRoute, readBody, route, validate } from '#shared/platform/http/route.ts';
import type { Route } from '#shared/platform/route-table.ts';
import { builtInRoles } from '#shared/roles/roles.ts';
import { CreateTicketBody, UpdateTicketBody } from '#shared/tickets/schemas.ts';
import type { UserItem } from '#shared/users/user.entity.ts';

/** The profiles the actor resolver reads (the table is faked: one GetItem per request in the real thing). */
const { profiles, findUser } = vi.hoisted(() => {
  const profiles = new Map<string, unknown>();
  return { profiles, findUser: vi.fn(async (userId: string, _options?: unknown) => profiles.get(userId)) };
});
vi.mock('#shared/users/profiles.ts', () => ({ findUser, findUsers: vi.fn() }));

const profile = (userId: string, role: string, extra: Partial<UserItem> = {}): UserItem => ({
  userId,
  email: `${userId}@example.com`,
  name: userId,
  role,
  smsOptIn: false,
  createdAt: '2024-01-01T00:00:00.000Z',
  ...extra,
});

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

describe('the actor of a request', () => {
  const probe = (permission: Route['permission'], grants: Route['grants'] = ['table:read']) =>
    route(
      {
        id: 'Probe',
        method: 'GET',
        path: '/probe',
        entry: 'functions/probe.ts',
        permission,
        summary: 'probe',
        success: { status: 200, description: 'ok' },
        grants,
      },
      async ({ actor }) => ({ statusCode: 200, body: JSON.stringify(actor ?? null) }),
    );
  const context = { getRemainingTimeInMillis: () => 1000 } as never;
  const withClaims = (claims?: Record<string, unknown>) =>
    event({ requestContext: claims ? { authorizer: { jwt: { claims } } } : {} });
  const now = Math.floor(Date.now() / 1000);

  beforeEach(() => {
    profiles.clear();
    findUser.mockClear();
  });

  it('answers 401 without a sub, without a profile, for a disabled user and for a token older than a logout', async () => {
    const handler = probe('signed-in');
    expect((await handler(withClaims(), context)).statusCode).toBe(401);
    expect((await handler(withClaims({ sub: 'ghost', iat: String(now) }), context)).statusCode).toBe(401);
    profiles.set('gone', profile('gone', 'agent', { disabled: true }));
    const disabled = await handler(withClaims({ sub: 'gone', iat: String(now) }), context);
    expect([disabled.statusCode, JSON.parse(String(disabled.body)).detail]).toEqual([
      401,
      'This account is disabled.',
    ]);
    const loggedOutAt = new Date((now - 60) * 1000 + 400).toISOString();
    profiles.set('out', profile('out', 'requester', { sessionsRevokedAt: loggedOutAt }));
    // Issued before the logout, and in the same second: refused; issued a second later: accepted.
    expect((await handler(withClaims({ sub: 'out', iat: String(now - 120) }), context)).statusCode).toBe(401);
    expect((await handler(withClaims({ sub: 'out', iat: String(now - 60) }), context)).statusCode).toBe(401);
    expect((await handler(withClaims({ sub: 'out', iat: String(now - 59) }), context)).statusCode).toBe(200);
    expect(findUser).toHaveBeenCalledWith('out', { consistent: true });
  });

  it('takes the role from the profile, not from the group claim, and answers 403 when it lacks the permission', async () => {
    const handler = probe('canManageUsers');
    profiles.set('u1', profile('u1', 'agent'));
    const forged = await handler(
      withClaims({ sub: 'u1', 'cognito:groups': '[admin]', iat: String(now) }),
      context,
    );
    expect(forged.statusCode).toBe(403);
    profiles.set('u2', profile('u2', 'admin'));
    const admin = await handler(
      withClaims({ sub: 'u2', 'cognito:groups': '[requester]', iat: String(now) }),
      context,
    );
    expect(admin.statusCode).toBe(200);
    expect(JSON.parse(String(admin.body))).toEqual({
      userId: 'u2',
      role: 'admin',
      permissions: builtInRoles.admin,
    });
  });

  it('refuses, when the module loads, a row behind the authorizer without table:read or served without the resolver', () => {
    expect(() => probe('signed-in', [])).toThrow(/table:read/);
    expect(() => probe('public', [])).not.toThrow();
    const row = {
      id: 'Probe',
      method: 'GET',
      path: '/probe',
      entry: 'functions/probe.ts',
      permission: 'signed-in',
      summary: 'probe',
      success: { status: 200, description: 'ok' },
      grants: ['table:read'],
    } as const;
    expect(() =>
      publicRoute(row as unknown as Route & { permission: 'public' }, async () => ({ statusCode: 200 })),
    ).toThrow(/route\(\)/);
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
        'application/x-www-form-urlencoded',
      ),
    ).toEqual({ decision: 'reject', reason: 'too pricey' });
    expect(
      readBody(event({ body: Buffer.from('{"b":2}').toString('base64'), isBase64Encoded: true })),
    ).toEqual({ b: 2 });
  });

  it('answers 400 for broken JSON and 415 for other media types', () => {
    expect(problemOf(() => readBody(event({ body: '{nope' }))).status).toBe(400);
    const form = { body: 'a=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } };
    expect(problemOf(() => readBody(event(form))).status).toBe(415);
    expect(
      problemOf(() => readBody(event({ body: '{"a":1}' }), 'application/x-www-form-urlencoded')).status,
    ).toBe(415);
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

  it('rejects an altered cursor or one from another scope (422: well-formed, but not a cursor it can use)', () => {
    const cursor = encodeCursor('position-1', 'tickets:requester:a') as string;
    const [payload, signature] = cursor.split('.');
    const forged = `${Buffer.from(JSON.stringify({ p: 'position-2', s: 'tickets:requester:a' })).toString('base64url')}.${signature}`;
    expect(problemOf(() => decodeCursor(forged, 'tickets:requester:a')).status).toBe(422);
    expect(problemOf(() => decodeCursor(cursor, 'tickets:requester:b')).status).toBe(422);
    expect(problemOf(() => decodeCursor(`${payload}`, 'tickets:requester:a')).status).toBe(422);
  });
});
