import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as z from 'zod/mini';
import { decodeCursor, encodeCursor } from '#shared/platform/cursor.ts';
import {
  canonicalJson,
  idempotencyPayload,
  oncePerIdempotencyKey,
  replayedHeader,
} from '#shared/platform/http/idempotency-key.ts';
import { problemOf as mapProblem, Problem } from '#shared/platform/http/problem.ts';
import { publicRoute, readBody, route, validate } from '#shared/platform/http/route.ts';
import type { Route } from '#shared/platform/route-table.ts';
import { clearSecretCache, getSecretValue, secretCacheSettings } from '#shared/platform/secrets.ts';
import { builtInRoles } from '#shared/roles/roles.ts';
import { createTicketRoute } from '#shared/tickets/routes.ts';
import { CreateTicketBody, UpdateTicketBody } from '#shared/tickets/schemas.ts';
import type { UserItem } from '#shared/users/user.entity.ts';
import { type SecretsEndpoint, startSecretsEndpoint } from '../../scripts/local/secrets-endpoint.ts';

/** The profiles the actor resolver reads (the table is faked: one GetItem per request in the real thing). */
const { profiles, findUser } = vi.hoisted(() => {
  const profiles = new Map<string, unknown>();
  return { profiles, findUser: vi.fn(async (userId: string, _options?: unknown) => profiles.get(userId)) };
});
vi.mock('#shared/users/profiles.ts', () => ({ findUser, findUsers: vi.fn() }));

