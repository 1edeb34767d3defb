/**
 * Roles as data and the pure rules around them: the role cache bound, session revocation by token age, who may
 * see and change a user, the user index keys, and the request schemas that keep privileged fields out and state
 * every rule they enforce in the document.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as z from 'zod/mini';
import { validate } from '#shared/platform/http/route.ts';
import { issuedBeforeRevocation } from '#shared/roles/actor.ts';
import { forgetRole, permissionsOf, rolePermissionsCacheMs } from '#shared/roles/role-permissions.ts';
import { builtInRoles, isBuiltInRole, noPermissions, roleNamePattern } from '#shared/roles/roles.ts';
import { CreateRoleBody, UpdateRoleBody } from '#shared/roles/schemas.ts';
import { routes } from '#shared/routes.ts';
import { temporaryPassword } from '#shared/users/accounts.ts';
import { canListUsers, canSeeUser, userChangeRefusal } from '#shared/users/policy.ts';
import {
  CreateUserBody,
  ListUsersQuery,
  LogInBody,
  LogOutBody,
  NewPasswordBody,
  ReplaceUserBody,
  SignUpBody,
  UpdateUserBody,
} from '#shared/users/schemas.ts';
import {
  nameDirectory,
  type UserItem,
  userIndexKeyChanges,
  userIndexKeys,
  userListShards,
  userRecord,
} from '#shared/users/user.entity.ts';

const { items, getItem } = vi.hoisted(() => {
  const items = new Map<string, unknown>();
  return { items, getItem: vi.fn(async (key: { sk: string }) => items.get(key.sk)) };
});
vi.mock('#shared/platform/db.ts', async (original) => ({
  ...(await original<typeof import('#shared/platform/db.ts')>()),
  getItem,
}));

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(ajv);

/** A request schema as the document shows it (JSON Schema 2020-12, as a client sends it). */
const documented = (schema: z.ZodMiniType) =>
  z.toJSONSchema(schema, { io: 'input', target: 'draft-2020-12' });

/** The object schema of a named request schema (its `$defs` entry) or of an unnamed one. */
function objectOf(schema: z.ZodMiniType): z.core.JSONSchema.JSONSchema {
  const json = documented(schema);
  const id = json.$ref?.replace('#/$defs/', '');
  return (id ? json.$defs?.[id] : json) as z.core.JSONSchema.JSONSchema;
}

const validators = new Map<z.ZodMiniType, ValidateFunction>();
/** Whether a request schema accepts a value: [by zod (what the route wrapper enforces), by its JSON Schema]. */
function verdicts(schema: z.ZodMiniType, value: unknown): [boolean, boolean] {
  let validateJson = validators.get(schema);
  if (!validateJson) {
    validateJson = ajv.compile(documented(schema));
    validators.set(schema, validateJson);
  }
  return [schema.safeParse(value).success, validateJson(value)];
}

/** The field errors (`in`, `pointer`) the route wrapper answers a value with; empty when valid. */
function fieldErrors(schema: z.ZodMiniType, value: unknown): { in: string; pointer: string }[] {
  try {
    validate(schema, value, 'body');
    return [];
  } catch (problem) {
    return (problem as { extensions: { errors: { in: string; pointer: string }[] } }).extensions.errors;
  }
}

const actor = (role: keyof typeof builtInRoles | 'auditor', userId = `${role}-1`) => ({
  userId,
  role,
  permissions: role === 'auditor' ? { ...noPermissions, canViewAll: true } : builtInRoles[role],
});

describe('role flags (a custom role cached per instance for 60 s)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    items.clear();
    getItem.mockClear();
  });
  afterEach(() => vi.useRealTimers());

  it('reads no item for a built-in role', async () => {
    expect(await permissionsOf('agent')).toEqual(builtInRoles.agent);
    expect(getItem).not.toHaveBeenCalled();
  });

  it('reads a custom role once, then serves it from the cache until 60 s have passed', async () => {
    items.set('auditor', { name: 'auditor', permissions: { canViewAll: true } });
    expect(await permissionsOf('auditor')).toEqual({ ...noPermissions, canViewAll: true });
    items.set('auditor', { name: 'auditor', permissions: { canViewAll: true, canManageUsers: true } });
    vi.advanceTimersByTime(rolePermissionsCacheMs - 1000);
    expect((await permissionsOf('auditor')).canManageUsers).toBe(false);
    expect(getItem).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(2000);
    expect((await permissionsOf('auditor')).canManageUsers).toBe(true);
    expect(getItem).toHaveBeenCalledTimes(2);
    expect(rolePermissionsCacheMs).toBe(60_000);
  });

  it('takes an edit at once in the instance that made it, and gives a role without item no flag', async () => {
    items.set('auditor', { name: 'auditor', permissions: { canViewAll: true } });
    await permissionsOf('auditor');
    items.set('auditor', { name: 'auditor', permissions: { canViewAll: false } });
    forgetRole('auditor');
    expect((await permissionsOf('auditor')).canViewAll).toBe(false);
    expect(await permissionsOf('nobody-has-this')).toEqual(noPermissions);
  });
});

