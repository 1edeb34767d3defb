/**
 * Tickets, comments and auth through the HTTP API as clients use them, against the local emulators.
 */
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { call, demoPassword, logIn, newRequester, type Session } from './support.ts';

const accounts = inject('demoAccounts');

const newTicket = (session: Session, title: string, extra: Record<string, unknown> = {}) =>
  call('/tickets', { token: session.token, json: { title, description: `About ${title}`, ...extra } });

describe('auth', () => {
  it('signs up, logs in, refreshes and knows who you are', async () => {
    const session = await newRequester('Rita Requester', { phone: '+15555550123', smsOptIn: true });
    const me = await call('/me', { token: session.token });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      email: session.email,
      name: 'Rita Requester',
      role: 'requester',
      phone: '+15555550123',
      smsOptIn: true,
      permissions: { canCreateTickets: true, canViewAll: false },
    });
    const refreshed = await call('/auth/refresh', { json: { refreshToken: session.refreshToken } });
    expect(refreshed.status).toBe(200);
    expect((await call('/me', { token: refreshed.body.accessToken })).body.userId).toBe(session.userId);
  });

  it('refuses a taken email, a weak password, a wrong password and a bad refresh token', async () => {
    const session = await newRequester();
    const taken = await call('/auth/signup', {
      json: { email: session.email, password: demoPassword, name: 'Dup' },
    });
    expect(taken.status).toBe(409);
    expect(taken.headers.get('content-type')).toBe('application/problem+json');
    const weak = await call('/auth/signup', {
      json: { email: 'weak@example.com', password: 'short', name: 'W' },
    });
    expect(weak.status).toBe(400);
    expect(weak.body.errors.map((error: { pointer: string }) => error.pointer)).toContain('/password');
    const wrong = await call('/auth/login', { json: { email: session.email, password: 'Wrong-pass-1' } });
    expect(wrong.status).toBe(401);
    expect(wrong.body.type).toBe('/problems/unauthorized');
    expect((await call('/auth/refresh', { json: { refreshToken: 'nonsense' } })).status).toBe(401);
  });

  it('answers 401 without a token, before any handler runs', async () => {
    const anonymous = await call('/tickets');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toEqual({ message: 'Unauthorized' });
    expect((await call('/me', { token: 'not.a.jwt' })).status).toBe(401);
  });
});

