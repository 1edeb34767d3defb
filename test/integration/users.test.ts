/**
 * Users through the HTTP API against the local stack: self sign-up, accounts admins create (temporary password,
 * first sign-in), the user list and directory, profiles with their tickets, changes, disabling, logging out.
 * Each `it` is named after the rule it checks.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { call, demoPassword, logIn, newRequester, type Session } from './support.ts';

const accounts = inject('demoAccounts');
const unique = () => randomUUID().slice(0, 8);

let admin: Session;
let agent: Session;

beforeAll(async () => {
  admin = await logIn(accounts.admin.email, accounts.admin.password);
  agent = await logIn(accounts.agent.email, accounts.agent.password);
});

/** An account created by the admin, signed in for the first time (temporary password replaced). */
async function createdUser(role: string, name = `Staff ${unique()}`): Promise<Session & { name: string }> {
  const email = `staff-${unique()}@example.com`;
  const created = await call('/users', { token: admin.token, json: { email, name, role } });
  if (created.status !== 201) throw new Error(`create user: ${created.status} ${created.text}`);
  const challenge = await call('/auth/login', { json: { email, password: created.body.temporaryPassword } });
  const tokens = await call('/auth/password', {
    json: { session: challenge.body.session, newPassword: demoPassword },
  });
  if (tokens.status !== 200) throw new Error(`first sign-in: ${tokens.status} ${tokens.text}`);
  return {
    userId: created.body.userId,
    email,
    name,
    token: tokens.body.accessToken,
    refreshToken: tokens.body.refreshToken,
  };
}

const newTicket = (session: Session, title: string) =>
  call('/tickets', { token: session.token, json: { title, description: `About ${title}` } });

/** Tokens carry whole seconds: a sign-in in the same second as a logout or disable is refused too. */
const nextSecond = () => new Promise((resolve) => setTimeout(resolve, 1100));

describe('self sign-up', () => {
  it('always makes a requester; privileged fields are a 400 naming them', async () => {
    const session = await newRequester('Sam Self');
    const me = await call('/me', { token: session.token });
    expect(me.body).toMatchObject({ role: 'requester', permissions: { canManageUsers: false } });
    for (const field of ['role', 'isStaff', 'isSuperuser']) {
      const email = `sneaky-${unique()}@example.com`;
      const refused = await call('/auth/signup', {
        json: { email, password: demoPassword, name: 'Sneaky', [field]: field === 'role' ? 'admin' : true },
      });
      expect(refused.status).toBe(400);
      expect(refused.body.errors).toEqual([expect.objectContaining({ in: 'body', pointer: `/${field}` })]);
      // Nothing was created: the email is still free.
      const login = await call('/auth/login', { json: { email, password: demoPassword } });
      expect(login.status).toBe(401);
    }
  });
});

