/**
 * Users through the HTTP API against the local stack: self sign-up, accounts admins create (temporary password,
 * first sign-in), the user list and directory, profiles with their tickets, changes, disabling, logging out.
 * Each `it` is named after the rule it checks. Calls go through the typed client (`apiAs`); `call` only sends what
 * the document refuses on purpose (an unknown field, a missing one).
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { problemOf, type Schema } from '../../client/index.ts';
import {
  api,
  apiAs,
  call,
  demoPassword,
  eventually,
  logIn,
  mailsTo,
  newRequester,
  ok,
  type Session,
} from './support.ts';

const accounts = inject('demoAccounts');
const unique = () => randomUUID().slice(0, 8);

let admin: Session;
let agent: Session;

beforeAll(async () => {
  admin = await logIn(accounts.admin.email, accounts.admin.password);
  agent = await logIn(accounts.agent.email, accounts.agent.password);
});

/** An RFC 9457 problem as the tests read it, with the extension members a route adds (`session`, ...). */
interface ProblemBody {
  readonly type: string;
  readonly status: number;
  readonly detail?: string;
  readonly errors?: readonly { readonly in: string; readonly pointer: string; readonly detail: string }[];
  readonly [member: string]: unknown;
}

/** The problem a call was answered with (undefined for a success or an API Gateway message). */
const problem = (result: { error?: unknown; response: Response }) =>
  problemOf(result) as ProblemBody | undefined;

/** `PATCH /users/{userId}` as `token`. */
const patch = (token: string, userId: string, body: Schema<'UpdateUserRequest'>) =>
  apiAs(token).PATCH('/users/{userId}', { params: { path: { userId } }, body });

/** The log-in of an account with a temporary password: 409 with the challenge session for `/auth/password`. */
async function challengeOf(email: string, temporaryPassword: string): Promise<string> {
  const login = await api.POST('/auth/login', { body: { email, password: temporaryPassword } });
  const session = problem(login)?.session;
  if (login.response.status !== 409 || typeof session !== 'string') {
    throw new Error(
      `login with a temporary password: ${login.response.status} ${JSON.stringify(login.error)}`,
    );
  }
  return session;
}

/** An account created by the admin, signed in for the first time (temporary password replaced). */
async function createdUser(role: string, name = `Staff ${unique()}`): Promise<Session & { name: string }> {
  const email = `staff-${unique()}@example.com`;
  const created = ok(
    await apiAs(admin.token).POST('/users', { body: { email, name, role } }),
    `create user of role ${role}`,
  );
  const session = await challengeOf(email, created.temporaryPassword);
  const tokens = ok(
    await api.POST('/auth/password', { body: { session, newPassword: demoPassword } }),
    'first sign-in',
  );
  return {
    userId: created.userId,
    email,
    name,
    token: tokens.accessToken,
    refreshToken: tokens.refreshToken,
  };
}

/** Open a ticket as `session`. @throws Error when it is not created */
const newTicket = async (session: Session, title: string) =>
  ok(
    await apiAs(session.token).POST('/tickets', {
      // type and priority are their defaults, sent since the typed client wants them (openapi-typescript).
      body: { title, description: `About ${title}`, type: 'incident', priority: 'medium' },
    }),
    `ticket ${title}`,
  );

/** The status of a log-in with this email and password. */
const logInStatus = async (email: string, password: string) =>
  (await api.POST('/auth/login', { body: { email, password } })).response.status;

/** The status of `GET /me` with this access token. */
const meStatus = async (token: string) => (await apiAs(token).GET('/me')).response.status;

/** Tokens carry whole seconds: a sign-in in the same second as a logout or disable is refused too. */
const nextSecond = () => new Promise((resolve) => setTimeout(resolve, 1100));