describe('sessions revoked by logout or disable', () => {
  it('refuses tokens issued at or before the second of the revocation, accepts later ones', () => {
    const revokedAt = '2024-05-01T10:00:05.700Z';
    const second = Date.parse('2024-05-01T10:00:05Z') / 1000;
    expect(issuedBeforeRevocation(second - 1, revokedAt)).toBe(true);
    expect(issuedBeforeRevocation(second, revokedAt)).toBe(true);
    expect(issuedBeforeRevocation(second + 1, revokedAt)).toBe(false);
    expect(issuedBeforeRevocation(second, undefined)).toBe(false);
    expect(issuedBeforeRevocation(undefined, revokedAt)).toBe(true);
  });
});

describe('who may see and change a user', () => {
  it('lets the user, canManageUsers and canViewAll see a profile; nobody else', () => {
    expect(canSeeUser(actor('requester'), 'requester-1')).toBe(true);
    expect(canSeeUser(actor('requester'), 'someone-else')).toBe(false);
    expect(canSeeUser(actor('agent'), 'someone-else')).toBe(true);
    expect(canSeeUser(actor('auditor'), 'someone-else')).toBe(true);
    expect([actor('requester'), actor('agent'), actor('admin')].map(canListUsers)).toEqual([
      false,
      true,
      true,
    ]);
  });

  it('lets users change their own contact details and password, admins role and disabled of others', () => {
    const self = actor('requester');
    for (const field of ['name', 'email', 'phone', 'smsOptIn', 'password']) {
      expect([field, userChangeRefusal(self, self.userId, field)]).toEqual([field, undefined]);
    }
    expect(userChangeRefusal(self, self.userId, 'role')).toMatch(/canManageUsers/);
    expect(userChangeRefusal(self, self.userId, 'disabled')).toMatch(/canManageUsers/);
    expect(userChangeRefusal(actor('agent'), 'someone-else', 'name')).toBeDefined();
    const admin = actor('admin');
    expect(userChangeRefusal(admin, 'someone-else', 'role')).toBeUndefined();
    expect(userChangeRefusal(admin, 'someone-else', 'disabled')).toBeUndefined();
    expect(userChangeRefusal(admin, 'someone-else', 'email')).toBeUndefined();
    expect(userChangeRefusal(admin, 'someone-else', 'password')).toMatch(/Only the user/);
    expect(userChangeRefusal(admin, admin.userId, 'role')).toMatch(/Another admin/);
    expect(userChangeRefusal(admin, admin.userId, 'disabled')).toMatch(/Another admin/);
  });
});

describe('user index keys', () => {
  const user = (extra: Partial<UserItem> = {}): UserItem => ({
    userId: 'b2c1a0e4-0000-4000-8000-000000000001',
    email: 'ada@example.com',
    name: 'Ada Lovelace',
    role: 'agent',
    smsOptIn: false,
    createdAt: '2024-01-01T00:00:00.000Z',
    ...extra,
  });

  it('puts a user in a shard of every list, of their role list, and in a name directory by first letter', () => {
    const keys = userIndexKeys(user());
    const shard = Number(keys.gsi4pk?.split('#')[1]);
    expect(shard).toBeGreaterThanOrEqual(0);
    expect(shard).toBeLessThan(userListShards);
    expect(keys).toEqual({
      gsi4pk: `USERS#${shard}`,
      gsi5pk: `ROLE#agent#${shard}`,
      gsi6pk: 'NAMES#approver#a',
      gsi6sk: 'ada lovelace',
    });
    expect(userRecord(user())).toMatchObject({ pk: `USER#${user().userId}`, sk: 'PROFILE', ticketsCount: 0 });
  });

  it('lists only enabled agents and admins in the approver directory', () => {
    expect(nameDirectory({ role: 'admin' })).toBe('approver');
    expect(nameDirectory({ role: 'agent', disabled: true })).toBe('user');
    expect(nameDirectory({ role: 'requester' })).toBe('user');
    expect(nameDirectory({ role: 'auditor' })).toBe('user');
  });

  it('changes only the keys a change alters', () => {
    expect(userIndexKeyChanges(user(), user({ phone: '+15555550100' }))).toEqual({});
    const promoted = userIndexKeyChanges(user({ role: 'requester' }), user());
    expect(Object.keys(promoted).sort()).toEqual(['gsi5pk', 'gsi6pk']);
    expect(userIndexKeyChanges(user(), user({ name: '  Ádá Byron ' }))).toEqual({ gsi6sk: 'ada byron' });
  });
});