describe('accounts created by an admin', () => {
  it('creates an agent with a temporary password that must be replaced at first sign-in; the agent then works tickets', async () => {
    const email = `agent-${unique()}@example.com`;
    const created = await call('/users', {
      token: admin.token,
      json: { email, name: 'Nora New-Agent', role: 'agent', phone: '+15555550142', smsOptIn: true },
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/users/${created.body.userId}`);
    expect(created.body).toMatchObject({ email, name: 'Nora New-Agent', role: 'agent', ticketsCount: 0 });
    expect(created.body.temporaryPassword).toMatch(/^.{16}$/);

    const login = await call('/auth/login', { json: { email, password: created.body.temporaryPassword } });
    expect(login.status).toBe(409);
    expect(login.body).toMatchObject({ challenge: 'NEW_PASSWORD_REQUIRED', type: '/problems/conflict' });
    expect(login.body.accessToken).toBeUndefined();
    const weak = await call('/auth/password', { json: { session: login.body.session, newPassword: 'weak' } });
    expect(weak.status).toBe(400);
    // A session is bound to its account: pointing it at another one is refused, and changes nothing.
    const signature = String(login.body.session).split('.')[1];
    const payload = Buffer.from(JSON.stringify({ u: accounts.admin.userId, s: 'any' })).toString('base64url');
    const forged = await call('/auth/password', {
      json: { session: `${payload}.${signature}`, newPassword: 'Hijack-pass-1' },
    });
    expect(forged.status).toBe(401);
    expect(
      (await call('/auth/login', { json: { email: accounts.admin.email, password: 'Hijack-pass-1' } }))
        .status,
    ).toBe(401);
    const tokens = await call('/auth/password', {
      json: { session: login.body.session, newPassword: 'Own-pass-w0rd' },
    });
    expect(tokens.status).toBe(200);
    expect(tokens.body).toMatchObject({ tokenType: 'Bearer', refreshToken: expect.any(String) });
    const me = await call('/me', { token: tokens.body.accessToken });
    expect(me.body).toMatchObject({
      userId: created.body.userId,
      role: 'agent',
      permissions: { canViewAll: true },
    });

    // The new agent works tickets: sees every ticket and moves one along.
    const requester = await newRequester('Agent Work Requester');
    const ticket = await newTicket(requester, 'Monitor flickers');
    const listed = await call('/tickets?limit=100', { token: tokens.body.accessToken });
    expect(listed.status).toBe(200);
    const moved = await call(`/tickets/${ticket.body.ticketId}`, {
      method: 'PATCH',
      token: tokens.body.accessToken,
      json: { status: 'in_progress' },
    });
    expect(moved.status).toBe(200);
    expect(moved.body.status).toBe('in_progress');

    // The password is theirs now: it signs in directly, and the refresh token works.
    expect((await call('/auth/login', { json: { email, password: 'Own-pass-w0rd' } })).status).toBe(200);
    expect((await call('/auth/refresh', { json: { refreshToken: tokens.body.refreshToken } })).status).toBe(
      200,
    );
  });

  it('refuses an unknown role naming it, a taken email, and callers without canManageUsers', async () => {
    const unknown = await call('/users', {
      token: admin.token,
      json: { email: `x-${unique()}@example.com`, name: 'X', role: 'minister' },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors).toEqual([expect.objectContaining({ pointer: '/role' })]);
    expect(unknown.body.errors[0].detail).toContain('"minister"');
    const taken = await call('/users', {
      token: admin.token,
      json: { email: accounts.requester.email, name: 'Dup', role: 'agent' },
    });
    expect(taken.status).toBe(409);
    const requester = await newRequester();
    const byRequester = await call('/users', {
      token: requester.token,
      json: { email: `y-${unique()}@example.com`, name: 'Y', role: 'admin' },
    });
    expect(byRequester.status).toBe(403);
    const byAgent = await call('/users', {
      token: agent.token,
      json: { email: `z-${unique()}@example.com`, name: 'Z', role: 'agent' },
    });
    expect(byAgent.status).toBe(403);
  });
});

describe('the user list', () => {
  it('lists users with role and ticketsCount, most tickets first, paginated, for canManageUsers and canViewAll only', async () => {
    const tag = unique();
    const people = await Promise.all([1, 3, 2].map((n) => newRequester(`Count ${n} ${tag}`)));
    for (const [i, n] of [1, 3, 2].entries()) {
      for (let k = 0; k < n; k++) await newTicket(people[i] as Session, `Ticket ${k} of ${n}`);
    }
    const seen: { userId: string; name: string; ticketsCount: number; role: string }[] = [];
    let cursor: string | undefined;
    do {
      const page = await call(`/users?limit=7${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, {
        token: admin.token,
      });
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(7);
      seen.push(...page.body.items);
      cursor = page.body.nextCursor ?? undefined;
    } while (cursor);
    expect(new Set(seen.map((user) => user.userId)).size).toBe(seen.length);
    const counts = seen.map((user) => user.ticketsCount);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
    const mine = seen.filter((user) => user.name.endsWith(tag));
    expect(mine.map((user) => [user.name, user.ticketsCount, user.role])).toEqual([
      [`Count 3 ${tag}`, 3, 'requester'],
      [`Count 2 ${tag}`, 2, 'requester'],
      [`Count 1 ${tag}`, 1, 'requester'],
    ]);
    expect(seen.map((user) => user.userId)).toEqual(
      expect.arrayContaining([accounts.admin.userId, accounts.agent.userId]),
    );

    expect((await call('/users', { token: agent.token })).status).toBe(200);
    const requester = people[0] as Session;
    const refused = await call('/users', { token: requester.token });
    expect(refused.status).toBe(403);
  });

  it('filters by role (an index per role, most tickets first), and says a role it does not know', async () => {
    const agents = await call('/users?role=agent&limit=100', { token: admin.token });
    expect(agents.status).toBe(200);
    expect(agents.body.items.length).toBeGreaterThan(0);
    expect(agents.body.items.every((user: { role: string }) => user.role === 'agent')).toBe(true);
    expect(agents.body.items.map((user: { userId: string }) => user.userId)).toContain(accounts.agent.userId);
    const unknown = await call('/users?role=minister', { token: admin.token });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors).toEqual([expect.objectContaining({ in: 'query', pointer: '/role' })]);
    const both = await call('/users?role=agent&name=al', { token: admin.token });
    expect(both.status).toBe(400);
    expect(both.body.errors[0].detail).toMatch(/not both/);
  });

  it('refuses a cursor from another listing', async () => {
    const page = await call('/users?limit=1', { token: admin.token });
    const other = await call(`/users?role=agent&cursor=${encodeURIComponent(page.body.nextCursor)}`, {
      token: admin.token,
    });
    expect(other.status).toBe(400);
    expect(other.body.errors[0].pointer).toBe('/cursor');
  });
});