/** The Idempotency-Key records in memory, with Powertools' own record and payload-validation semantics. */
vi.mock('#shared/platform/idempotency.ts', async () => {
  const { BasePersistenceLayer, IdempotencyRecord } = await import(
    '@aws-lambda-powertools/idempotency/persistence'
  );
  const { IdempotencyItemAlreadyExistsError, IdempotencyItemNotFoundError } = await import(
    '@aws-lambda-powertools/idempotency'
  );
  class MemoryLayer extends BasePersistenceLayer {
    readonly records = new Map<string, InstanceType<typeof IdempotencyRecord>>();
    protected override async _getRecord(key: string) {
      const record = this.records.get(key);
      if (!record) throw new IdempotencyItemNotFoundError();
      return record;
    }
    protected override async _putRecord(record: InstanceType<typeof IdempotencyRecord>) {
      const existing = this.records.get(record.idempotencyKey);
      if (existing && !existing.isExpired()) throw new IdempotencyItemAlreadyExistsError('exists', existing);
      this.records.set(record.idempotencyKey, record);
    }
    protected override async _updateRecord(record: InstanceType<typeof IdempotencyRecord>) {
      this.records.set(record.idempotencyKey, record);
    }
    protected override async _deleteRecord(record: InstanceType<typeof IdempotencyRecord>) {
      this.records.delete(record.idempotencyKey);
    }
  }
  return { idempotencyStore: () => new MemoryLayer() };
});

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
  /** Claims of an access token (the only kind the API takes), as the JWT authorizer passes them. */
  const withClaims = (claims?: Record<string, unknown>) =>
    event({
      requestContext: claims ? { authorizer: { jwt: { claims: { token_use: 'access', ...claims } } } } : {},
    });
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
  // The real signed GetSecretValue path against the local stack's Secrets Manager endpoint (the same server
  // `npm start` runs), with the SDK's environment pointing at it.
  const variables = [
    'CURSOR_SECRET_ARN',
    'AWS_ENDPOINT_URL_SECRETS_MANAGER',
    'AWS_REGION',
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
  ] as const;
  const saved = Object.fromEntries(variables.map((name) => [name, process.env[name]]));
  const defaults = { ...secretCacheSettings };
  let endpoint: SecretsEndpoint;
  let secretArn: string;

  beforeEach(async () => {
    endpoint = await startSecretsEndpoint('us-east-1');
    secretArn = endpoint.create('helpdesk-test/cursor-key', 'test-key-version-1').arn;
    Object.assign(process.env, {
      CURSOR_SECRET_ARN: secretArn,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoint.url,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
    });
    clearSecretCache();
  });
  afterEach(async () => {
    await endpoint.close();
    for (const name of variables) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
    Object.assign(secretCacheSettings, defaults);
    clearSecretCache();
  });

  /** Rotates the secret the way Secrets Manager does (PutSecretValue: new AWSCURRENT, old AWSPREVIOUS). */
  async function rotate(value: string): Promise<void> {
    const response = await fetch(endpoint.url, {
      method: 'POST',
      headers: {
        authorization: 'AWS4-HMAC-SHA256 test',
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'secretsmanager.PutSecretValue',
      },
      body: JSON.stringify({ SecretId: secretArn, SecretString: value }),
    });
    expect(response.status).toBe(200);
  }

  async function rejection(promise: Promise<unknown>): Promise<Problem> {
    try {
      await promise;
    } catch (error) {
      const problem = mapProblem(error);
      if (problem) return problem;
      throw error;
    }
    throw new Error('expected a Problem');
  }

  /** A position as the listings make it: the page's LastEvaluatedKey as JSON. */
  const position = JSON.stringify({
    pk: 'TICKET#01JD3ZQ5R7V0M9X2K8W4T6Y1AB',
    sk: 'TICKET',
    gsi1pk: 'TICKETS#3',
    gsi1sk: '2026-12-01T09:00:00.000Z#01JD3ZQ5R7V0M9X2K8W4T6Y1AB',
  });
  const scope = 'tickets:requester:user-7';

  it('round-trips within its scope, reading the key from Secrets Manager once per cache period', async () => {
    const cursor = await encodeCursor(position, scope);
    expect(await decodeCursor(cursor ?? undefined, scope)).toBe(position);
    expect(await encodeCursor(null, scope)).toBeNull();
    expect(await decodeCursor(undefined, scope)).toBeUndefined();
    // AWSCURRENT and AWSPREVIOUS, read together once; the rest came from the cache.
    expect(endpoint.reads).toBe(2);
  });

  it('reveals no key, attribute name, value or scope, and keeps the documented x.y base64url shape', async () => {
    const cursor = (await encodeCursor(position, scope)) as string;
    expect(cursor).toMatch(/^[\w-]+\.[\w-]+$/);
    const decoded = cursor
      .split('.')
      .map((part) => Buffer.from(part, 'base64url').toString('latin1'))
      .join(' ');
    // Markers long enough that random ciphertext cannot hold them by chance.
    for (const secret of [
      '"pk"',
      '"sk"',
      'gsi1pk',
      'TICKET#',
      '01JD3ZQ5',
      'user-7',
      'tickets:',
      '2026-12-01',
    ]) {
      expect(cursor).not.toContain(secret);
      expect(decoded).not.toContain(secret);
    }
    // A fresh IV each time: the same position never gives the same cursor.
    expect(await encodeCursor(position, scope)).not.toBe(cursor);
    // A large position stays under the schema's 2048 characters.
    const large = JSON.stringify({ pk: 'x'.repeat(600), sk: 'y'.repeat(600) });
    expect(((await encodeCursor(large, scope)) as string).length).toBeLessThan(2048);
  });

  it('rejects an altered cursor, one from another scope or key, and the old signed format (422)', async () => {
    const cursor = (await encodeCursor(position, scope)) as string;
    const [sealed, tag] = cursor.split('.') as [string, string];
    const flip = (part: string, at: number) => {
      const bytes = Buffer.from(part, 'base64url');
      bytes[at] = (bytes[at] as number) ^ 1;
      return bytes.toString('base64url');
    };
    for (const altered of [
      `${flip(sealed, 0)}.${tag}`, // the IV
      `${flip(sealed, 20)}.${tag}`, // the ciphertext
      `${sealed}.${flip(tag, 3)}`, // the tag
      `${sealed}`,
      `${sealed}.${tag}.${tag}`,
      `${sealed.slice(0, 10)}.${tag}`,
      `${Buffer.from(JSON.stringify({ p: position, s: scope })).toString('base64url')}.${'A'.repeat(43)}`,
    ]) {
      expect((await rejection(decodeCursor(altered, scope))).status, altered).toBe(422);
    }
    expect((await rejection(decodeCursor(cursor, 'tickets:requester:user-8'))).status).toBe(422);
    // Another secret altogether (another stage's key).
    process.env.CURSOR_SECRET_ARN = endpoint.create('helpdesk-other/cursor-key', 'another-key').arn;
    expect((await rejection(decodeCursor(cursor, scope))).status).toBe(422);
  });

  it('after a rotation, seals with the new version and still opens cursors of the previous one; two rotations later, 422', async () => {
    secretCacheSettings.maxAgeMs = 0; // read the secret at every use
    const before = (await encodeCursor(position, scope)) as string;
    await rotate('test-key-version-2');
    const after = (await encodeCursor(position, scope)) as string;
    expect(await decodeCursor(before, scope)).toBe(position); // the grace: AWSPREVIOUS
    expect(await decodeCursor(after, scope)).toBe(position);
    await rotate('test-key-version-3');
    expect(await decodeCursor(after, scope)).toBe(position);
    expect((await rejection(decodeCursor(before, scope))).status).toBe(422);
  });

  it('opens a cursor sealed by an instance that saw a rotation this one has not yet (one bounded re-read)', async () => {
    secretCacheSettings.minRefreshIntervalMs = 0;
    expect(await decodeCursor((await encodeCursor(position, scope)) ?? undefined, scope)).toBe(position);
    await rotate('test-key-version-2');
    // Another execution environment: its own module instances, so its own cache, which reads version 2.
    vi.resetModules();
    const other = await import('#shared/platform/cursor.ts');
    const fromOther = (await other.encodeCursor(position, scope)) as string;
    const readsBefore = endpoint.reads;
    // This instance still caches version 1 (within maxAgeMs): it re-reads once, then opens the cursor.
    expect(await decodeCursor(fromOther, scope)).toBe(position);
    expect(endpoint.reads - readsBefore).toBe(2);
    // A cursor nothing opens asks for a re-read too, but at most once per minRefreshIntervalMs.
    secretCacheSettings.minRefreshIntervalMs = 60_000;
    const forged = `${Buffer.alloc(40, 1).toString('base64url')}.${Buffer.alloc(16, 2).toString('base64url')}`;
    const readsNow = endpoint.reads;
    for (let i = 0; i < 5; i += 1) expect((await rejection(decodeCursor(forged, scope))).status).toBe(422);
    expect(endpoint.reads - readsNow).toBeLessThanOrEqual(2);
  });

  it('keeps serving a cached key while Secrets Manager is unreachable, for at most maxStaleMs; fails when it has none', async () => {
    const cursor = (await encodeCursor(position, scope)) as string;
    await endpoint.close();
    secretCacheSettings.maxAgeMs = 0;
    secretCacheSettings.minRefreshIntervalMs = 0;
    expect(await decodeCursor(cursor, scope)).toBe(position);
    secretCacheSettings.maxStaleMs = 0;
    await expect(decodeCursor(cursor, scope)).rejects.toThrow();
    clearSecretCache();
    secretCacheSettings.maxStaleMs = defaults.maxStaleMs;
    await expect(encodeCursor(position, scope)).rejects.toThrow();
    endpoint = await startSecretsEndpoint('us-east-1'); // for afterEach
  });

  it('names the missing variable, and reads nothing for a request without a cursor', async () => {
    delete process.env.CURSOR_SECRET_ARN;
    await expect(encodeCursor(position, scope)).rejects.toThrow('CURSOR_SECRET_ARN');
    expect(await decodeCursor(undefined, scope)).toBeUndefined();
    expect(await encodeCursor(undefined, scope)).toBeNull();
    expect(endpoint.reads).toBe(0);
  });

  it('answers GetSecretValue errors by their code (SecretsManagerError)', async () => {
    await expect(getSecretValue(`${secretArn}-missing`, 'AWSCURRENT')).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      status: 400,
    });
    expect(await getSecretValue(secretArn, 'AWSPREVIOUS')).toBeUndefined();
    expect(await getSecretValue(secretArn, 'AWSCURRENT')).toMatchObject({ value: 'test-key-version-1' });
  });
});

