/**
 * Tickets, comments and auth through the HTTP API as clients use them (the typed client, `apiAs`), against the
 * local emulators. Requests off the contract on purpose (unknown fields, no body) go through `call`.
 */
import { beforeAll, describe, expect, inject, it } from 'vitest';
import type { Schema } from '../../client/index.ts';
import { api, apiAs, call, demoPassword, logIn, newRequester, ok, type Session } from './support.ts';

const accounts = inject('demoAccounts');

const as = (session: Session) => apiAs(session.token);

const newTicket = (session: Session, title: string, extra: Partial<Schema<'CreateTicketRequest'>> = {}) =>
  as(session).POST('/tickets', { body: { title, description: `About ${title}`, ...extra } });

/** The JSON Pointers of the fields a problem names (`errors`), in order. */
function pointers({ error }: { error?: unknown }): string[] {
  if (!error || typeof error !== 'object' || !('errors' in error) || !Array.isArray(error.errors)) return [];
  return error.errors.map((field: { pointer?: unknown }) => String(field.pointer));
}

describe('auth', () => {
  it('signs up, logs in, refreshes and knows who you are', async () => {
    const session = await newRequester('Rita Requester', { phone: '+15555550123', smsOptIn: true });
    const me = await as(session).GET('/me');
    expect(me.response.status).toBe(200);
    expect(me.data).toMatchObject({
      email: session.email,
      name: 'Rita Requester',
      role: 'requester',
      phone: '+15555550123',
      smsOptIn: true,
      permissions: { canCreateTickets: true, canViewAll: false },
    });
    const refreshed = await api.POST('/auth/refresh', { body: { refreshToken: session.refreshToken ?? '' } });
    expect(refreshed.response.status).toBe(200);
    const again = ok(refreshed, 'refresh');
    expect(ok(await apiAs(again.accessToken).GET('/me'), 'GET /me').userId).toBe(session.userId);
  });

  it('creates nothing for a taken email (without saying so), refuses a weak password, a wrong password and a bad refresh token', async () => {
    const session = await newRequester();
    // Sign-up does not reveal who has an account: the same answer, a userId naming no account, nothing changed.
    const taken = await api.POST('/auth/signup', {
      body: { email: session.email, password: 'An0ther-pass-word', name: 'Dup' },
    });
    expect(taken.response.status).toBe(201);
    expect(taken.data?.userId).not.toBe(session.userId);
    expect((await logIn(session.email, demoPassword)).userId).toBe(session.userId);
    const weak = await api.POST('/auth/signup', {
      body: { email: 'weak@example.com', password: 'short', name: 'W' },
    });
    expect(weak.response.status).toBe(400);
    expect(pointers(weak)).toContain('/password');
    const wrong = await api.POST('/auth/login', { body: { email: session.email, password: 'Wrong-pass-1' } });
    expect(wrong.response.status).toBe(401);
    expect(wrong.error).toMatchObject({ type: '/problems/unauthorized' });
    expect((await api.POST('/auth/refresh', { body: { refreshToken: 'nonsense' } })).response.status).toBe(
      401,
    );
  });

  it('answers 401 without a token, before any handler runs', async () => {
    const anonymous = await api.GET('/tickets');
    expect(anonymous.response.status).toBe(401);
    expect(anonymous.error).toEqual({ message: 'Unauthorized' });
    expect((await apiAs('not.a.jwt').GET('/me')).response.status).toBe(401);
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
    expect(created.response.status).toBe(201);
    const ticket = ok(created, 'create');
    expect(ticket).toMatchObject({
      title: 'Printer on fire',
      status: 'open',
      priority: 'urgent',
      type: 'question',
      requesterId: alice.userId,
      tags: ['printer'],
      version: 1,
    });
    expect(ticket.number).toBeGreaterThan(0);
    expect(created.response.headers.get('location')).toBe(`/tickets/${ticket.ticketId}`);
    expect(created.response.headers.get('etag')).toBe(`"${ticket.ticketId}.1"`);
  });

  it('does not let agents open tickets (customer service may not create tickets)', async () => {
    const denied = await newTicket(agent, 'Agent ticket');
    expect(denied.response.status).toBe(403);
    expect(denied.error).toMatchObject({ type: '/problems/forbidden' });
  });

  it('creates once per Idempotency-Key, per caller, and refuses a reused key with another body', async () => {
    const key = `retry-${Date.now()}`;
    const body = { title: 'Network down on floor 3', description: 'Since 9 am' };
    const withKey = (session: Session, json: Schema<'CreateTicketRequest'>, idempotencyKey: string) =>
      as(session).POST('/tickets', {
        body: json,
        params: { header: { 'idempotency-key': idempotencyKey } },
      });
    const first = await withKey(alice, body, key);
    const retry = await withKey(alice, body, key);
    expect(first.response.status).toBe(201);
    expect(retry.response.status).toBe(201);
    expect(ok(retry, 'retry').ticketId).toBe(ok(first, 'first').ticketId);
    expect(retry.response.headers.get('idempotency-replayed')).toBe('true');
    expect(first.response.headers.get('idempotency-replayed')).toBeNull();
    const listed = ok(await as(alice).GET('/tickets', { params: { query: { limit: 100 } } }), 'list');
    expect(listed.items.filter((ticket) => ticket.title === body.title)).toHaveLength(1);

    const otherBody = await withKey(alice, { ...body, title: 'Something else' }, key);
    expect(otherBody.response.status).toBe(422);
    expect(otherBody.error).toMatchObject({ type: '/problems/idempotency-key-reused' });
    const otherCaller = await withKey(bob, body, key);
    expect(otherCaller.response.status).toBe(201);
    expect(ok(otherCaller, 'other caller').ticketId).not.toBe(first.data?.ticketId);
    const badKey = await withKey(alice, body, 'has space');
    expect(badKey.response.status).toBe(400);
    expect(badKey.error).toMatchObject({ errors: [{ in: 'header', pointer: '/idempotency-key' }] });

    // A failed request is not remembered: the corrected retry may reuse its key.
    const failing = await withKey(alice, { ...body, title: '' }, `${key}-2`);
    expect(failing.response.status).toBe(400);
    const corrected = await withKey(alice, body, `${key}-2`);
    expect(corrected.response.status).toBe(201);
    expect(corrected.response.headers.get('idempotency-replayed')).toBeNull();
  });

  it('answers problem+json with every field that breaks the schema (400), and 422 for an approver who may not approve', async () => {
    // Off the contract on purpose: an unknown field and a priority no schema has.
    const invalid = await call('/tickets', {
      token: alice.token,
      json: { title: 'x'.repeat(121), priority: 'soon', extra: 1 },
    });
    expect(invalid.status).toBe(400);
    expect(invalid.headers.get('content-type')).toBe('application/problem+json');
    const invalidPointers = invalid.body.errors.map((error: { pointer: string }) => error.pointer).sort();
    expect(invalidPointers).toEqual(['/description', '/extra', '/priority', '/title']);
    const broken = await call('/tickets', {
      token: alice.token,
      headers: { 'content-type': 'application/json' },
      method: 'POST',
    });
    expect(broken.status).toBe(400);
    // Well-formed, but Bob is a requester: the domain refuses it (422), the schema could not know.
    const approverIsRequester = await newTicket(alice, 'Self approval', { approverId: bob.userId });
    expect(approverIsRequester.response.status).toBe(422);
    expect(approverIsRequester.error).toMatchObject({ type: '/problems/unprocessable-content' });
    expect(pointers(approverIsRequester)).toEqual(['/approverId']);
  });

  it('shows requesters their own tickets only, agents everything, without leaking existence', async () => {
    const mine = ok(await newTicket(alice, 'Alice only'), 'create');
    const read = (session: Session, ticketId: string) =>
      as(session).GET('/tickets/{ticketId}', { params: { path: { ticketId } } });
    const notYours = await read(bob, mine.ticketId);
    expect(notYours.response.status).toBe(404);
    const missing = await read(bob, '01ARZ3NDEKTSV4RRFFQ69G5FAV');
    expect(missing.response.status).toBe(404);
    expect(notYours.error).toEqual(missing.error);
    expect((await read(bob, 'not-a-ulid')).response.status).toBe(400);

    const bobsList = ok(await as(bob).GET('/tickets'), 'list');
    expect(bobsList.items.every((ticket) => ticket.requesterId === bob.userId)).toBe(true);
    const agentView = await read(agent, mine.ticketId);
    expect(agentView.response.status).toBe(200);
  });

  it('pages newest first; a cursor of another list or altered is a 422, a limit out of range a 400', async () => {
    const carol = await newRequester('Carol');
    for (const title of ['first', 'second', 'third'])
      expect((await newTicket(carol, title)).response.status).toBe(201);
    const list = (session: Session, query: { limit?: number; cursor?: string }) =>
      as(session).GET('/tickets', { params: { query } });
    const page1 = ok(await list(carol, { limit: 2 }), 'page 1');
    expect(page1.items.map((ticket) => ticket.title)).toEqual(['third', 'second']);
    expect(page1.nextCursor).toEqual(expect.any(String));
    const cursor = page1.nextCursor as string;
    const page2 = ok(await list(carol, { limit: 2, cursor }), 'page 2');
    expect(page2.items.map((ticket) => ticket.title)).toEqual(['first']);
    expect(page2.nextCursor).toBeNull();
    // Carol's cursor is no good in Alice's listing, nor altered.
    const foreign = await list(alice, { cursor });
    expect(foreign.response.status).toBe(422);
    expect(foreign.error).toMatchObject({ type: '/problems/unprocessable-content' });
    expect(pointers(foreign)).toEqual(['/cursor']);
    expect((await list(carol, { cursor: `${cursor}x` })).response.status).toBe(422);
    // Not a cursor at all, and a limit over 100, break the schema.
    expect((await list(carol, { cursor: 'not a cursor' })).response.status).toBe(400);
    expect((await list(carol, { limit: 1000 })).response.status).toBe(400);
  });

  it('enforces the lifecycle: 409 with the allowed statuses, no resolve before a response', async () => {
    const ticket = ok(await newTicket(alice, 'VPN drops'), 'create');
    const patch = (session: Session, body: Schema<'UpdateTicketRequest'>) =>
      as(session).PATCH('/tickets/{ticketId}', { params: { path: { ticketId: ticket.ticketId } }, body });
    const byRequester = await patch(alice, { status: 'in_progress' });
    expect(byRequester.response.status).toBe(409);
    expect(byRequester.error).toMatchObject({
      type: '/problems/invalid-transition',
      from: 'open',
      allowed: ['canceled'],
    });

    const tooEarly = await patch(agent, { status: 'resolved' });
    expect(tooEarly.response.status).toBe(409);
    expect(tooEarly.error).toMatchObject({ detail: expect.stringMatching(/before an agent has responded/) });

    expect((await patch(agent, { status: 'in_progress' })).response.status).toBe(200);
    const response = await as(agent).POST('/tickets/{ticketId}/comments', {
      params: { path: { ticketId: ticket.ticketId } },
      body: { body: 'Try the new client.', internal: false },
    });
    expect(response.response.status).toBe(201);
    expect(response.data?.kind).toBe('response');
    const resolved = await patch(agent, { status: 'resolved' });
    expect(resolved.response.status).toBe(200);
    expect(resolved.data?.status).toBe('resolved');
  });

  it('needs a reason to reject: the schema refuses a rejection without one (400 at /reason)', async () => {
    const ticket = ok(
      await newTicket(alice, 'Needs approval', { type: 'request', approverId: agent.userId }),
      'create',
    );
    const path = { ticketId: ticket.ticketId };
    // Off the contract on purpose: the typed client would not compile a rejection without a reason.
    const bare = await call(`/tickets/${ticket.ticketId}`, {
      method: 'PATCH',
      token: agent.token,
      json: { status: 'rejected' },
    });
    expect(bare.status).toBe(400);
    expect(bare.body).toMatchObject({
      type: '/problems/validation-error',
      errors: [{ in: 'body', pointer: '/reason', detail: 'Give a reason to reject.' }],
    });
    const rejected = await as(agent).PATCH('/tickets/{ticketId}', {
      params: { path, header: { 'if-match': `"${ticket.ticketId}.${ticket.version}"` } },
      body: { status: 'rejected', reason: 'Not in this budget' },
    });
    expect(rejected.response.status).toBe(200);
    expect(rejected.data).toMatchObject({
      status: 'rejected',
      decision: { by: agent.userId, at: expect.any(String), reason: 'Not in this budget' },
    });
  });

  it('honours If-Match with 412 on a stale ETag', async () => {
    const created = await newTicket(alice, 'Stale edit');
    const etag = created.response.headers.get('etag') as string;
    const path = { ticketId: ok(created, 'create').ticketId };
    const first = await as(alice).PATCH('/tickets/{ticketId}', {
      params: { path, header: { 'if-match': etag } },
      body: { title: 'Edited once' },
    });
    expect(first.response.status).toBe(200);
    expect(first.response.headers.get('etag')).not.toBe(etag);
    const stale = await as(alice).PATCH('/tickets/{ticketId}', {
      params: { path, header: { 'if-match': etag } },
      body: { title: 'Edited twice' },
    });
    expect(stale.response.status).toBe(412);
    expect(stale.error).toMatchObject({ type: '/problems/precondition-failed' });
    expect(ok(await as(alice).GET('/tickets/{ticketId}', { params: { path } }), 'read').title).toBe(
      'Edited once',
    );
    const forbidden = await as(alice).PATCH('/tickets/{ticketId}', {
      params: { path },
      body: { category: 'hardware' },
    });
    expect(forbidden.response.status).toBe(403);
  });

  it('keeps internal notes from the requester; requesters cannot write them', async () => {
    const ticket = ok(await newTicket(alice, 'Laptop slow'), 'create');
    const path = { ticketId: ticket.ticketId };
    const comment = (session: Session, body: string, internal = false) =>
      as(session).POST('/tickets/{ticketId}/comments', { params: { path }, body: { body, internal } });
    expect((await comment(alice, 'Still slow')).data?.kind).toBe('request');
    expect((await comment(agent, 'Probably malware', true)).response.status).toBe(201);
    expect((await comment(alice, 'sneaky', true)).response.status).toBe(403);

    const requesterView = ok(await as(alice).GET('/tickets/{ticketId}', { params: { path } }), 'read');
    // The description is the first message (a request).
    expect(requesterView.comments.map((comment) => comment.body)).toEqual([
      'About Laptop slow',
      'Still slow',
    ]);
    const agentView = ok(await as(agent).GET('/tickets/{ticketId}', { params: { path } }), 'read');
    expect(agentView.comments.map((comment) => comment.kind)).toEqual(['request', 'request', 'note']);
    expect((await comment(bob, 'hi')).response.status).toBe(404);
  });

  it('lets the requester cancel, after which the ticket takes no comments', async () => {
    const ticket = ok(await newTicket(alice, 'Never mind'), 'create');
    const path = { ticketId: ticket.ticketId };
    expect(
      (await as(alice).PATCH('/tickets/{ticketId}', { params: { path }, body: { status: 'canceled' } }))
        .response.status,
    ).toBe(200);
    const late = await as(alice).POST('/tickets/{ticketId}/comments', {
      params: { path },
      body: { body: 'again?', internal: false },
    });
    expect(late.response.status).toBe(409);
  });
});