describe('finding people by name', () => {
  it('lets anyone signed in find approvers (agents and admins only: id, name, email) by the start of the name', async () => {
    const requester = await newRequester('Alexandra Requester');
    const found = await call('/approvers?name=alex', { token: requester.token });
    expect(found.status).toBe(200);
    expect(found.body.items).toContainEqual({
      userId: accounts.agent.userId,
      name: accounts.agent.name,
      email: accounts.agent.email,
    });
    expect(found.body.items.map((user: { userId: string }) => user.userId)).not.toContain(requester.userId);
    expect(Object.keys(found.body.items[0]).sort()).toEqual(['email', 'name', 'userId']);
    // Case and accents do not matter.
    const upper = await call('/approvers?name=%C3%81LEX%20A', { token: requester.token });
    expect(upper.body.items.map((user: { userId: string }) => user.userId)).toContain(accounts.agent.userId);
    expect((await call('/approvers', { token: requester.token })).status).toBe(400);
  });

  it('finds any user by name for canManageUsers and canViewAll', async () => {
    const tag = unique();
    const requester = await newRequester(`Zed ${tag}`);
    const byName = await call(`/users?name=${encodeURIComponent(`zed ${tag}`)}`, { token: agent.token });
    expect(byName.status).toBe(200);
    expect(byName.body.items).toEqual([
      expect.objectContaining({ userId: requester.userId, role: 'requester', ticketsCount: 0 }),
    ]);
    const found = await call('/users?name=alex', { token: admin.token });
    expect(found.body.items.map((user: { userId: string }) => user.userId)).toContain(accounts.agent.userId);
    expect((await call('/users?name=zed', { token: requester.token })).status).toBe(403);
  });
});

describe('a user profile', () => {
  it('shows the tickets the user opened and those assigned to them, to the user, canManageUsers and canViewAll; 404 to others', async () => {
    const owner = await newRequester('Profile Owner');
    const other = await newRequester('Profile Stranger');
    const ticket = await newTicket(owner, 'Docking station dead');
    const assigned = await call(`/tickets/${ticket.body.ticketId}`, {
      method: 'PATCH',
      token: admin.token,
      json: { assigneeId: agent.userId },
    });
    expect(assigned.status).toBe(200);

    const own = await call(`/users/${owner.userId}`, { token: owner.token });
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ userId: owner.userId, role: 'requester', ticketsCount: 1 });
    expect(own.body.createdTickets.items).toEqual([
      expect.objectContaining({
        ticketId: ticket.body.ticketId,
        requester: { userId: owner.userId, name: 'Profile Owner', email: owner.email },
      }),
    ]);
    const byAdmin = await call(`/users/${owner.userId}`, { token: admin.token });
    expect(byAdmin.status).toBe(200);
    const agentProfile = await call(`/users/${agent.userId}`, { token: agent.token });
    expect(agentProfile.body.assignedTickets.items.map((t: { ticketId: string }) => t.ticketId)).toContain(
      ticket.body.ticketId,
    );
    expect((await call(`/users/${owner.userId}`, { token: other.token })).status).toBe(404);
    expect((await call('/users/no-such-user', { token: admin.token })).status).toBe(404);
  });
});

