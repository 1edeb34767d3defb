/**
 * Roles as data through the HTTP API: the built-in roles from code, roles admins create and change, users holding
 * them, and the rules: unknown role → 422 naming it, built-ins immutable, a role in use cannot be deleted.
 * Calls go through the typed client (`apiAs`); `call` only sends what the document refuses on purpose.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { problemOf, type Schema } from '../../client/index.ts';
import { api, apiAs, call, demoPassword, logIn, newRequester, ok, type Session } from './support.ts';

const accounts = inject('demoAccounts');
const roleName = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

let admin: Session;
let agent: Session;

beforeAll(async () => {
  admin = await logIn(accounts.admin.email, accounts.admin.password);
  agent = await logIn(accounts.agent.email, accounts.agent.password);
});

/** An RFC 9457 problem as the tests read it, with the extension members a route adds (`usersCount`, ...). */
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

type Permissions = Schema<'CreateRoleRequest'>['permissions'];

const createRole = (name: string, permissions: Permissions, token = admin.token) =>
  apiAs(token).POST('/roles', { body: { name, description: `The ${name} role`, permissions } });

/** `GET /roles/{roleName}` as the admin. */
const getRole = (name: string) =>
  apiAs(admin.token).GET('/roles/{roleName}', { params: { path: { roleName: name } } });

/** The `usersCount` of a role an admin created (the admin reads it). @throws Error when it cannot be read */
async function usersCountOf(name: string): Promise<number | null> {
  const role: Schema<'Role'> = ok(await getRole(name), `GET /roles/${name}`);
  return role.usersCount;
}

/** `DELETE /roles/{roleName}` as the admin. */
const deleteRole = (name: string) =>
  apiAs(admin.token).DELETE('/roles/{roleName}', { params: { path: { roleName: name } } });

/** `PATCH /users/{userId}` as the admin: give the user another role. */
const giveRole = (userId: string, role: string) =>
  apiAs(admin.token).PATCH('/users/{userId}', { params: { path: { userId } }, body: { role } });

/** A user of `role` created by the admin and signed in (temporary password replaced). */
async function userWithRole(role: string): Promise<Session> {
  const email = `${role}-${randomUUID().slice(0, 8)}@example.com`;
  const created = ok(
    await apiAs(admin.token).POST('/users', { body: { email, name: `A ${role}`, role } }),
    `create user of role ${role}`,
  );
  const challenge = await api.POST('/auth/login', { body: { email, password: created.temporaryPassword } });
  const session = problem(challenge)?.session;
  if (typeof session !== 'string') throw new Error(`no challenge: ${challenge.response.status}`);
  const tokens = ok(
    await api.POST('/auth/password', { body: { session, newPassword: demoPassword } }),
    'first sign-in',
  );
  return { userId: created.userId, email, token: tokens.accessToken, refreshToken: tokens.refreshToken };
}

/** A ticket body the typed client takes (type and priority are their defaults). */
const ticketBody = { title: 'T', description: 'D', type: 'incident', priority: 'medium' } as const;