describe('self sign-up', () => {
  it('always makes a requester; privileged fields are a 400 naming them', async () => {
    const session = await newRequester('Sam Self');
    const me = ok(await apiAs(session.token).GET('/me'), 'GET /me');
    expect(me).toMatchObject({ role: 'requester', permissions: { canManageUsers: false } });
    const email = `self-${unique()}@example.com`;
    const signup = await api.POST('/auth/signup', { body: { email, password: demoPassword, name: 'Self' } });
    expect(signup.response.status).toBe(201);
    expect(signup.response.headers.get('location')).toBe('/me');
    expect(signup.data).toEqual({ userId: expect.any(String), email, name: 'Self', role: 'requester' });
    for (const field of ['role', 'isStaff', 'isSuperuser']) {
      const sneaky = `sneaky-${unique()}@example.com`;
      // Off the contract on purpose: the document has no such field.
      const refused = await call('/auth/signup', {
        json: {
          email: sneaky,
          password: demoPassword,
          name: 'Sneaky',
          [field]: field === 'role' ? 'admin' : true,
        },
      });
      expect(refused.status).toBe(400);
      expect(refused.body.errors).toEqual([expect.objectContaining({ in: 'body', pointer: `/${field}` })]);
      // Nothing was created: the email is still free.
      expect(await logInStatus(sneaky, demoPassword)).toBe(401);
    }
  });

  it('refuses a password breaking a rule (12+ characters, the pool policy, not a common one) as a 400 naming the rule', async () => {
    const email = `weak-${unique()}@example.com`;
    for (const [password, rule] of [
      ['no-upper-case-1', /upper-case/],
      ['Short-pas-1', /12 characters/],
      [' Lead-space-1', /space/],
      ['Qwerty123456', /commonest passwords/],
    ] as const) {
      const weak = await api.POST('/auth/signup', { body: { email, password, name: 'Weak' } });
      expect(weak.response.status).toBe(400);
      expect(problem(weak)?.errors).toEqual([
        expect.objectContaining({ pointer: '/password', detail: expect.stringMatching(rule) }),
      ]);
    }
    // None of them made an account.
    expect(await logInStatus(email, 'no-upper-case-1')).toBe(401);
  });
});