describe('route table', () => {
  it('grants table:read (or table:readCounters) to every route behind the authorizer (its actor is read from the profile)', () => {
    const readsProfiles = (row: (typeof routes)[number]) =>
      row.grants.includes('table:read') || row.grants.includes('table:readCounters');
    const without = routes.filter((row) => row.permission !== 'public' && !readsProfiles(row));
    expect(without.map((row) => row.id)).toEqual([]);
  });

  it('keeps roles to canManageUsers', () => {
    const roleRows = routes.filter((row) => row.path.startsWith('/roles'));
    expect(roleRows).toHaveLength(6);
    for (const row of roleRows) expect([row.id, row.permission]).toEqual([row.id, 'canManageUsers']);
  });
});

describe('request schemas', () => {
  it('refuses privileged fields on self sign-up, naming them', () => {
    for (const field of ['role', 'isStaff', 'isSuperuser']) {
      const body = { email: 'a@example.com', password: 'Str0ng-pass-word', name: 'A', [field]: true };
      expect(() => validate(SignUpBody, body, 'body')).toThrow();
      try {
        validate(SignUpBody, body, 'body');
      } catch (problem) {
        const errors = (problem as { extensions: { errors: { pointer: string }[] } }).extensions.errors;
        expect(errors.map((error) => error.pointer)).toEqual([`/${field}`]);
      }
    }
  });

  it('takes role names in lower case only, never a flag it does not know', () => {
    expect(roleNamePattern.test('auditor')).toBe(true);
    expect(roleNamePattern.test('night-shift-2')).toBe(true);
    for (const bad of ['Auditor', 'a', '1st', 'minister for propaganda', 'x'.repeat(33)]) {
      expect([bad, roleNamePattern.test(bad)]).toEqual([bad, false]);
    }
    expect(isBuiltInRole('admin')).toBe(true);
    expect(isBuiltInRole('auditor')).toBe(false);
    expect(() =>
      validate(CreateRoleBody, { name: 'auditor', permissions: { canFly: true } }, 'body'),
    ).toThrow();
    expect(() =>
      validate(
        CreateUserBody,
        { email: 'a@example.com', name: 'A', role: 'Minister For Propaganda' },
        'body',
      ),
    ).toThrow();
  });

  it('needs the current password to change a password', () => {
    expect(() => validate(UpdateUserBody, { password: 'N3w-password' }, 'body')).toThrow();
    expect(
      validate(UpdateUserBody, { password: 'N3w-password', currentPassword: 'x' }, 'body'),
    ).toMatchObject({
      password: 'N3w-password',
    });
    expect(() => validate(UpdateUserBody, {}, 'body')).toThrow();
  });

  it('generates temporary passwords the pool accepts', () => {
    for (let i = 0; i < 50; i++) {
      const password = temporaryPassword();
      expect(password).toMatch(/^(?=.*[a-z])(?=.*[A-Z])(?=.*\d).{16}$/);
    }
    expect(temporaryPassword()).not.toBe(temporaryPassword());
  });

  it('gives temporary passwords that meet every documented password rule', () => {
    for (let i = 0; i < 50; i++) {
      const body = { session: 'e30.c2lnbmF0dXJl', newPassword: temporaryPassword() };
      expect([body.newPassword, verdicts(NewPasswordBody, body)]).toEqual([body.newPassword, [true, true]]);
    }
  });
});