describe('roles', () => {
  it('lists the built-in roles first, then the roles admins created, for canManageUsers only', async () => {
    const name = roleName('lister');
    const created = await createRole(name, { canViewAll: true });
    expect(created.response.status).toBe(201);
    expect(created.response.headers.get('location')).toBe(`/roles/${name}`);
    expect(created.data).toMatchObject({
      name,
      builtIn: false,
      usersCount: 0,
      createdAt: expect.any(String),
    });
    const list = ok(
      await apiAs(admin.token).GET('/roles', { params: { query: { limit: 100 } } }),
      'GET /roles',
    );
    expect(list.items.slice(0, 3).map((role) => [role.name, role.builtIn])).toEqual([
      ['admin', true],
      ['agent', true],
      ['requester', true],
    ]);
    expect(list.items).toContainEqual(
      expect.objectContaining({
        name,
        builtIn: false,
        usersCount: 0,
        permissions: expect.objectContaining({ canViewAll: true, canEditAll: false }),
      }),
    );
    const one = await getRole(name);
    expect(one.data).toMatchObject({ name, description: `The ${name} role`, usersCount: 0 });
    expect((await getRole('agent')).data).toEqual({
      name: 'agent',
      description: null,
      builtIn: true,
      permissions: expect.objectContaining({ canViewAll: true, canCreateTickets: false }),
      usersCount: null,
      createdAt: null,
      updatedAt: null,
    });
    expect((await getRole('no-such-role')).response.status).toBe(404);
    expect((await apiAs(agent.token).GET('/roles')).response.status).toBe(403);
    const requester = await newRequester();
    expect((await apiAs(requester.token).GET('/roles')).response.status).toBe(403);
    expect(
      (await createRole(roleName('sneaky'), { canManageUsers: true }, requester.token)).response.status,
    ).toBe(403);
  });

  it('pages through roles with a cursor; one of another listing is a 422', async () => {
    await createRole(roleName('pager'), {});
    await createRole(roleName('pager'), {});
    const first = ok(
      await apiAs(admin.token).GET('/roles', { params: { query: { limit: 1 } } }),
      'first page',
    );
    expect(first.items).toHaveLength(4); // the three built-ins, then one created role
    const cursor = first.nextCursor ?? '';
    expect(cursor).not.toBe('');
    const second = ok(
      await apiAs(admin.token).GET('/roles', { params: { query: { limit: 1, cursor } } }),
      'second page',
    );
    expect(second.items).toHaveLength(1);
    expect(second.items[0]?.builtIn).toBe(false);
    expect(second.items[0]?.name).not.toBe(first.items[3]?.name);
    const users = ok(
      await apiAs(admin.token).GET('/users', { params: { query: { limit: 1 } } }),
      'GET /users',
    );
    const foreign = await apiAs(admin.token).GET('/roles', {
      params: { query: { cursor: users.nextCursor ?? '' } },
    });
    expect(foreign.response.status).toBe(422);
    expect(problem(foreign)?.errors?.[0]?.pointer).toBe('/cursor');
  });

  it('validates role names and flags, and refuses a taken or built-in name', async () => {
    const bad = await createRole('Minister For Propaganda', {});
    expect(bad.response.status).toBe(400);
    expect(problem(bad)?.errors?.[0]?.pointer).toBe('/name');
    // Off the contract on purpose: a flag the document does not have.
    const flag = await call('/roles', {
      token: admin.token,
      json: { name: roleName('flags'), permissions: { canFly: true } },
    });
    expect(flag.status).toBe(400);
    expect(flag.body.errors[0].pointer).toBe('/permissions/canFly');
    const builtIn = await createRole('agent', {});
    expect(builtIn.response.status).toBe(409);
    expect(problem(builtIn)?.detail).toMatch(/built-in/);
    const name = roleName('twice');
    expect((await createRole(name, {})).response.status).toBe(201);
    const twice = await createRole(name, {});
    expect(twice.response.status).toBe(409);
    expect(problem(twice)).toMatchObject({ type: '/problems/conflict', role: name });
  });

  it('never changes or deletes a built-in role', async () => {
    for (const name of ['admin', 'agent', 'requester']) {
      const patched = await apiAs(admin.token).PATCH('/roles/{roleName}', {
        params: { path: { roleName: name } },
        body: { permissions: { canManageUsers: true } },
      });
      expect(patched.response.status).toBe(409);
      expect(problem(patched)?.detail).toMatch(/built-in role/);
      expect((await deleteRole(name)).response.status).toBe(409);
    }
    expect(ok(await apiAs(agent.token).GET('/me'), 'GET /me').permissions.canManageUsers).toBe(false);
  });

  it('gives a custom role exactly its flags, and a flag edit reaches its users (within 60 s; at once here)', async () => {
    const name = roleName('auditor');
    await createRole(name, { canViewAll: true });
    const auditor = await userWithRole(name);
    const me = ok(await apiAs(auditor.token).GET('/me'), 'GET /me');
    expect(me).toMatchObject({ role: name, permissions: { canViewAll: true, canCreateTickets: false } });
    expect((await apiAs(auditor.token).GET('/users')).response.status).toBe(200);
    expect((await apiAs(auditor.token).GET('/roles')).response.status).toBe(403);
    const refused = await apiAs(auditor.token).POST('/tickets', { body: ticketBody });
    expect(refused.response.status).toBe(403);

    const patched = await apiAs(admin.token).PATCH('/roles/{roleName}', {
      params: { path: { roleName: name } },
      body: { permissions: { canCreateTickets: true } },
    });
    expect(patched.response.status).toBe(200);
    expect(patched.data?.permissions).toMatchObject({ canViewAll: true, canCreateTickets: true });
    // The local stack runs every function in one process, so the instance that changed the role is the one that
    // serves the next request; on AWS another instance may keep the old flags for up to 60 s (docs/roles.md).
    const allowed = await apiAs(auditor.token).POST('/tickets', { body: ticketBody });
    expect(allowed.response.status).toBe(201);

    const replaced = await apiAs(admin.token).PUT('/roles/{roleName}', {
      params: { path: { roleName: name } },
      body: {
        permissions: {
          canViewAll: false,
          canEditAll: false,
          canDeleteAll: false,
          canManageUsers: false,
          canManageTickets: false,
          canAssignTickets: false,
          canCreateTickets: true,
        },
      },
    });
    expect(replaced.response.status).toBe(200);
    expect(replaced.data).toMatchObject({ description: null, usersCount: 1 });
    expect((await apiAs(auditor.token).GET('/users')).response.status).toBe(403);
    // Off the contract on purpose: a PUT needs every flag, and a PATCH something to change.
    const partial = await call(`/roles/${name}`, {
      method: 'PUT',
      token: admin.token,
      json: { permissions: { canViewAll: true } },
    });
    expect(partial.status).toBe(400);
    const nothing = await call(`/roles/${name}`, { method: 'PATCH', token: admin.token, json: {} });
    expect(nothing.status).toBe(400);
  });

  it('refuses to delete a role in use (409 with usersCount), counting users as they get and leave it', async () => {
    const name = roleName('night-shift');
    await createRole(name, { canViewAll: true, canManageTickets: true });
    const first = await userWithRole(name);
    const second = await userWithRole(name);
    expect(await usersCountOf(name)).toBe(2);
    const inUse = await deleteRole(name);
    expect(inUse.response.status).toBe(409);
    expect(problem(inUse)).toMatchObject({ usersCount: 2 });

    for (const user of [first, second]) {
      expect((await giveRole(user.userId, 'agent')).response.status).toBe(200);
    }
    expect(await usersCountOf(name)).toBe(0);
    expect((await deleteRole(name)).response.status).toBe(204);
    expect((await getRole(name)).response.status).toBe(404);
    expect((await deleteRole(name)).response.status).toBe(404);
    const gone = await apiAs(admin.token).POST('/users', {
      body: { email: `late-${randomUUID().slice(0, 8)}@example.com`, name: 'Late', role: name },
    });
    expect(gone.response.status).toBe(422);
    expect(problem(gone)?.errors?.[0]?.detail).toContain(`"${name}"`);
  });

  it('moves a user between two custom roles, keeping both counts exact', async () => {
    const from = roleName('from');
    const to = roleName('to');
    await createRole(from, { canViewAll: true });
    await createRole(to, { canViewAll: true, canAssignTickets: true });
    const user = await userWithRole(from);
    expect((await giveRole(user.userId, to)).response.status).toBe(200);
    expect(await usersCountOf(from)).toBe(0);
    expect(await usersCountOf(to)).toBe(1);
    expect(ok(await apiAs(user.token).GET('/me'), 'GET /me')).toMatchObject({
      role: to,
      permissions: { canAssignTickets: true },
    });
    const listed = ok(
      await apiAs(admin.token).GET('/users', { params: { query: { role: to } } }),
      `GET /users?role=${to}`,
    );
    expect(listed.items.map((u) => u.userId)).toEqual([user.userId]);
  });
});