describe('accounts created by an admin', () => {
  it('creates an agent with a temporary password that must be replaced at first sign-in; the agent then works tickets', async () => {
    const email = `agent-${unique()}@example.com`;
    const creation = await apiAs(admin.token).POST('/users', {
      body: { email, name: 'Nora New-Agent', role: 'agent', phone: '+15555550142', smsOptIn: true },
    });
    expect(creation.response.status).toBe(201);
    const created = ok(creation, 'create agent');
    expect(creation.response.headers.get('location')).toBe(`/users/${created.userId}`);
    expect(created).toMatchObject({ email, name: 'Nora New-Agent', role: 'agent', ticketsCount: 0 });
    expect(created.temporaryPassword).toMatch(/^.{16}$/);

    const login = await api.POST('/auth/login', { body: { email, password: created.temporaryPassword } });
    expect(login.response.status).toBe(409);
    expect(problem(login)).toMatchObject({ challenge: 'NEW_PASSWORD_REQUIRED', type: '/problems/conflict' });
    expect(login.data).toBeUndefined();
    const session = String(problem(login)?.session);
    const weak = await api.POST('/auth/password', { body: { session, newPassword: 'weak' } });
    expect(weak.response.status).toBe(400);
    expect(problem(weak)?.errors?.map((error) => error.pointer)).toContain('/newPassword');
    // A session is bound to its account: pointing it at another one is refused, and changes nothing.
    const signature = session.split('.')[1];
    const payload = Buffer.from(JSON.stringify({ u: accounts.admin.userId, s: 'any' })).toString('base64url');
    const forged = await api.POST('/auth/password', {
      body: { session: `${payload}.${signature}`, newPassword: 'Hijack-pass-1' },
    });
    expect(forged.response.status).toBe(401);
    expect(await logInStatus(accounts.admin.email, 'Hijack-pass-1')).toBe(401);
    const answered = await api.POST('/auth/password', { body: { session, newPassword: 'Own-pass-w0rd' } });
    expect(answered.response.status).toBe(200);
    const tokens = ok(answered, 'first sign-in');
    expect(tokens).toMatchObject({ tokenType: 'Bearer', refreshToken: expect.any(String) });
    const me = ok(await apiAs(tokens.accessToken).GET('/me'), 'GET /me');
    expect(me).toMatchObject({ userId: created.userId, role: 'agent', permissions: { canViewAll: true } });

    // The new agent works tickets: sees every ticket and moves one along.
    const requester = await newRequester('Agent Work Requester');
    const ticket = await newTicket(requester, 'Monitor flickers');
    const newAgent = apiAs(tokens.accessToken);
    const listed = await newAgent.GET('/tickets', { params: { query: { limit: 100 } } });
    expect(listed.response.status).toBe(200);
    const moved = await newAgent.PATCH('/tickets/{ticketId}', {
      params: { path: { ticketId: ticket.ticketId } },
      body: { status: 'in_progress' },
    });
    expect(moved.response.status).toBe(200);
    expect(moved.data?.status).toBe('in_progress');

    // The password is theirs now: it signs in directly, and the refresh token works.
    expect(await logInStatus(email, 'Own-pass-w0rd')).toBe(200);
    const refreshed = await api.POST('/auth/refresh', { body: { refreshToken: tokens.refreshToken } });
    expect(refreshed.response.status).toBe(200);
    expect(refreshed.data?.refreshToken).toBe(tokens.refreshToken);
  });

  it('refuses an unknown role (422 naming it), a taken email, and callers without canManageUsers', async () => {
    const unknown = await apiAs(admin.token).POST('/users', {
      body: { email: `x-${unique()}@example.com`, name: 'X', role: 'minister' },
    });
    expect(unknown.response.status).toBe(422);
    expect(problem(unknown)?.type).toBe('/problems/unprocessable-content');
    expect(problem(unknown)?.errors).toEqual([
      expect.objectContaining({
        in: 'body',
        pointer: '/role',
        detail: expect.stringContaining('"minister"'),
      }),
    ]);
    const taken = await apiAs(admin.token).POST('/users', {
      body: { email: accounts.requester.email, name: 'Dup', role: 'agent' },
    });
    expect(taken.response.status).toBe(409);
    const requester = await newRequester();
    const byRequester = await apiAs(requester.token).POST('/users', {
      body: { email: `y-${unique()}@example.com`, name: 'Y', role: 'admin' },
    });
    expect(byRequester.response.status).toBe(403);
    const byAgent = await apiAs(agent.token).POST('/users', {
      body: { email: `z-${unique()}@example.com`, name: 'Z', role: 'agent' },
    });
    expect(byAgent.response.status).toBe(403);
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
      const page = ok(
        await apiAs(admin.token).GET('/users', { params: { query: { limit: 7, cursor } } }),
        'GET /users',
      );
      expect(page.items.length).toBeLessThanOrEqual(7);
      seen.push(...page.items);
      cursor = page.nextCursor ?? undefined;
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

    expect((await apiAs(agent.token).GET('/users')).response.status).toBe(200);
    const requester = people[0] as Session;
    const refused = await apiAs(requester.token).GET('/users');
    expect(refused.response.status).toBe(403);
  });

  it('filters by role (an index per role, most tickets first); an unknown role is a 422, and so is role with name', async () => {
    const agents = ok(
      await apiAs(admin.token).GET('/users', { params: { query: { role: 'agent', limit: 100 } } }),
      'GET /users?role=agent',
    );
    expect(agents.items.length).toBeGreaterThan(0);
    expect(agents.items.every((user) => user.role === 'agent')).toBe(true);
    expect(agents.items.map((user) => user.userId)).toContain(accounts.agent.userId);
    const unknown = await apiAs(admin.token).GET('/users', { params: { query: { role: 'minister' } } });
    expect(unknown.response.status).toBe(422);
    expect(problem(unknown)?.errors).toEqual([expect.objectContaining({ in: 'query', pointer: '/role' })]);
    // The document says so (both parameters' descriptions); a query schema cannot state the exclusion, so the
    // operation refuses it.
    const both = await apiAs(admin.token).GET('/users', { params: { query: { role: 'agent', name: 'al' } } });
    expect(both.response.status).toBe(422);
    expect(problem(both)?.type).toBe('/problems/unprocessable-content');
    expect(problem(both)?.errors).toEqual([
      expect.objectContaining({ in: 'query', pointer: '/name', detail: expect.stringMatching(/not both/) }),
    ]);
  });

  it('refuses a cursor from another listing (422), and one that is no cursor (400)', async () => {
    const page = ok(
      await apiAs(admin.token).GET('/users', { params: { query: { limit: 1 } } }),
      'GET /users',
    );
    const cursor = page.nextCursor ?? '';
    expect(cursor).not.toBe('');
    const other = await apiAs(admin.token).GET('/users', { params: { query: { role: 'agent', cursor } } });
    expect(other.response.status).toBe(422);
    expect(problem(other)?.errors?.[0]?.pointer).toBe('/cursor');
    const garbage = await apiAs(admin.token).GET('/users', { params: { query: { cursor: 'not a cursor' } } });
    expect(garbage.response.status).toBe(400);
    expect(problem(garbage)?.errors?.[0]?.pointer).toBe('/cursor');
  });
});