describe('Idempotency-Key payloads', () => {
  const json = (body: string) => event({ body, headers: { 'content-type': 'application/json' } });
  const payloadOf = (body: string) => idempotencyPayload(createTicketRoute, json(body));
  const request = '{"title":"Printer jam","description":"Tray 2","type":"incident","priority":"high"}';
  /** The same request: other whitespace, other key order, text the schema trims. */
  const sameRequest = `{
    "priority": "high",  "type":"incident",
    "description": "  Tray 2 ", "title": "Printer jam"
  }`;

  it('binds the key to the validated body as canonical JSON, not to its bytes', () => {
    expect(payloadOf(sameRequest)).toBe(payloadOf(request));
    expect(payloadOf(request.replace('high', 'low'))).not.toBe(payloadOf(request));
    expect(JSON.parse(payloadOf(request))).toMatchObject({ title: 'Printer jam', description: 'Tray 2' });
    // A body the schema refuses, or that is not JSON, is bound as given: never equal to a valid one.
    expect(payloadOf('{"title":""}')).toBe(payloadOf('{ "title" : "" }'));
    expect(payloadOf('{"title":""}')).not.toBe(payloadOf(request));
    expect(payloadOf('{nope')).toBe('raw:{nope');
  });

  it('sorts keys at every level and keeps array order', () => {
    expect(canonicalJson({ b: [{ y: 1, x: 2 }, 3], a: null, c: undefined })).toBe(
      '{"a":null,"b":[{"x":2,"y":1},3]}',
    );
    expect(canonicalJson(['b', 'a'])).not.toBe(canonicalJson(['a', 'b']));
  });

  it('replays the same request written otherwise and answers 422 to another value with the key', async () => {
    const context = { getRemainingTimeInMillis: () => 60_000 } as Parameters<typeof oncePerIdempotencyKey>[3];
    let created = 0;
    const create = async () => ({ statusCode: 201, headers: {}, body: JSON.stringify({ n: ++created }) });
    const scope = 'user-1 POST /tickets /tickets';
    const first = await oncePerIdempotencyKey('key-1', scope, payloadOf(request), context, create);
    const again = await oncePerIdempotencyKey('key-1', scope, payloadOf(sameRequest), context, create);
    expect(created).toBe(1);
    expect(again.body).toBe(first.body);
    expect(again.headers?.[replayedHeader]).toBe('true');
    expect(first.headers?.[replayedHeader]).toBeUndefined();

    const other = oncePerIdempotencyKey(
      'key-1',
      scope,
      payloadOf(request.replace('high', 'low')),
      context,
      create,
    );
    await expect(other).rejects.toMatchObject({ status: 422 });
    await expect(other).rejects.toBeInstanceOf(Problem);
    expect(created).toBe(1);
  });
});

