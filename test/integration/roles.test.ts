/**
 * Roles as data through the HTTP API: the built-in roles from code, roles admins create and change, users holding
 * them, and the rules: unknown role → 400 naming it, built-ins immutable, a role in use cannot be deleted.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { call, demoPassword, logIn, newRequester, type Session } from './support.ts';

const accounts = inject('demoAccounts');
const roleName = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

let admin: Session;
let agent: Session;

beforeAll(async () => {
  admin = await logIn(accounts.admin.email, accounts.admin.password);
  agent = await logIn(accounts.agent.email, accounts.agent.password);
});

const createRole = (name: string, permissions: Record<string, boolean>, token = admin.token) =>
  call('/roles', { token, json: { name, description: `The ${name} role`, permissions } });

/** A user of `role` created by the admin and signed in (temporary password replaced). */
async function userWithRole(role: string): Promise<Session> {
  const email = `${role}-${randomUUID().slice(0, 8)}@example.com`;
  const created = await call('/users', { token: admin.token, json: { email, name: `A ${role}`, role } });
  if (created.status !== 201) throw new Error(`create user: ${created.status} ${created.text}`);
  const challenge = await call('/auth/login', { json: { email, password: created.body.temporaryPassword } });
  const tokens = await call('/auth/password', {
    json: { session: challenge.body.session, newPassword: demoPassword },
  });
  return {
    userId: created.body.userId,
    email,
    token: tokens.body.accessToken,
    refreshToken: tokens.body.refreshToken,
  };
}