describe('finding people by name', () => {
  it('lets anyone signed in find approvers (agents and admins only: id, name, email) by the start of the name', async () => {
    const requester = await newRequester('Alexandra Requester');
    const search = (name: string) =>
      apiAs(requester.token).GET('/approvers', { params: { query: { name } } });
    const found = ok(await search('alex'), 'GET /approvers');
    expect(found.items).toContainEqual({
      userId: accounts.agent.userId,
      name: accounts.agent.name,
      email: accounts.agent.email,
    });
    expect(found.items.map((user) => user.userId)).not.toContain(requester.userId);
    expect(Object.keys(found.items[0] ?? {}).sort()).toEqual(['email', 'name', 'userId']);
    // Case and accents do not matter.
    const upper = ok(await search('ÁLEX A'), 'GET /approvers');
    expect(upper.items.map((user) => user.userId)).toContain(accounts.agent.userId);
    // Off the contract on purpose: name is required.
    expect((await call('/approvers', { token: requester.token })).status).toBe(400);
  });

  it('finds any user by name for canManageUsers and canViewAll', async () => {
    const tag = unique();
    const requester = await newRequester(`Zed ${tag}`);
    const byName = await apiAs(agent.token).GET('/users', { params: { query: { name: `zed ${tag}` } } });
    expect(byName.response.status).toBe(200);
    expect(byName.data?.items).toEqual([
      expect.objectContaining({ userId: requester.userId, role: 'requester', ticketsCount: 0 }),
    ]);
    const found = ok(
      await apiAs(admin.token).GET('/users', { params: { query: { name: 'alex' } } }),
      'GET /users?name=alex',
    );
    expect(found.items.map((user) => user.userId)).toContain(accounts.agent.userId);
    const refused = await apiAs(requester.token).GET('/users', { params: { query: { name: 'zed' } } });
    expect(refused.response.status).toBe(403);
  });
});

describe('a user profile', () => {
  it('shows the tickets the user opened and those assigned to them, to the user, canManageUsers and canViewAll; 404 to others', async () => {
    const owner = await newRequester('Profile Owner');
    const other = await newRequester('Profile Stranger');
    const ticket = await newTicket(owner, 'Docking station dead');
    const assigned = await apiAs(admin.token).PATCH('/tickets/{ticketId}', {
      params: { path: { ticketId: ticket.ticketId } },
      body: { assigneeId: agent.userId },
    });
    expect(assigned.response.status).toBe(200);

    const profileOf = (userId: string, token: string) =>
      apiAs(token).GET('/users/{userId}', { params: { path: { userId } } });
    const own = await profileOf(owner.userId, owner.token);
    expect(own.response.status).toBe(200);
    expect(own.data).toMatchObject({ userId: owner.userId, role: 'requester', ticketsCount: 1 });
    expect(own.data?.createdTickets).toEqual({
      items: [
        expect.objectContaining({
          ticketId: ticket.ticketId,
          requester: { userId: owner.userId, name: 'Profile Owner', email: owner.email },
        }),
      ],
      more: false,
    });
    expect((await profileOf(owner.userId, admin.token)).response.status).toBe(200);
    const agentProfile = ok(await profileOf(agent.userId, agent.token), 'agent profile');
    expect(agentProfile.assignedTickets.items.map((t) => t.ticketId)).toContain(ticket.ticketId);
    expect((await profileOf(owner.userId, other.token)).response.status).toBe(404);
    expect((await profileOf('no-such-user', admin.token)).response.status).toBe(404);
  });
});