describe('the origin-verify check (requests that did not come through CloudFront)', () => {
  // The real signed GetSecretValue path against the local stack's Secrets Manager endpoint, as for the cursors.
  const variables = [
    'ORIGIN_VERIFY_SECRET_ARN',
    'AWS_ENDPOINT_URL_SECRETS_MANAGER',
    'AWS_REGION',
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
  ] as const;
  const saved = Object.fromEntries(variables.map((name) => [name, process.env[name]]));
  // The secrets module as the check loads it (a dynamic import, on the first request): after the cursor tests'
  // `vi.resetModules()`, another instance than this file's static import.
  let secrets: typeof import('#shared/platform/secrets.ts');
  let secretCacheSettings: typeof secrets.secretCacheSettings;
  let clearSecretCache: () => void;
  let defaults: typeof secrets.secretCacheSettings;
  const context = { getRemainingTimeInMillis: () => 1000 } as never;
  const now = Math.floor(Date.now() / 1000);
  let endpoint: SecretsEndpoint;
  let secretArn: string;

  const row = {
    id: 'Probe',
    method: 'GET',
    path: '/probe',
    entry: 'functions/probe.ts',
    summary: 'probe',
    success: { status: 200, description: 'ok' },
  } as const;
  const signedIn = vi.fn(async () => ({ statusCode: 200, body: '{}' }));
  const open = vi.fn(async () => ({ statusCode: 200, body: '{}' }));
  const handlers = {
    /** Behind the authorizer (`route`): the actor is read after the check. */
    route: route({ ...row, permission: 'signed-in', grants: ['table:read'] } as Route, signedIn),
    /** A public route that touches no AWS service (`publicRoute`: the health check, the OpenAPI document). */
    publicRoute: publicRoute(
      { ...row, permission: 'public', grants: [] } as Route & { permission: 'public' },
      open,
    ),
  };
  /** A request as CloudFront forwards it (with `header`, when given), from a signed-in user. */
  const request = (header?: string) =>
    event({
      headers: header === undefined ? {} : { 'x-origin-verify': header },
      requestContext: {
        authorizer: { jwt: { claims: { token_use: 'access', sub: 'u1', iat: String(now) } } },
      },
    });

  async function rotate(value: string): Promise<void> {
    const response = await fetch(endpoint.url, {
      method: 'POST',
      headers: {
        authorization: 'AWS4-HMAC-SHA256 test',
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'secretsmanager.PutSecretValue',
      },
      body: JSON.stringify({ SecretId: secretArn, SecretString: value }),
    });
    expect(response.status).toBe(200);
  }

  beforeEach(async () => {
    secrets = await import('#shared/platform/secrets.ts');
    ({ secretCacheSettings, clearSecretCache } = secrets);
    defaults ??= { ...secretCacheSettings };
    endpoint = await startSecretsEndpoint('us-east-1');
    secretArn = endpoint.create('helpdesk-test/origin-verify', 'origin-value-1').arn;
    Object.assign(process.env, {
      ORIGIN_VERIFY_SECRET_ARN: secretArn,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoint.url,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
    });
    clearSecretCache();
    profiles.clear();
    profiles.set('u1', profile('u1', 'agent'));
    findUser.mockClear();
    signedIn.mockClear();
    open.mockClear();
  });
  afterEach(async () => {
    await endpoint.close();
    for (const name of variables) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
    Object.assign(secretCacheSettings, defaults);
    clearSecretCache();
  });

  it.each(Object.entries(handlers))(
    '%s: lets the right header through, reading the secret once per cache period',
    async (name, handler) => {
      const handled = name === 'route' ? signedIn : open;
      expect((await handler(request('origin-value-1'), context)).statusCode).toBe(200);
      expect((await handler(request('origin-value-1'), context)).statusCode).toBe(200);
      expect(handled).toHaveBeenCalledTimes(2);
      // AWSCURRENT and AWSPREVIOUS, read together once.
      expect(endpoint.reads).toBe(2);
    },
  );

  it.each(Object.entries(handlers))(
    '%s: answers 403 problem+json to a missing or wrong header, before anything else',
    async (name, handler) => {
      secretCacheSettings.minRefreshIntervalMs = 0;
      for (const header of [undefined, '', 'origin-value-2', 'origin-value-1 ', 'ORIGIN-VALUE-1', 'x']) {
        const response = await handler(request(header), context);
        expect(response.statusCode, String(header)).toBe(403);
        expect(response.headers?.['content-type']).toBe('application/problem+json');
        const body = JSON.parse(String(response.body));
        expect(body).toMatchObject({ status: 403, detail: 'Call the API through its public URL' });
        expect(String(body.type)).toMatch(/forbidden$/);
        // The value sent is not echoed back.
        if (header) expect(String(response.body)).not.toContain(header);
      }
      // No handler run, and for the route behind the authorizer no profile read either.
      expect(name === 'route' ? signedIn : open).not.toHaveBeenCalled();
      expect(findUser).not.toHaveBeenCalled();
    },
  );

  it('accepts the previous version after a rotation (CloudFront still sends it), and the new one; two rotations later, 403', async () => {
    secretCacheSettings.minRefreshIntervalMs = 0;
    const handler = handlers.route;
    expect((await handler(request('origin-value-1'), context)).statusCode).toBe(200);
    await rotate('origin-value-2');
    // This instance still caches version 1 alone: the new value makes it read the secret again.
    expect((await handler(request('origin-value-2'), context)).statusCode).toBe(200);
    expect((await handler(request('origin-value-1'), context)).statusCode).toBe(200);
    await rotate('origin-value-3');
    secretCacheSettings.maxAgeMs = 0;
    expect((await handler(request('origin-value-1'), context)).statusCode).toBe(403);
    expect((await handler(request('origin-value-2'), context)).statusCode).toBe(200);
    expect((await handler(request('origin-value-3'), context)).statusCode).toBe(200);
  });

  it('re-reads the secret for an unknown value at most once per minRefreshIntervalMs', async () => {
    const handler = handlers.publicRoute;
    expect((await handler(request('origin-value-1'), context)).statusCode).toBe(200);
    const reads = endpoint.reads;
    for (let i = 0; i < 5; i += 1) expect((await handler(request('wrong'), context)).statusCode).toBe(403);
    expect(endpoint.reads).toBe(reads);
  });

  it('keeps checking against the cached value while Secrets Manager is unreachable (secrets.ts fallback)', async () => {
    const handler = handlers.route;
    expect((await handler(request('origin-value-1'), context)).statusCode).toBe(200);
    await endpoint.close();
    secretCacheSettings.maxAgeMs = 0;
    secretCacheSettings.minRefreshIntervalMs = 0;
    expect((await handler(request('origin-value-1'), context)).statusCode).toBe(200);
    expect((await handler(request('wrong'), context)).statusCode).toBe(403);
    // Nothing cached and nothing to read: a 500, never a pass.
    clearSecretCache();
    expect((await handler(request('origin-value-1'), context)).statusCode).toBe(500);
    expect(signedIn).toHaveBeenCalledTimes(2);
    endpoint = await startSecretsEndpoint('us-east-1');
  });

  it.each(Object.entries(handlers))(
    '%s: is off when ORIGIN_VERIFY_SECRET_ARN is unset (the local stack, tests)',
    async (_name, handler) => {
      delete process.env.ORIGIN_VERIFY_SECRET_ARN;
      expect((await handler(request(), context)).statusCode).toBe(200);
      expect((await handler(request('anything'), context)).statusCode).toBe(200);
      expect(endpoint.reads).toBe(0);
    },
  );
});