describe('roles', () => {
  it('lists the built-in roles first, then the roles admins created, for canManageUsers only', async () => {
    const name = roleName('lister');
    expect((await createRole(name, { canViewAll: true })).status).toBe(201);
    const list = await call('/roles?limit=100', { token: admin.token });
    expect(list.status).toBe(200);
    expect(
      list.body.items
        .slice(0, 3)
        .map((role: { name: string; builtIn: boolean }) => [role.name, role.builtIn]),
    ).toEqual([
      ['admin', true],
      ['agent', true],
      ['requester', true],
    ]);
    expect(list.body.items).toContainEqual(
      expect.objectContaining({
        name,
        builtIn: false,
        usersCount: 0,
        permissions: expect.objectContaining({ canViewAll: true, canEditAll: false }),
      }),
    );
    const one = await call(`/roles/${name}`, { token: admin.token });
    expect(one.body).toMatchObject({ name, description: `The ${name} role`, usersCount: 0 });
    expect((await call('/roles/agent', { token: admin.token })).body).toMatchObject({
      builtIn: true,
      usersCount: null,
      permissions: { canViewAll: true, canCreateTickets: false },
    });
    expect((await call('/roles/no-such-role', { token: admin.token })).status).toBe(404);
    expect((await call('/roles', { token: agent.token })).status).toBe(403);
    const requester = await newRequester();
    expect((await call('/roles', { token: requester.token })).status).toBe(403);
    expect((await createRole(roleName('sneaky'), { canManageUsers: true }, requester.token)).status).toBe(
      403,
    );
  });

  it('pages through roles with a cursor', async () => {
    await createRole(roleName('pager'), {});
    await createRole(roleName('pager'), {});
    const first = await call('/roles?limit=1', { token: admin.token });
    expect(first.body.items).toHaveLength(4); // the three built-ins, then one created role
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await call(`/roles?limit=1&cursor=${encodeURIComponent(first.body.nextCursor)}`, {
      token: admin.token,
    });
    expect(second.body.items).toHaveLength(1);
    expect(second.body.items[0].builtIn).toBe(false);
    expect(second.body.items[0].name).not.toBe(first.body.items[3].name);
  });

  it('validates role names and flags, and refuses a taken or built-in name', async () => {
    const bad = await createRole('Minister For Propaganda', {});
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].pointer).toBe('/name');
    const flag = await createRole(roleName('flags'), { canFly: true });
    expect(flag.status).toBe(400);
    expect(flag.body.errors[0].pointer).toBe('/permissions/canFly');
    const builtIn = await createRole('agent', {});
    expect(builtIn.status).toBe(409);
    expect(builtIn.body.detail).toMatch(/built-in/);
    const name = roleName('twice');
    expect((await createRole(name, {})).status).toBe(201);
    expect((await createRole(name, {})).status).toBe(409);
  });

  it('never changes or deletes a built-in role', async () => {
    for (const name of ['admin', 'agent', 'requester']) {
      const patched = await call(`/roles/${name}`, {
        method: 'PATCH',
        token: admin.token,
        json: { permissions: { canManageUsers: true } },
      });
      expect(patched.status).toBe(409);
      expect(patched.body.detail).toMatch(/built-in role/);
      const deleted = await call(`/roles/${name}`, { method: 'DELETE', token: admin.token });
      expect(deleted.status).toBe(409);
    }
    expect((await call('/me', { token: agent.token })).body.permissions.canManageUsers).toBe(false);
  });

  it('gives a custom role exactly its flags, and a flag edit reaches its users (within 60 s; at once here)', async () => {
    const name = roleName('auditor');
    await createRole(name, { canViewAll: true });
    const auditor = await userWithRole(name);
    const me = await call('/me', { token: auditor.token });
    expect(me.body).toMatchObject({ role: name, permissions: { canViewAll: true, canCreateTickets: false } });
    expect((await call('/users', { token: auditor.token })).status).toBe(200);
    expect((await call('/roles', { token: auditor.token })).status).toBe(403);
    const refused = await call('/tickets', { token: auditor.token, json: { title: 'T', description: 'D' } });
    expect(refused.status).toBe(403);

    const patched = await call(`/roles/${name}`, {
      method: 'PATCH',
      token: admin.token,
      json: { permissions: { canCreateTickets: true } },
    });
    expect(patched.status).toBe(200);
    expect(patched.body.permissions).toMatchObject({ canViewAll: true, canCreateTickets: true });
    // The local stack runs every function in one process, so the instance that changed the role is the one that
    // serves the next request; on AWS another instance may keep the old flags for up to 60 s (docs/roles.md).
    const allowed = await call('/tickets', { token: auditor.token, json: { title: 'T', description: 'D' } });
    expect(allowed.status).toBe(201);

    const replaced = await call(`/roles/${name}`, {
      method: 'PUT',
      token: admin.token,
      json: {
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
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({ description: null, usersCount: 1 });
    expect((await call('/users', { token: auditor.token })).status).toBe(403);
    const partial = await call(`/roles/${name}`, {
      method: 'PUT',
      token: admin.token,
      json: { permissions: { canViewAll: true } },
    });
    expect(partial.status).toBe(400);
  });

  it('refuses to delete a role in use (409 with usersCount), counting users as they get and leave it', async () => {
    const name = roleName('night-shift');
    await createRole(name, { canViewAll: true, canManageTickets: true });
    const first = await userWithRole(name);
    const second = await userWithRole(name);
    expect((await call(`/roles/${name}`, { token: admin.token })).body.usersCount).toBe(2);
    const inUse = await call(`/roles/${name}`, { method: 'DELETE', token: admin.token });
    expect(inUse.status).toBe(409);
    expect(inUse.body).toMatchObject({ usersCount: 2 });

    for (const user of [first, second]) {
      const moved = await call(`/users/${user.userId}`, {
        method: 'PATCH',
        token: admin.token,
        json: { role: 'agent' },
      });
      expect(moved.status).toBe(200);
    }
    expect((await call(`/roles/${name}`, { token: admin.token })).body.usersCount).toBe(0);
    expect((await call(`/roles/${name}`, { method: 'DELETE', token: admin.token })).status).toBe(204);
    expect((await call(`/roles/${name}`, { token: admin.token })).status).toBe(404);
    expect((await call(`/roles/${name}`, { method: 'DELETE', token: admin.token })).status).toBe(404);
    const gone = await call('/users', {
      token: admin.token,
      json: { email: `late-${randomUUID().slice(0, 8)}@example.com`, name: 'Late', role: name },
    });
    expect(gone.status).toBe(400);
    expect(gone.body.errors[0].detail).toContain(`"${name}"`);
  });

  it('moves a user between two custom roles, keeping both counts exact', async () => {
    const from = roleName('from');
    const to = roleName('to');
    await createRole(from, { canViewAll: true });
    await createRole(to, { canViewAll: true, canAssignTickets: true });
    const user = await userWithRole(from);
    const moved = await call(`/users/${user.userId}`, {
      method: 'PATCH',
      token: admin.token,
      json: { role: to },
    });
    expect(moved.status).toBe(200);
    expect((await call(`/roles/${from}`, { token: admin.token })).body.usersCount).toBe(0);
    expect((await call(`/roles/${to}`, { token: admin.token })).body.usersCount).toBe(1);
    expect((await call('/me', { token: user.token })).body).toMatchObject({
      role: to,
      permissions: { canAssignTickets: true },
    });
    const listed = await call(`/users?role=${to}`, { token: admin.token });
    expect(listed.body.items.map((u: { userId: string }) => u.userId)).toEqual([user.userId]);
  });
});