describe('changing a user', () => {
  it('lets users change their own name, phone and SMS consent (PATCH), and replace them (PUT)', async () => {
    const user = await newRequester('Pat Patch', { phone: '+15555550111', smsOptIn: true });
    const patched = await patch(user.token, user.userId, { name: 'Pat Patched', phone: '+15555550112' });
    expect(patched.response.status).toBe(200);
    // The new number awaits its SMS code (the old one was verified by newRequester): no SMS to it until then.
    expect(patched.data).toMatchObject({
      name: 'Pat Patched',
      phone: '+15555550112',
      smsOptIn: true,
      phoneVerified: false,
    });
    const replaced = await apiAs(user.token).PUT('/users/{userId}', {
      params: { path: { userId: user.userId } },
      body: { name: 'Pat Put', email: user.email, smsOptIn: false, role: 'requester', disabled: false },
    });
    expect(replaced.response.status).toBe(200);
    expect(replaced.data).toMatchObject({
      name: 'Pat Put',
      phone: null,
      smsOptIn: false,
      phoneVerified: false,
      role: 'requester',
    });
    expect(ok(await apiAs(user.token).GET('/me'), 'GET /me')).toMatchObject({ name: 'Pat Put', phone: null });
    // messageEmails: taken by PUT as by PATCH (the user's or an admin's), and left as it is when not sent.
    const put = (token: string, messageEmails?: boolean) =>
      apiAs(token).PUT('/users/{userId}', {
        params: { path: { userId: user.userId } },
        body: {
          name: 'Pat Put',
          email: user.email,
          smsOptIn: false,
          ...(messageEmails === undefined ? {} : { messageEmails }),
        },
      });
    expect((await put(admin.token, false)).response.status).toBe(200);
    expect(ok(await apiAs(user.token).GET('/me'), 'GET /me').messageEmails).toBe(false);
    expect((await put(user.token)).response.status).toBe(200);
    expect(ok(await apiAs(user.token).GET('/me'), 'GET /me').messageEmails).toBe(false);
    expect((await put(user.token, true)).response.status).toBe(200);
    expect(ok(await apiAs(user.token).GET('/me'), 'GET /me').messageEmails).toBe(true);
    expect((await put(agent.token, false)).response.status).toBe(403);
    // Off the contract on purpose: a PUT without email and smsOptIn.
    const incomplete = await call(`/users/${user.userId}`, {
      method: 'PUT',
      token: user.token,
      json: { name: 'X' },
    });
    expect(incomplete.status).toBe(400);
    const nothing = await call(`/users/${user.userId}`, { method: 'PATCH', token: user.token, json: {} });
    expect(nothing.status).toBe(400);
  });

  it('changes a password only with the current one: a wrong one is a 422, a missing one a 400', async () => {
    const user = await newRequester('Pw Changer');
    const wrong = await patch(user.token, user.userId, {
      password: 'Next-pass-word-1',
      currentPassword: 'Wrong-pass-1',
    });
    expect(wrong.response.status).toBe(422);
    expect(problem(wrong)?.type).toBe('/problems/unprocessable-content');
    expect(problem(wrong)?.errors?.[0]?.pointer).toBe('/currentPassword');
    // Off the contract on purpose: the document requires currentPassword with password.
    const missing = await call(`/users/${user.userId}`, {
      method: 'PATCH',
      token: user.token,
      json: { password: 'Next-pass-word-1' },
    });
    expect(missing.status).toBe(400);
    expect(missing.body.errors[0].pointer).toBe('/currentPassword');
    const changed = await patch(user.token, user.userId, {
      password: 'Next-pass-word-1',
      currentPassword: demoPassword,
    });
    expect(changed.response.status).toBe(200);
    expect(await logInStatus(user.email, demoPassword)).toBe(401);
    expect(await logInStatus(user.email, 'Next-pass-word-1')).toBe(200);
    const byAdmin = await patch(admin.token, user.userId, {
      password: 'Admin-set-word-1',
      currentPassword: 'Next-pass-word-1',
    });
    expect(byAdmin.response.status).toBe(403);
  });

  it('keeps the account identity when the email changes (once the code mailed to it came back)', async () => {
    const user = await newRequester('Email Mover');
    const newEmail = `moved-${unique()}@example.com`;
    const moved = await patch(user.token, user.userId, { email: newEmail.toUpperCase() });
    expect(moved.response.status).toBe(200);
    expect(moved.data).toMatchObject({ email: user.email, pendingEmail: newEmail });
    // The code mailed to the new address (email-change.test.ts covers the rest of the flow).
    const code = await eventually(
      async () =>
        (await mailsTo(newEmail))
          .find((mail) => mail.subject === 'Confirm your new email address')
          ?.body.text?.match(/verification code is (\d{6})/)?.[1],
      `code to ${newEmail}`,
    );
    ok(await apiAs(user.token).POST('/me/email/verify', { body: { code } }), 'verify the new email');
    const login = ok(
      await api.POST('/auth/login', { body: { email: newEmail, password: demoPassword } }),
      'login with the new email',
    );
    expect(ok(await apiAs(login.accessToken).GET('/me'), 'GET /me')).toMatchObject({
      userId: user.userId,
      email: newEmail,
    });
    expect(await logInStatus(user.email, demoPassword)).toBe(401);
    const taken = await patch(user.token, user.userId, { email: accounts.agent.email });
    expect(taken.response.status).toBe(409);
  });

  it('lets only canManageUsers change role and disabled state, of others; the new role counts from the next request', async () => {
    const user = await newRequester('Role Climber');
    expect((await patch(user.token, user.userId, { role: 'admin' })).response.status).toBe(403);
    // Not even sending a field unchanged: a caller who may not edit this user is refused every time.
    expect((await patch(agent.token, user.userId, { name: 'Role Climber' })).response.status).toBe(403);
    expect((await patch(agent.token, user.userId, { role: 'agent' })).response.status).toBe(403);
    const stranger = await newRequester('Role Stranger');
    expect((await patch(stranger.token, user.userId, { name: 'Hijacked' })).response.status).toBe(404);
    expect((await patch(admin.token, admin.userId, { role: 'agent' })).response.status).toBe(403);
    const unknown = await patch(admin.token, user.userId, { role: 'minister' });
    expect(unknown.response.status).toBe(422);
    expect(problem(unknown)?.errors?.[0]).toMatchObject({ pointer: '/role' });

    expect((await apiAs(user.token).GET('/users')).response.status).toBe(403);
    const promoted = await patch(admin.token, user.userId, { role: 'agent' });
    expect(promoted.response.status).toBe(200);
    expect(promoted.data?.role).toBe('agent');
    // Same token, next request: the agent's flags.
    expect((await apiAs(user.token).GET('/users')).response.status).toBe(200);
    expect(ok(await apiAs(user.token).GET('/me'), 'GET /me')).toMatchObject({
      role: 'agent',
      permissions: { canViewAll: true },
    });
    const agents = ok(
      await apiAs(admin.token).GET('/users', { params: { query: { role: 'agent', limit: 100 } } }),
      'GET /users?role=agent',
    );
    expect(agents.items.map((u) => u.userId)).toContain(user.userId);
    const found = ok(
      await apiAs(user.token).GET('/approvers', { params: { query: { name: 'role climber' } } }),
      'GET /approvers',
    );
    expect(found.items.map((u) => u.userId)).toEqual([user.userId]);
  });
});