describe('request schemas as the document states them (a request the document accepts, the API accepts)', () => {
  const signUp = (password: string) => ({ email: 'a@example.com', password, name: 'A' });

  it("states each of the user pool's password rules separately, and agrees with what the wrapper enforces", () => {
    const password = objectOf(SignUpBody).properties?.password as {
      minLength: number;
      maxLength: number;
      allOf: { pattern: string; description: string }[];
    };
    expect([password.minLength, password.maxLength]).toEqual([12, 256]);
    expect(password.allOf.map((rule) => rule.description)).toEqual([
      'Has a lower-case letter (a-z)',
      'Has an upper-case letter (A-Z)',
      'Has a digit (0-9)',
      expect.stringMatching(/^Only Basic Latin letters, digits, the space and the special characters \^ \$/),
      'No space at the start or the end',
      'Not one of the commonest passwords, in any case (a list of the 49,233 most used passwords, zxcvbn-ts)',
    ]);
    const samples: [string, boolean][] = [
      ['Str0ng-pass-word', true],
      ['Inner space 1A', true],
      ['Sym^$*.[]{}()?"!@#%&/\\,><\':;|_~`=+-1aA', true],
      [`Aa1${'x'.repeat(253)}`, true],
      [`Aa1${'x'.repeat(254)}`, false],
      ['Short1A', false],
      ['Elevenchar1', false],
      ['Twelvechars1', true],
      ['no-upper-case-1', false],
      ['NO-LOWER-CASE-1', false],
      ['No-digits-here', false],
      [' Lead-space-1', false],
      ['Trail-space-1 ', false],
      ['Ümlaut-pass-1', false],
      ['Tab\tinside-1A', false],
    ];
    for (const [value, valid] of samples) {
      expect([value, verdicts(SignUpBody, signUp(value))]).toEqual([value, [valid, valid]]);
    }
    expect(fieldErrors(SignUpBody, signUp('no-upper-case-1'))).toEqual([
      expect.objectContaining({ pointer: '/password', detail: 'Needs an upper-case letter (A-Z)' }),
    ]);
  });

  it('states that a change sends a field at least, a new password with the current one, no blank text', () => {
    const samples: [z.ZodMiniType, unknown, boolean][] = [
      [UpdateUserBody, {}, false],
      [UpdateUserBody, { phone: null }, true],
      [UpdateUserBody, { password: 'N3w-password' }, false],
      [UpdateUserBody, { password: 'N3w-password', currentPassword: 'x' }, true],
      [UpdateUserBody, { currentPassword: 'x' }, true],
      [ReplaceUserBody, { name: 'A', email: 'a@example.com', smsOptIn: false }, true],
      [
        ReplaceUserBody,
        { name: 'A', email: 'a@example.com', smsOptIn: false, password: 'N3w-password' },
        false,
      ],
      [UpdateUserBody, { name: ' Ada ' }, true],
      [UpdateUserBody, { name: '   ' }, false],
      [LogInBody, { email: 'a@example.com', password: '   ' }, false],
      [LogInBody, { email: 'a@example.com', password: ' any pass ' }, true],
      [UpdateRoleBody, {}, false],
      [UpdateRoleBody, { description: '  ' }, false],
      [UpdateRoleBody, { description: null }, true],
      [UpdateRoleBody, { permissions: {} }, true],
    ];
    for (const [schema, value, valid] of samples) {
      expect([value, verdicts(schema, value)]).toEqual([value, [valid, valid]]);
    }
    expect(fieldErrors(UpdateUserBody, { password: 'N3w-password' })).toEqual([
      expect.objectContaining({ pointer: '/currentPassword' }),
    ]);
  });

  it('takes refresh tokens and challenge sessions only in the shape Cognito and /auth/login give them', () => {
    expect(verdicts(LogOutBody, { refreshToken: 'eyJhbGciOiJSUzI1NiJ9.e30.c2ln-_=' })).toEqual([true, true]);
    expect(verdicts(LogOutBody, { refreshToken: 'not a token' })).toEqual([false, false]);
    const newPassword = 'Own-pass-w0rd';
    expect(verdicts(NewPasswordBody, { session: 'eyJ1IjoiYSJ9.c2ln', newPassword })).toEqual([true, true]);
    expect(verdicts(NewPasswordBody, { session: 'no-signature', newPassword })).toEqual([false, false]);
  });

  it('accepts ?role= with ?name= in the query schema (the operation refuses it with 422); says so in both', () => {
    const query = (value: Record<string, string>) => {
      try {
        validate(ListUsersQuery, value, 'query');
        return [];
      } catch (problem) {
        return (problem as { extensions: { errors: { pointer: string; detail: string }[] } }).extensions
          .errors;
      }
    };
    expect(query({ role: 'agent' })).toEqual([]);
    expect(query({ name: 'al' })).toEqual([]);
    expect(query({ role: 'agent', name: 'al' })).toEqual([]);
    const parameters = objectOf(ListUsersQuery).properties ?? {};
    expect((parameters.role as { description: string }).description).toMatch(/Not together with name/);
    expect((parameters.name as { description: string }).description).toMatch(/Not with role/);
    expect(query({ cursor: 'not a cursor' })).toEqual([expect.objectContaining({ pointer: '/cursor' })]);
  });
});
