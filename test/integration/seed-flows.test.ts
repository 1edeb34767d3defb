/**
 * The two walk-throughs the product is measured against, played through the HTTP API against the local stack:
 * the support-conversation flow (a common user and a staff user, step by step, each step named as the flow names
 * it) and the endpoint list of the IT-ticket API (register, register an admin, log in, users, tickets, comments).
 * The flows' own URLs map to this API as README's route table says: `POST /users` without a token is
 * `POST /auth/signup`, a staff account is `POST /users` by an admin, `/login` is `/auth/login`, `/messages` is
 * `/comments`.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { problemOf } from '../../client/index.ts';
import { api, apiAs, call, confirmEmail, logIn, ok, type Session } from './support.ts';

const accounts = inject('demoAccounts');
const unique = () => randomUUID().slice(0, 8);
const password = 'atLeast8Chars';

let admin: Session;

beforeAll(async () => {
  admin = await logIn(accounts.admin.email, accounts.admin.password);
});

describe('support conversation flow: a common user and a staff user', () => {
  const user = { email: `valid-${unique()}@format.here`, name: 'whoami' } as Session & { name: string };
  const staff = { email: `staff-${unique()}@format.here`, name: 'Staff Member' } as Session & {
    name: string;
  };
  const tickets: { ticketId: string; description: string }[] = [];
  const nth = (n: number) => tickets[n] as { ticketId: string; description: string };
  const commentsOf = (session: Session, ticketId: string) =>
    apiAs(session.token).GET('/tickets/{ticketId}/comments', { params: { path: { ticketId } } });

  it('common user 1-2: creates an account (no token) and logs in', async () => {
    const created = await api.POST('/auth/signup', {
      body: { email: user.email, password, name: user.name },
    });
    expect(created.response.status).toBe(201);
    expect(created.data).toMatchObject({ email: user.email, role: 'requester' });
    // The address is confirmed with the code it was mailed before the account signs in.
    await confirmEmail(user.email);
    const login = await api.POST('/auth/login', { body: { email: user.email, password } });
    expect(login.response.status).toBe(200);
    Object.assign(user, { userId: created.data?.userId, token: login.data?.accessToken });
  });

  it('common user 3-4: creates a couple of tickets and lists their own', async () => {
    for (const topic of ['new instances', 'new discount']) {
      const description = `a long text with the issue here: ${topic}`;
      const created = await apiAs(user.token).POST('/tickets', { body: { title: topic, description } });
      expect(created.response.status).toBe(201);
      const ticket = ok(created, 'create ticket');
      expect(ticket.status).toBe('open');
      tickets.push({ ticketId: ticket.ticketId, description });
    }
    const listed = await apiAs(user.token).GET('/tickets');
    expect(listed.response.status).toBe(200);
    expect(
      ok(listed, 'list tickets')
        .items.map((ticket) => ticket.ticketId)
        .sort(),
    ).toEqual(tickets.map((ticket) => ticket.ticketId).sort());
  });

  it('common user 5-7: reads the messages (the text is the first, a request), writes another, finds it there', async () => {
    const first = nth(0);
    const messages = await commentsOf(user, first.ticketId);
    expect(messages.response.status).toBe(200);
    expect(messages.data?.items[0]).toMatchObject({ kind: 'request', body: first.description });
    const posted = await apiAs(user.token).POST('/tickets/{ticketId}/comments', {
      params: { path: { ticketId: first.ticketId } },
      body: { body: 'another message here...' },
    });
    expect(posted.response.status).toBe(201);
    const again = await commentsOf(user, first.ticketId);
    expect(again.data?.items.at(-1)).toMatchObject({ kind: 'request', body: 'another message here...' });
  });

  it('staff user 1-2: an admin creates the staff account; the staff member logs in and sets a password', async () => {
    const newStaff = { email: staff.email, name: staff.name, role: 'agent' };
    const anonymous = await api.POST('/users', { body: newStaff });
    expect(anonymous.response.status).toBe(401);
    const created = ok(await apiAs(admin.token).POST('/users', { body: newStaff }), 'create staff');
    const challenge = await api.POST('/auth/login', {
      body: { email: staff.email, password: created.temporaryPassword },
    });
    expect(challenge.response.status).toBe(409);
    expect(challenge.error).toMatchObject({
      challenge: 'NEW_PASSWORD_REQUIRED',
      session: expect.any(String),
    });
    const session = String(problemOf(challenge)?.session);
    const tokens = await api.POST('/auth/password', { body: { session, newPassword: password } });
    expect(tokens.response.status).toBe(200);
    Object.assign(staff, { userId: created.userId, token: tokens.data?.accessToken });
  });

  it('staff user 3-5: lists every ticket (with its author), picks one, reads its messages', async () => {
    const listed = await apiAs(staff.token).GET('/tickets', { params: { query: { limit: 100 } } });
    expect(listed.response.status).toBe(200);
    const mine = ok(listed, 'list tickets').items.filter((ticket) => ticket.requesterId === user.userId);
    expect(mine).toHaveLength(2);
    expect(mine[0]?.requester).toEqual({ userId: user.userId, name: user.name, email: user.email });
    const first = nth(0);
    const ticket = await apiAs(staff.token).GET('/tickets/{ticketId}', {
      params: { path: { ticketId: first.ticketId } },
    });
    expect(ticket.response.status).toBe(200);
    expect(ticket.data?.requester).toMatchObject({ email: user.email });
    const messages = await commentsOf(staff, first.ticketId);
    expect(messages.data?.items.at(-1)?.kind).toBe('request');
  });

  const setStatus = (session: Session, ticketId: string, status: 'resolved' | 'canceled') =>
    apiAs(session.token).PATCH('/tickets/{ticketId}', { params: { path: { ticketId } }, body: { status } });

  it('staff user 6: answers the last request with a message (a response)', async () => {
    const first = nth(0);
    const early = await setStatus(staff, first.ticketId, 'resolved');
    expect(early.response.status).toBe(409); // nobody resolves a ticket no agent answered
    const answered = await apiAs(staff.token).POST('/tickets/{ticketId}/comments', {
      params: { path: { ticketId: first.ticketId } },
      body: { body: 'Hi there! Thanks for your patience. Can the ticket be closed?' },
    });
    expect(answered.response.status).toBe(201);
    expect(answered.data?.kind).toBe('response');
  });

  it('common user 8-9: sees the response, and cancels the other ticket; staff may not cancel for them', async () => {
    const first = nth(0);
    const second = nth(1);
    const messages = await commentsOf(user, first.ticketId);
    expect(messages.data?.items.at(-1)).toMatchObject({ kind: 'response' });
    const byStaff = await setStatus(staff, second.ticketId, 'canceled');
    expect(byStaff.response.status).toBe(409);
    const canceled = await setStatus(user, second.ticketId, 'canceled');
    expect(canceled.response.status).toBe(200);
    expect(canceled.data?.status).toBe('canceled');
  });

  it('staff user 7: resolves the ticket the user says can be closed; the user may not', async () => {
    const first = nth(0);
    ok(
      await apiAs(user.token).POST('/tickets/{ticketId}/comments', {
        params: { path: { ticketId: first.ticketId } },
        body: { body: 'Yes, it can be closed.' },
      }),
      'reply',
    );
    const byUser = await setStatus(user, first.ticketId, 'resolved');
    expect(byUser.response.status).toBe(409);
    const resolved = await setStatus(staff, first.ticketId, 'resolved');
    expect(resolved.response.status).toBe(200);
    expect(resolved.data?.status).toBe('resolved');
  });

  it('further: staff list users by tickets submitted, most first, and open a user with their tickets', async () => {
    const seen: { userId: string; email: string; role: string; ticketsCount: number }[] = [];
    let cursor: string | undefined;
    do {
      const page = await apiAs(staff.token).GET('/users', { params: { query: { limit: 100, cursor } } });
      expect(page.response.status).toBe(200);
      const { items, nextCursor } = ok(page, 'list users');
      seen.push(...items);
      cursor = nextCursor ?? undefined;
    } while (cursor);
    const counts = seen.map((item) => item.ticketsCount);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
    expect(seen).toContainEqual(
      expect.objectContaining({ userId: user.userId, email: user.email, role: 'requester', ticketsCount: 2 }),
    );
    const one = await apiAs(staff.token).GET('/users/{userId}', {
      params: { path: { userId: user.userId } },
    });
    expect(one.response.status).toBe(200);
    expect(
      ok(one, 'get user')
        .createdTickets.items.map((ticket) => ticket.ticketId)
        .sort(),
    ).toEqual(tickets.map((ticket) => ticket.ticketId).sort());
    expect((await apiAs(user.token).GET('/users')).response.status).toBe(403);
  });
});

describe('IT-ticket API endpoint list', () => {
  const john = { email: `john.doe-${unique()}@example.com`, name: 'New User JOHN' } as Session & {
    name: string;
  };
  let ticketId = '';
  let commentId = '';

  it('auth: register a standard user (a role in the body is refused), register an admin as an admin, log in', async () => {
    // Off the contract on purpose (sign-up takes no role), so untyped.
    const withRole = await call('/auth/signup', { json: { ...john, password, role: 'user' } });
    expect(withRole.status).toBe(400);
    expect(withRole.body.errors[0].pointer).toBe('/role');
    const account = { email: john.email, name: john.name, password };
    const registered = await api.POST('/auth/signup', { body: account });
    expect(registered.response.status).toBe(201);
    // A second sign-up with the address answers the same 201 (nobody learns the address has an account) and
    // creates nothing: the first account's password still signs in, under the first user id.
    const again = await api.POST('/auth/signup', { body: { ...account, name: 'Someone else' } });
    expect(again.response.status).toBe(201);
    expect(again.data?.userId).not.toBe(registered.data?.userId);
    await confirmEmail(john.email);
    const login = await api.POST('/auth/login', { body: { email: john.email, password } });
    expect(login.response.status).toBe(200);
    Object.assign(john, { userId: registered.data?.userId, token: login.data?.accessToken });
    const me = await apiAs(john.token).GET('/me');
    expect(me.data?.userId).toBe(registered.data?.userId);

    const adminTwo = await apiAs(admin.token).POST('/users', {
      body: { email: `admin2-${unique()}@example.com`, name: 'POST Test ADMIN 2', role: 'admin' },
    });
    expect(adminTwo.response.status).toBe(201);
    expect(adminTwo.data?.role).toBe('admin');
    // Off the contract on purpose (no name).
    const missingName = await call('/users', {
      token: admin.token,
      json: { email: 'a@example.com', role: 'admin' },
    });
    expect(missingName.status).toBe(400);
    expect(missingName.body.errors[0].pointer).toBe('/name');
    const wrong = await api.POST('/auth/login', {
      body: { email: john.email, password: 'Invalid-password1' },
    });
    expect(wrong.response.status).toBe(401);
  });

  it('users: list, get one, PATCH the password, PATCH an unknown role (422 naming it), PUT', async () => {
    const list = await apiAs(admin.token).GET('/users');
    expect(list.response.status).toBe(200);
    expect(list.data?.items[0]).toEqual(
      expect.objectContaining({
        userId: expect.any(String),
        name: expect.any(String),
        role: expect.any(String),
      }),
    );
    const user = (userId: string) => ({ params: { path: { userId } } });
    const one = await apiAs(john.token).GET('/users/{userId}', user(john.userId));
    expect(one.data).toMatchObject({ name: john.name, email: john.email, role: 'requester' });
    expect((await apiAs(admin.token).GET('/users/{userId}', user('117'))).response.status).toBe(404);

    const newPassword = 'YVJW@9#&npZ%1a';
    const patched = await apiAs(john.token).PATCH('/users/{userId}', {
      ...user(john.userId),
      body: { password: newPassword, currentPassword: password },
    });
    expect(patched.response.status).toBe(200);
    const minister = await apiAs(admin.token).PATCH('/users/{userId}', {
      ...user(john.userId),
      body: { role: 'minister-for-propaganda' },
    });
    expect(minister.response.status).toBe(422); // well-formed, but no such role
    expect(minister.error).toMatchObject({
      errors: [{ detail: expect.stringContaining('"minister-for-propaganda"') }],
    });

    const put = await apiAs(john.token).PUT('/users/{userId}', {
      ...user(john.userId),
      body: { name: 'was john now bazza', email: `bazza-${unique()}@example.com`, smsOptIn: false },
    });
    expect(put.response.status).toBe(200);
    const replaced = ok(put, 'PUT user');
    expect(replaced).toMatchObject({ userId: john.userId, name: 'was john now bazza', role: 'requester' });
    Object.assign(john, { email: replaced.email });
    const relogin = await api.POST('/auth/login', { body: { email: john.email, password: newPassword } });
    expect(relogin.response.status).toBe(200);
    Object.assign(john, { token: relogin.data?.accessToken });
  });

  it('tickets: create, list, get, PATCH, PUT', async () => {
    const created = await apiAs(john.token).POST('/tickets', {
      body: { title: 'Issue 1', description: 'This is issue 1', priority: 'high' },
    });
    expect(created.response.status).toBe(201);
    ticketId = ok(created, 'create ticket').ticketId;
    expect((await apiAs(john.token).GET('/tickets')).data?.items[0]).toMatchObject({ ticketId });
    const path = { ticketId };
    const got = await apiAs(john.token).GET('/tickets/{ticketId}', { params: { path } });
    expect(got.response.status).toBe(200);
    const patched = await apiAs(john.token).PATCH('/tickets/{ticketId}', {
      params: { path, header: { 'if-match': got.response.headers.get('etag') ?? '' } },
      body: { priority: 'urgent' },
    });
    expect(patched.response.status).toBe(200);
    const put = await apiAs(admin.token).PUT('/tickets/{ticketId}', {
      params: { path, header: { 'if-match': patched.response.headers.get('etag') ?? '' } },
      body: {
        title: 'Issue 1 (edited)',
        description: 'This is issue 1',
        type: 'incident',
        priority: 'low',
      },
    });
    expect(put.response.status).toBe(200);
    expect(put.data).toMatchObject({ title: 'Issue 1 (edited)', priority: 'low' });
  });

  it('comments: post, list across tickets, get one, PATCH, PUT, DELETE', async () => {
    const posted = await apiAs(john.token).POST('/comments', {
      body: { ticketId, body: 'This is a comment on issue 1 by the user' },
    });
    expect(posted.response.status).toBe(201);
    commentId = ok(posted, 'post comment').commentId;
    const all = await apiAs(admin.token).GET('/comments', { params: { query: { ticketId } } });
    expect(all.response.status).toBe(200);
    expect(ok(all, 'list comments').items.map((comment) => comment.commentId)).toContain(commentId);
    const path = { commentId };
    expect((await apiAs(john.token).GET('/comments/{commentId}', { params: { path } })).response.status).toBe(
      200,
    );
    const patched = await apiAs(john.token).PATCH('/comments/{commentId}', {
      params: { path },
      body: { body: 'edited' },
    });
    expect(patched.response.status).toBe(200);
    const put = await apiAs(john.token).PUT('/comments/{commentId}', {
      params: { path },
      body: { body: 'replaced' },
    });
    expect(put.response.status).toBe(200);
    expect(put.data?.body).toBe('replaced');
    const deleted = await apiAs(john.token).DELETE('/comments/{commentId}', { params: { path } });
    expect(deleted.response.status).toBe(204);
    expect((await apiAs(john.token).GET('/comments/{commentId}', { params: { path } })).response.status).toBe(
      404,
    );
  });

  it('tickets: DELETE, then the user is disabled (DELETE /users/{id}) and can no longer sign in', async () => {
    const asAdmin = apiAs(admin.token);
    const ticket = { params: { path: { ticketId } } };
    expect((await asAdmin.DELETE('/tickets/{ticketId}', ticket)).response.status).toBe(204);
    expect((await asAdmin.GET('/tickets/{ticketId}', ticket)).response.status).toBe(404);
    const user = { params: { path: { userId: john.userId } } };
    expect((await asAdmin.DELETE('/users/{userId}', user)).response.status).toBe(204);
    expect((await apiAs(john.token).GET('/me')).response.status).toBe(401);
    expect((await asAdmin.GET('/users/{userId}', user)).data?.disabled).toBe(true);
  });
});