describe('disabling a user', () => {
  const disable = (token: string, userId: string) =>
    apiAs(token).DELETE('/users/{userId}', { params: { path: { userId } } });

  it('disables instead of deleting: no sign-in, no API call from the next request, tickets and history stay attributed', async () => {
    const user = await newRequester('Leaving Soon');
    const ticket = await newTicket(user, 'Return my laptop');
    const comment = await apiAs(user.token).POST('/tickets/{ticketId}/comments', {
      params: { path: { ticketId: ticket.ticketId } },
      body: { body: 'It is in the box.', internal: false },
    });
    expect(comment.response.status).toBe(201);

    expect((await disable(agent.token, user.userId)).response.status).toBe(403);
    expect((await disable(admin.token, admin.userId)).response.status).toBe(403);
    expect((await disable(admin.token, user.userId)).response.status).toBe(204);
    expect((await disable(admin.token, user.userId)).response.status).toBe(204);

    const refused = await apiAs(user.token).GET('/me');
    expect(refused.response.status).toBe(401);
    expect(problem(refused)?.detail).toBe('This account is disabled.');
    expect(await logInStatus(user.email, demoPassword)).toBe(401);
    const refresh = await api.POST('/auth/refresh', { body: { refreshToken: user.refreshToken } });
    expect(refresh.response.status).toBe(401);

    const kept = await apiAs(admin.token).GET('/tickets/{ticketId}', {
      params: { path: { ticketId: ticket.ticketId } },
    });
    expect(kept.response.status).toBe(200);
    expect(kept.data).toMatchObject({
      requesterId: user.userId,
      requester: { userId: user.userId, name: 'Leaving Soon', email: user.email },
    });
    const profile = ok(
      await apiAs(admin.token).GET('/users/{userId}', { params: { path: { userId: user.userId } } }),
      'profile',
    );
    expect(profile).toMatchObject({ disabled: true, ticketsCount: 1 });
    expect(profile.createdTickets.items.map((t) => t.ticketId)).toEqual([ticket.ticketId]);

    // An admin can enable them again; old tokens stay refused, a new sign-in works.
    await nextSecond();
    const enabled = await patch(admin.token, user.userId, { disabled: false });
    expect(enabled.response.status).toBe(200);
    expect(await meStatus(user.token)).toBe(401);
    const again = ok(
      await api.POST('/auth/login', { body: { email: user.email, password: demoPassword } }),
      'login again',
    );
    expect(await meStatus(again.accessToken)).toBe(200);
  });

  it('takes disabled approvers out of the approver directory', async () => {
    const name = `Quinn Approver ${unique()}`;
    const approver = await createdUser('agent', name);
    const search = async () =>
      ok(await apiAs(agent.token).GET('/approvers', { params: { query: { name } } }), 'GET /approvers').items;
    expect((await search()).map((u) => u.userId)).toEqual([approver.userId]);
    expect((await disable(admin.token, approver.userId)).response.status).toBe(204);
    expect(await search()).toEqual([]);
  });
});