describe('tickets', () => {
  let alice: Session;
  let bob: Session;
  let agent: Session;

  beforeAll(async () => {
    alice = await newRequester('Alice');
    bob = await newRequester('Bob');
    agent = await logIn(accounts.agent.email, accounts.agent.password);
  });

  it('creates a ticket with defaults, a number, Location and ETag', async () => {
    const created = await newTicket(alice, 'Printer on fire', { priority: 'emergency', tags: ['printer'] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      title: 'Printer on fire',
      status: 'open',
      priority: 'urgent',
      type: 'question',
      requesterId: alice.userId,
      tags: ['printer'],
      version: 1,
    });
    expect(created.body.number).toBeGreaterThan(0);
    expect(created.headers.get('location')).toBe(`/tickets/${created.body.ticketId}`);
    expect(created.headers.get('etag')).toBe(`"${created.body.ticketId}.1"`);
  });

  it('does not let agents open tickets (customer service may not create tickets)', async () => {
    const denied = await newTicket(agent, 'Agent ticket');
    expect(denied.status).toBe(403);
    expect(denied.body.type).toBe('/problems/forbidden');
  });

  it('creates once per Idempotency-Key, per caller, and refuses a reused key with another body', async () => {
    const key = `retry-${Date.now()}`;
    const body = { title: 'Network down on floor 3', description: 'Since 9 am' };
    const first = await call('/tickets', {
      token: alice.token,
      json: body,
      headers: { 'idempotency-key': key },
    });
    const retry = await call('/tickets', {
      token: alice.token,
      json: body,
      headers: { 'idempotency-key': key },
    });
    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.body.ticketId).toBe(first.body.ticketId);
    expect(retry.headers.get('idempotency-replayed')).toBe('true');
    expect(first.headers.get('idempotency-replayed')).toBeNull();
    const listed = await call('/tickets?limit=100', { token: alice.token });
    expect(listed.body.items.filter((ticket: { title: string }) => ticket.title === body.title)).toHaveLength(
      1,
    );

    const otherBody = await call('/tickets', {
      token: alice.token,
      json: { ...body, title: 'Something else' },
      headers: { 'idempotency-key': key },
    });
    expect(otherBody.status).toBe(422);
    expect(otherBody.body.type).toBe('/problems/idempotency-key-reused');
    const otherCaller = await call('/tickets', {
      token: bob.token,
      json: body,
      headers: { 'idempotency-key': key },
    });
    expect(otherCaller.status).toBe(201);
    expect(otherCaller.body.ticketId).not.toBe(first.body.ticketId);
    const badKey = await call('/tickets', {
      token: alice.token,
      json: body,
      headers: { 'idempotency-key': 'has space' },
    });
    expect(badKey.status).toBe(400);
    expect(badKey.body.errors[0]).toMatchObject({ in: 'header', pointer: '/idempotency-key' });

    // A failed request is not remembered: the corrected retry may reuse its key.
    const failing = await call('/tickets', {
      token: alice.token,
      json: { title: '' },
      headers: { 'idempotency-key': `${key}-2` },
    });
    expect(failing.status).toBe(400);
    const corrected = await call('/tickets', {
      token: alice.token,
      json: body,
      headers: { 'idempotency-key': `${key}-2` },
    });
    expect(corrected.status).toBe(201);
    expect(corrected.headers.get('idempotency-replayed')).toBeNull();
  });

  it('answers problem+json with every invalid field', async () => {
    const invalid = await call('/tickets', {
      token: alice.token,
      json: { title: 'x'.repeat(121), priority: 'soon', extra: 1 },
    });
    expect(invalid.status).toBe(400);
    expect(invalid.headers.get('content-type')).toBe('application/problem+json');
    const pointers = invalid.body.errors.map((error: { pointer: string }) => error.pointer).sort();
    expect(pointers).toEqual(['/description', '/extra', '/priority', '/title']);
    const broken = await call('/tickets', {
      token: alice.token,
      headers: { 'content-type': 'application/json' },
      method: 'POST',
    });
    expect(broken.status).toBe(400);
    const approverIsRequester = await newTicket(alice, 'Self approval', { approverId: bob.userId });
    expect(approverIsRequester.status).toBe(400);
    expect(approverIsRequester.body.errors[0].pointer).toBe('/approverId');
  });

  it('shows requesters their own tickets only, agents everything, without leaking existence', async () => {
    const mine = (await newTicket(alice, 'Alice only')).body;
    const notYours = await call(`/tickets/${mine.ticketId}`, { token: bob.token });
    expect(notYours.status).toBe(404);
    const missing = await call('/tickets/01ARZ3NDEKTSV4RRFFQ69G5FAV', { token: bob.token });
    expect(missing.status).toBe(404);
    expect(notYours.body).toEqual(missing.body);
    expect((await call('/tickets/not-a-ulid', { token: bob.token })).status).toBe(400);

    const bobsList = await call('/tickets', { token: bob.token });
    expect(
      bobsList.body.items.every((ticket: { requesterId: string }) => ticket.requesterId === bob.userId),
    ).toBe(true);
    const agentView = await call(`/tickets/${mine.ticketId}`, { token: agent.token });
    expect(agentView.status).toBe(200);
  });

  it('pages newest first with tamper-checked cursors', async () => {
    const carol = await newRequester('Carol');
    for (const title of ['first', 'second', 'third'])
      expect((await newTicket(carol, title)).status).toBe(201);
    const page1 = await call('/tickets?limit=2', { token: carol.token });
    expect(page1.body.items.map((ticket: { title: string }) => ticket.title)).toEqual(['third', 'second']);
    expect(page1.body.nextCursor).toEqual(expect.any(String));
    const page2 = await call(`/tickets?limit=2&cursor=${encodeURIComponent(page1.body.nextCursor)}`, {
      token: carol.token,
    });
    expect(page2.body.items.map((ticket: { title: string }) => ticket.title)).toEqual(['first']);
    expect(page2.body.nextCursor).toBeNull();
    // Carol's cursor is no good in Alice's listing, nor altered.
    expect(
      (await call(`/tickets?cursor=${encodeURIComponent(page1.body.nextCursor)}`, { token: alice.token }))
        .status,
    ).toBe(400);
    expect(
      (
        await call(`/tickets?cursor=${encodeURIComponent(`${page1.body.nextCursor}x`)}`, {
          token: carol.token,
        })
      ).status,
    ).toBe(400);
    expect((await call('/tickets?limit=1000', { token: carol.token })).status).toBe(400);
  });

  it('enforces the lifecycle: 409 with the allowed statuses, no resolve before a response', async () => {
    const ticket = (await newTicket(alice, 'VPN drops')).body;
    const path = `/tickets/${ticket.ticketId}`;
    const byRequester = await call(path, {
      method: 'PATCH',
      token: alice.token,
      json: { status: 'in_progress' },
    });
    expect(byRequester.status).toBe(409);
    expect(byRequester.body).toMatchObject({
      type: '/problems/invalid-transition',
      from: 'open',
      allowed: ['canceled'],
    });

    const tooEarly = await call(path, { method: 'PATCH', token: agent.token, json: { status: 'resolved' } });
    expect(tooEarly.status).toBe(409);
    expect(tooEarly.body.detail).toMatch(/before an agent has responded/);

    expect(
      (await call(path, { method: 'PATCH', token: agent.token, json: { status: 'in_progress' } })).status,
    ).toBe(200);
    const response = await call(`${path}/comments`, {
      token: agent.token,
      json: { body: 'Try the new client.' },
    });
    expect(response.status).toBe(201);
    expect(response.body.kind).toBe('response');
    const resolved = await call(path, { method: 'PATCH', token: agent.token, json: { status: 'resolved' } });
    expect(resolved.status).toBe(200);
    expect(resolved.body.status).toBe('resolved');
  });

  it('honours If-Match with 412 on a stale ETag', async () => {
    const ticket = await newTicket(alice, 'Stale edit');
    const etag = ticket.headers.get('etag') as string;
    const path = `/tickets/${ticket.body.ticketId}`;
    const first = await call(path, {
      method: 'PATCH',
      token: alice.token,
      json: { title: 'Edited once' },
      headers: { 'if-match': etag },
    });
    expect(first.status).toBe(200);
    expect(first.headers.get('etag')).not.toBe(etag);
    const stale = await call(path, {
      method: 'PATCH',
      token: alice.token,
      json: { title: 'Edited twice' },
      headers: { 'if-match': etag },
    });
    expect(stale.status).toBe(412);
    expect((await call(path, { token: alice.token })).body.title).toBe('Edited once');
    const forbidden = await call(path, {
      method: 'PATCH',
      token: alice.token,
      json: { category: 'hardware' },
    });
    expect(forbidden.status).toBe(403);
  });

  it('keeps internal notes from the requester; requesters cannot write them', async () => {
    const ticket = (await newTicket(alice, 'Laptop slow')).body;
    const path = `/tickets/${ticket.ticketId}`;
    expect(
      (await call(`${path}/comments`, { token: alice.token, json: { body: 'Still slow' } })).body.kind,
    ).toBe('request');
    expect(
      (
        await call(`${path}/comments`, {
          token: agent.token,
          json: { body: 'Probably malware', internal: true },
        })
      ).status,
    ).toBe(201);
    expect(
      (await call(`${path}/comments`, { token: alice.token, json: { body: 'sneaky', internal: true } }))
        .status,
    ).toBe(403);

    const requesterView = await call(path, { token: alice.token });
    // The description is the first message (a request).
    expect(requesterView.body.comments.map((comment: { body: string }) => comment.body)).toEqual([
      'About Laptop slow',
      'Still slow',
    ]);
    const agentView = await call(path, { token: agent.token });
    expect(agentView.body.comments.map((comment: { kind: string }) => comment.kind)).toEqual([
      'request',
      'request',
      'note',
    ]);
    expect((await call(`${path}/comments`, { token: bob.token, json: { body: 'hi' } })).status).toBe(404);
  });

  it('lets the requester cancel, after which the ticket takes no comments', async () => {
    const ticket = (await newTicket(alice, 'Never mind')).body;
    const path = `/tickets/${ticket.ticketId}`;
    expect(
      (await call(path, { method: 'PATCH', token: alice.token, json: { status: 'canceled' } })).status,
    ).toBe(200);
    expect((await call(`${path}/comments`, { token: alice.token, json: { body: 'again?' } })).status).toBe(
      409,
    );
  });
});
