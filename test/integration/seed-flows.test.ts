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
import { call, logIn, type Session } from './support.ts';

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

  it('common user 1-2: creates an account (no token) and logs in', async () => {
    const created = await call('/auth/signup', { json: { email: user.email, password, name: user.name } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ email: user.email, role: 'requester' });
    const login = await call('/auth/login', { json: { email: user.email, password } });
    expect(login.status).toBe(200);
    Object.assign(user, { userId: created.body.userId, token: login.body.accessToken });
  });

  it('common user 3-4: creates a couple of tickets and lists their own', async () => {
    for (const topic of ['new instances', 'new discount']) {
      const description = `a long text with the issue here: ${topic}`;
      const created = await call('/tickets', { token: user.token, json: { title: topic, description } });
      expect(created.status).toBe(201);
      expect(created.body.status).toBe('open');
      tickets.push({ ticketId: created.body.ticketId, description });
    }
    const listed = await call('/tickets', { token: user.token });
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((ticket: { ticketId: string }) => ticket.ticketId).sort()).toEqual(
      tickets.map((ticket) => ticket.ticketId).sort(),
    );
  });

  it('common user 5-7: reads the messages (the text is the first, a request), writes another, finds it there', async () => {
    const first = nth(0);
    const messages = await call(`/tickets/${first.ticketId}/comments`, { token: user.token });
    expect(messages.status).toBe(200);
    expect(messages.body.items[0]).toMatchObject({ kind: 'request', body: first.description });
    const posted = await call(`/tickets/${first.ticketId}/comments`, {
      token: user.token,
      json: { body: 'another message here...' },
    });
    expect(posted.status).toBe(201);
    const again = await call(`/tickets/${first.ticketId}/comments`, { token: user.token });
    expect(again.body.items.at(-1)).toMatchObject({ kind: 'request', body: 'another message here...' });
  });

  it('staff user 1-2: an admin creates the staff account; the staff member logs in and sets a password', async () => {
    const anonymous = await call('/users', { json: { email: staff.email, name: staff.name, role: 'agent' } });
    expect(anonymous.status).toBe(401);
    const created = await call('/users', {
      token: admin.token,
      json: { email: staff.email, name: staff.name, role: 'agent' },
    });
    expect(created.status).toBe(201);
    const challenge = await call('/auth/login', {
      json: { email: staff.email, password: created.body.temporaryPassword },
    });
    expect(challenge.status).toBe(409);
    const tokens = await call('/auth/password', {
      json: { session: challenge.body.session, newPassword: password },
    });
    expect(tokens.status).toBe(200);
    Object.assign(staff, { userId: created.body.userId, token: tokens.body.accessToken });
  });

  it('staff user 3-5: lists every ticket (with its author), picks one, reads its messages', async () => {
    const listed = await call('/tickets?limit=100', { token: staff.token });
    expect(listed.status).toBe(200);
    const mine = listed.body.items.filter(
      (ticket: { requesterId: string }) => ticket.requesterId === user.userId,
    );
    expect(mine).toHaveLength(2);
    expect(mine[0].requester).toEqual({ userId: user.userId, name: user.name, email: user.email });
    const first = nth(0);
    const ticket = await call(`/tickets/${first.ticketId}`, { token: staff.token });
    expect(ticket.status).toBe(200);
    expect(ticket.body.requester).toMatchObject({ email: user.email });
    const messages = await call(`/tickets/${first.ticketId}/comments`, { token: staff.token });
    expect(messages.body.items.at(-1).kind).toBe('request');
  });

  it('staff user 6: answers the last request with a message (a response)', async () => {
    const first = nth(0);
    const early = await call(`/tickets/${first.ticketId}`, {
      method: 'PATCH',
      token: staff.token,
      json: { status: 'resolved' },
    });
    expect(early.status).toBe(409); // nobody resolves a ticket no agent answered
    const answered = await call(`/tickets/${first.ticketId}/comments`, {
      token: staff.token,
      json: { body: 'Hi there! Thanks for your patience. Can the ticket be closed?' },
    });
    expect(answered.status).toBe(201);
    expect(answered.body.kind).toBe('response');
  });

  it('common user 8-9: sees the response, and cancels the other ticket; staff may not cancel for them', async () => {
    const first = nth(0);
    const second = nth(1);
    const messages = await call(`/tickets/${first.ticketId}/comments`, { token: user.token });
    expect(messages.body.items.at(-1)).toMatchObject({ kind: 'response' });
    const byStaff = await call(`/tickets/${second.ticketId}`, {
      method: 'PATCH',
      token: staff.token,
      json: { status: 'canceled' },
    });
    expect(byStaff.status).toBe(409);
    const canceled = await call(`/tickets/${second.ticketId}`, {
      method: 'PATCH',
      token: user.token,
      json: { status: 'canceled' },
    });
    expect(canceled.status).toBe(200);
    expect(canceled.body.status).toBe('canceled');
  });

  it('staff user 7: resolves the ticket the user says can be closed; the user may not', async () => {
    const first = nth(0);
    await call(`/tickets/${first.ticketId}/comments`, {
      token: user.token,
      json: { body: 'Yes, it can be closed.' },
    });
    const byUser = await call(`/tickets/${first.ticketId}`, {
      method: 'PATCH',
      token: user.token,
      json: { status: 'resolved' },
    });
    expect(byUser.status).toBe(409);
    const resolved = await call(`/tickets/${first.ticketId}`, {
      method: 'PATCH',
      token: staff.token,
      json: { status: 'resolved' },
    });
    expect(resolved.status).toBe(200);
    expect(resolved.body.status).toBe('resolved');
  });

  it('further: staff list users by tickets submitted, most first, and open a user with their tickets', async () => {
    const seen: { userId: string; email: string; role: string; ticketsCount: number }[] = [];
    let cursor: string | undefined;
    do {
      const page = await call(`/users?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, {
        token: staff.token,
      });
      expect(page.status).toBe(200);
      seen.push(...page.body.items);
      cursor = page.body.nextCursor ?? undefined;
    } while (cursor);
    const counts = seen.map((item) => item.ticketsCount);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
    expect(seen).toContainEqual(
      expect.objectContaining({ userId: user.userId, email: user.email, role: 'requester', ticketsCount: 2 }),
    );
    const one = await call(`/users/${user.userId}`, { token: staff.token });
    expect(one.status).toBe(200);
    expect(
      one.body.createdTickets.items.map((ticket: { ticketId: string }) => ticket.ticketId).sort(),
    ).toEqual(tickets.map((ticket) => ticket.ticketId).sort());
    expect((await call('/users', { token: user.token })).status).toBe(403);
  });
});

describe('IT-ticket API endpoint list', () => {
  const john = { email: `john.doe-${unique()}@example.com`, name: 'New User JOHN' } as Session & {
    name: string;
  };
  let ticketId = '';
  let commentId = '';

  it('auth: register a standard user (a role in the body is refused), register an admin as an admin, log in', async () => {
    const withRole = await call('/auth/signup', { json: { ...john, password, role: 'user' } });
    expect(withRole.status).toBe(400);
    expect(withRole.body.errors[0].pointer).toBe('/role');
    const registered = await call('/auth/signup', { json: { email: john.email, name: john.name, password } });
    expect(registered.status).toBe(201);
    expect(
      (await call('/auth/signup', { json: { email: john.email, name: john.name, password } })).status,
    ).toBe(409);
    const login = await call('/auth/login', { json: { email: john.email, password } });
    expect(login.status).toBe(200);
    Object.assign(john, { userId: registered.body.userId, token: login.body.accessToken });

    const adminTwo = await call('/users', {
      token: admin.token,
      json: { email: `admin2-${unique()}@example.com`, name: 'POST Test ADMIN 2', role: 'admin' },
    });
    expect(adminTwo.status).toBe(201);
    expect(adminTwo.body.role).toBe('admin');
    const missingName = await call('/users', {
      token: admin.token,
      json: { email: 'a@example.com', role: 'admin' },
    });
    expect(missingName.status).toBe(400);
    expect(missingName.body.errors[0].pointer).toBe('/name');
    const wrong = await call('/auth/login', { json: { email: john.email, password: 'Invalid-password1' } });
    expect(wrong.status).toBe(401);
  });

  it('users: list, get one, PATCH the password, PATCH an unknown role (400 naming it), PUT', async () => {
    const list = await call('/users', { token: admin.token });
    expect(list.status).toBe(200);
    expect(list.body.items[0]).toEqual(
      expect.objectContaining({
        userId: expect.any(String),
        name: expect.any(String),
        role: expect.any(String),
      }),
    );
    const one = await call(`/users/${john.userId}`, { token: john.token });
    expect(one.body).toMatchObject({ name: john.name, email: john.email, role: 'requester' });
    expect((await call('/users/117', { token: admin.token })).status).toBe(404);

    const newPassword = 'YVJW@9#&npZ%1a';
    const patched = await call(`/users/${john.userId}`, {
      method: 'PATCH',
      token: john.token,
      json: { password: newPassword, currentPassword: password },
    });
    expect(patched.status).toBe(200);
    const minister = await call(`/users/${john.userId}`, {
      method: 'PATCH',
      token: admin.token,
      json: { role: 'minister-for-propaganda' },
    });
    expect(minister.status).toBe(400);
    expect(minister.body.errors[0].detail).toContain('"minister-for-propaganda"');

    const put = await call(`/users/${john.userId}`, {
      method: 'PUT',
      token: john.token,
      json: { name: 'was john now bazza', email: `bazza-${unique()}@example.com`, smsOptIn: false },
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ userId: john.userId, name: 'was john now bazza', role: 'requester' });
    Object.assign(john, { email: put.body.email });
    const relogin = await call('/auth/login', { json: { email: john.email, password: newPassword } });
    expect(relogin.status).toBe(200);
    Object.assign(john, { token: relogin.body.accessToken });
  });

  it('tickets: create, list, get, PATCH, PUT', async () => {
    const created = await call('/tickets', {
      token: john.token,
      json: { title: 'Issue 1', description: 'This is issue 1', priority: 'high' },
    });
    expect(created.status).toBe(201);
    ticketId = created.body.ticketId;
    expect((await call('/tickets', { token: john.token })).body.items[0]).toMatchObject({ ticketId });
    const got = await call(`/tickets/${ticketId}`, { token: john.token });
    expect(got.status).toBe(200);
    const patched = await call(`/tickets/${ticketId}`, {
      method: 'PATCH',
      token: john.token,
      headers: { 'if-match': got.headers.get('etag') ?? '' },
      json: { priority: 'urgent' },
    });
    expect(patched.status).toBe(200);
    const put = await call(`/tickets/${ticketId}`, {
      method: 'PUT',
      token: admin.token,
      headers: { 'if-match': patched.headers.get('etag') ?? '' },
      json: { title: 'Issue 1 (edited)', description: 'This is issue 1', type: 'incident', priority: 'low' },
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ title: 'Issue 1 (edited)', priority: 'low' });
  });

  it('comments: post, list across tickets, get one, PATCH, PUT, DELETE', async () => {
    const posted = await call('/comments', {
      token: john.token,
      json: { ticketId, body: 'This is a comment on issue 1 by the user' },
    });
    expect(posted.status).toBe(201);
    commentId = posted.body.commentId;
    const all = await call(`/comments?ticketId=${ticketId}`, { token: admin.token });
    expect(all.status).toBe(200);
    expect(all.body.items.map((comment: { commentId: string }) => comment.commentId)).toContain(commentId);
    expect((await call(`/comments/${commentId}`, { token: john.token })).status).toBe(200);
    const patched = await call(`/comments/${commentId}`, {
      method: 'PATCH',
      token: john.token,
      json: { body: 'edited' },
    });
    expect(patched.status).toBe(200);
    const put = await call(`/comments/${commentId}`, {
      method: 'PUT',
      token: john.token,
      json: { body: 'replaced' },
    });
    expect(put.status).toBe(200);
    expect(put.body.body).toBe('replaced');
    expect((await call(`/comments/${commentId}`, { method: 'DELETE', token: john.token })).status).toBe(204);
    expect((await call(`/comments/${commentId}`, { token: john.token })).status).toBe(404);
  });

  it('tickets: DELETE, then the user is disabled (DELETE /users/{id}) and can no longer sign in', async () => {
    expect((await call(`/tickets/${ticketId}`, { method: 'DELETE', token: admin.token })).status).toBe(204);
    expect((await call(`/tickets/${ticketId}`, { token: admin.token })).status).toBe(404);
    const deleted = await call(`/users/${john.userId}`, { method: 'DELETE', token: admin.token });
    expect(deleted.status).toBe(204);
    expect((await call('/me', { token: john.token })).status).toBe(401);
    expect((await call(`/users/${john.userId}`, { token: admin.token })).body.disabled).toBe(true);
  });
});