describe('logging out', () => {
  it('stops the refresh token and refuses the access token from then on; an unknown refresh token is a 422', async () => {
    const user = await newRequester('Log Out');
    expect(await meStatus(user.token)).toBe(200);
    const anonymous = await api.POST('/auth/logout', { body: { refreshToken: user.refreshToken } });
    expect(anonymous.response.status).toBe(401);
    const out = await apiAs(user.token).POST('/auth/logout', { body: { refreshToken: user.refreshToken } });
    expect(out.response.status).toBe(204);
    const refused = await apiAs(user.token).GET('/me');
    expect(refused.response.status).toBe(401);
    expect(problem(refused)?.detail).toMatch(/session has ended/);
    const refresh = await api.POST('/auth/refresh', { body: { refreshToken: user.refreshToken } });
    expect(refresh.response.status).toBe(401);
    await nextSecond();
    const again = await logIn(user.email, demoPassword);
    expect(await meStatus(again.token)).toBe(200);
    // Off the contract on purpose: no refresh token has a space (refused before anything is revoked).
    const malformed = await call('/auth/logout', {
      token: again.token,
      json: { refreshToken: 'not a token' },
    });
    expect(malformed.status).toBe(400);
    expect(await meStatus(again.token)).toBe(200);
    // Cognito does not know this one: the access tokens are refused all the same.
    const unknown = await apiAs(again.token).POST('/auth/logout', { body: { refreshToken: 'not-a-token' } });
    expect(unknown.response.status).toBe(422);
    expect(problem(unknown)?.errors?.[0]?.pointer).toBe('/refreshToken');
    expect(await meStatus(again.token)).toBe(401);
  });
});