describe('changing a user', () => {
  it('lets users change their own name, phone and SMS consent (PATCH), and replace them (PUT)', async () => {
    const user = await newRequester('Pat Patch', { phone: '+15555550111', smsOptIn: true });
    const patched = await call(`/users/${user.userId}`, {
      method: 'PATCH',
      token: user.token,
      json: { name: 'Pat Patched', phone: '+15555550112' },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: 'Pat Patched', phone: '+15555550112', smsOptIn: true });
    const replaced = await call(`/users/${user.userId}`, {
      method: 'PUT',
      token: user.token,
      json: { name: 'Pat Put', email: user.email, smsOptIn: false, role: 'requester', disabled: false },
    });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({ name: 'Pat Put', phone: null, smsOptIn: false, role: 'requester' });
    expect((await call('/me', { token: user.token })).body).toMatchObject({ name: 'Pat Put', phone: null });
    const incomplete = await call(`/users/${user.userId}`, {
      method: 'PUT',
      token: user.token,
      json: { name: 'X' },
    });
    expect(incomplete.status).toBe(400);
  });

  it('changes a password only with the current one', async () => {
    const user = await newRequester('Pw Changer');
    const wrong = await call(`/users/${user.userId}`, {
      method: 'PATCH',
      token: user.token,
      json: { password: 'Next-pass-1', currentPassword: 'Wrong-pass-1' },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors[0].pointer).toBe('/currentPassword');
    const missing = await call(`/users/${user.userId}`, {
      method: 'PATCH',
      token: user.token,
      json: { password: 'Next-pass-1' },
    });
    expect(missing.status).toBe(400);
    const changed = await call(`/users/${user.userId}`, {
      method: 'PATCH',
      token: user.token,
      json: { password: 'Next-pass-1', currentPassword: demoPassword },
    });
    expect(changed.status).toBe(200);
    expect((await call('/auth/login', { json: { email: user.email, password: demoPassword } })).status).toBe(
      401,
    );
    expect((await call('/auth/login', { json: { email: user.email, password: 'Next-pass-1' } })).status).toBe(
      200,
    );
    const byAdmin = await call(`/users/${user.userId}`, {
      method: 'PATCH',
      token: admin.token,
      json: { password: 'Admin-set-1', currentPassword: 'Next-pass-1' },
    });
    expect(byAdmin.status).toBe(403);
  });

  it('keeps the account identity when the email changes', async () => {
    const user = await newRequester('Email Mover');
    const newEmail = `moved-${unique()}@example.com`;
    const moved = await call(`/users/${user.userId}`, {
      method: 'PATCH',
      token: user.token,
      json: { email: newEmail.toUpperCase() },
    });
    expect(moved.status).toBe(200);
    expect(moved.body.email).toBe(newEmail);
    const login = await call('/auth/login', { json: { email: newEmail, password: demoPassword } });
    expect(login.status).toBe(200);
    expect((await call('/me', { token: login.body.accessToken })).body).toMatchObject({
      userId: user.userId,
      email: newEmail,
    });
    expect((await call('/auth/login', { json: { email: user.email, password: demoPassword } })).status).toBe(
      401,
    );
    const taken = await call(`/users/${user.userId}`, {
      method: 'PATCH',
      token: user.token,
      json: { email: accounts.agent.email },
    });
    expect(taken.status).toBe(409);
  });

  it('lets only canManageUsers change role and disabled state, of others; the new role counts from the next request', async () => {
    const user = await newRequester('Role Climber');
    const self = await call(`/users/${user.userId}`, {
      method: 'PATCH',
      token: user.token,
      json: { role: 'admin' },
    });
    expect(self.status).toBe(403);
    // Not even sending a field unchanged: a caller who may not edit this user is refused every time.
    const sameName = await call(`/users/${user.userId}`, {
      method: 'PATCH',
      token: agent.token,
      json: { name: 'Role Climber' },
    });
    expect(sameName.status).toBe(403);
    const byAgent = await call(`/users/${user.userId}`, {
      method: 'PATCH',
      token: agent.token,
      json: { role: 'agent' },
    });
    expect(byAgent.status).toBe(403);
    const stranger = await newRequester('Role Stranger');
    const byStranger = await call(`/users/${user.userId}`, {
      method: 'PATCH',
      token: stranger.token,
      json: { name: 'Hijacked' },
    });
    expect(byStranger.status).toBe(404);
    const ownRole = await call(`/users/${admin.userId}`, {
      method: 'PATCH',
      token: admin.token,
      json: { role: 'agent' },
    });
    expect(ownRole.status).toBe(403);
    const unknown = await call(`/users/${user.userId}`, {
      method: 'PATCH',
      token: admin.token,
      json: { role: 'minister' },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors[0]).toMatchObject({ pointer: '/role' });

    expect((await call('/users', { token: user.token })).status).toBe(403);
    const promoted = await call(`/users/${user.userId}`, {
      method: 'PATCH',
      token: admin.token,
      json: { role: 'agent' },
    });
    expect(promoted.status).toBe(200);
    expect(promoted.body.role).toBe('agent');
    // Same token, next request: the agent's flags.
    expect((await call('/users', { token: user.token })).status).toBe(200);
    expect((await call('/me', { token: user.token })).body).toMatchObject({
      role: 'agent',
      permissions: { canViewAll: true },
    });
    const agents = await call(`/users?role=agent&limit=100`, { token: admin.token });
    expect(agents.body.items.map((u: { userId: string }) => u.userId)).toContain(user.userId);
    const found = await call('/approvers?name=role%20climber', { token: user.token });
    expect(found.body.items.map((u: { userId: string }) => u.userId)).toEqual([user.userId]);
  });
});

describe('disabling a user', () => {
  it('disables instead of deleting: no sign-in, no API call from the next request, tickets and history stay attributed', async () => {
    const user = await newRequester('Leaving Soon');
    const ticket = await newTicket(user, 'Return my laptop');
    const comment = await call(`/tickets/${ticket.body.ticketId}/comments`, {
      token: user.token,
      json: { body: 'It is in the box.' },
    });
    expect(comment.status).toBe(201);

    expect((await call(`/users/${user.userId}`, { method: 'DELETE', token: agent.token })).status).toBe(403);
    expect((await call(`/users/${admin.userId}`, { method: 'DELETE', token: admin.token })).status).toBe(403);
    const disabled = await call(`/users/${user.userId}`, { method: 'DELETE', token: admin.token });
    expect(disabled.status).toBe(204);
    expect((await call(`/users/${user.userId}`, { method: 'DELETE', token: admin.token })).status).toBe(204);

    const refused = await call('/me', { token: user.token });
    expect(refused.status).toBe(401);
    expect(refused.body.detail).toBe('This account is disabled.');
    const login = await call('/auth/login', { json: { email: user.email, password: demoPassword } });
    expect(login.status).toBe(401);
    expect((await call('/auth/refresh', { json: { refreshToken: user.refreshToken } })).status).toBe(401);

    const kept = await call(`/tickets/${ticket.body.ticketId}`, { token: admin.token });
    expect(kept.status).toBe(200);
    expect(kept.body).toMatchObject({
      requesterId: user.userId,
      requester: { userId: user.userId, name: 'Leaving Soon', email: user.email },
    });
    const profile = await call(`/users/${user.userId}`, { token: admin.token });
    expect(profile.body).toMatchObject({ disabled: true, ticketsCount: 1 });
    expect(profile.body.createdTickets.items.map((t: { ticketId: string }) => t.ticketId)).toEqual([
      ticket.body.ticketId,
    ]);

    // An admin can enable them again; old tokens stay refused, a new sign-in works.
    await nextSecond();
    const enabled = await call(`/users/${user.userId}`, {
      method: 'PATCH',
      token: admin.token,
      json: { disabled: false },
    });
    expect(enabled.status).toBe(200);
    expect((await call('/me', { token: user.token })).status).toBe(401);
    const again = await call('/auth/login', { json: { email: user.email, password: demoPassword } });
    expect(again.status).toBe(200);
    expect((await call('/me', { token: again.body.accessToken })).status).toBe(200);
  });

  it('takes disabled approvers out of the approver directory', async () => {
    const name = `Quinn Approver ${unique()}`;
    const approver = await createdUser('agent', name);
    const search = () => call(`/approvers?name=${encodeURIComponent(name)}`, { token: agent.token });
    expect((await search()).body.items.map((u: { userId: string }) => u.userId)).toEqual([approver.userId]);
    await call(`/users/${approver.userId}`, { method: 'DELETE', token: admin.token });
    expect((await search()).body.items).toEqual([]);
  });
});

describe('logging out', () => {
  it('stops the refresh token and refuses the access token from then on', async () => {
    const user = await newRequester('Log Out');
    expect((await call('/me', { token: user.token })).status).toBe(200);
    const anonymous = await call('/auth/logout', { json: { refreshToken: user.refreshToken } });
    expect(anonymous.status).toBe(401);
    const out = await call('/auth/logout', { token: user.token, json: { refreshToken: user.refreshToken } });
    expect(out.status).toBe(204);
    const refused = await call('/me', { token: user.token });
    expect(refused.status).toBe(401);
    expect(refused.body.detail).toMatch(/session has ended/);
    expect((await call('/auth/refresh', { json: { refreshToken: user.refreshToken } })).status).toBe(401);
    await nextSecond();
    const again = await logIn(user.email, demoPassword);
    expect((await call('/me', { token: again.token })).status).toBe(200);
    const badToken = await call('/auth/logout', {
      token: again.token,
      json: { refreshToken: 'not-a-token' },
    });
    expect(badToken.status).toBe(400);
    expect(badToken.body.errors[0].pointer).toBe('/refreshToken');
  });
});
