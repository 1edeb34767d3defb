/**
 * The authorization matrix: every route × every kind of caller, with the exact status each gets, through the HTTP
 * API on the local stack. A route without a row fails the test, so a new route cannot ship without its rows.
 *
 * Callers: nobody (no token), the requester who owns the objects, another requester, an agent, an admin, a user
 * an admin disabled (token issued before), and a user of a custom role that has only `canViewAll`.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { routes } from '#shared/routes.ts';
import type { CallOptions } from '../support/api-client.ts';
import { call, demoPassword, logIn, newRequester, type Session } from './support.ts';

const callers = ['anonymous', 'owner', 'other', 'agent', 'admin', 'disabled', 'viewer'] as const;
type Caller = (typeof callers)[number];

interface World {
  readonly sessions: Record<Exclude<Caller, 'anonymous'>, Session>;
  /** A fresh ticket of the owner, version 1. */
  ticket(): Promise<{ ticketId: string }>;
  /** A fresh comment of the owner on a fresh ticket of theirs. */
  comment(): Promise<{ commentId: string; ticketId: string }>;
  /** A fresh custom role. */
  role(): Promise<string>;
  /** A fresh requester account (for user administration rows). */
  user(): Promise<Session>;
  readonly viewerRole: string;
}

interface Row {
  /** The request a caller makes (fresh objects where the request changes them). */
  request(world: World, caller: Caller): Promise<{ path: string } & CallOptions>;
  /** Expected status per caller. */
  expect: Record<Caller, number>;
}

/** Every authenticated route answers 401 to nobody and to a disabled user. */
const signedIn = (
  statuses: Omit<Record<Caller, number>, 'anonymous' | 'disabled'>,
): Record<Caller, number> => ({
  anonymous: 401,
  disabled: 401,
  ...statuses,
});
const same = (status: number): Record<Caller, number> =>
  Object.fromEntries(callers.map((caller) => [caller, status])) as Record<Caller, number>;

const ticketBody = { title: 'Matrix ticket', description: 'For the authorization matrix' };

const matrix: Record<string, Row> = {
  GetHealth: { request: async () => ({ path: '/health' }), expect: same(200) },
  GetOpenApi: { request: async () => ({ path: '/openapi.json' }), expect: same(200) },
  SignUp: {
    request: async () => ({
      path: '/auth/signup',
      json: { email: `matrix-${randomUUID().slice(0, 8)}@example.com`, password: demoPassword, name: 'M' },
    }),
    expect: same(201),
  },
  LogIn: {
    request: async (world) => ({
      path: '/auth/login',
      json: { email: world.sessions.owner.email, password: demoPassword },
    }),
    expect: same(200),
  },
  SetNewPassword: {
    request: async () => ({
      path: '/auth/password',
      json: { session: 'not-a-session', newPassword: 'An0ther-pass-word' },
    }),
    expect: same(401),
  },
  RefreshTokens: {
    request: async (world) => ({
      path: '/auth/refresh',
      json: { refreshToken: world.sessions.owner.refreshToken },
    }),
    expect: same(200),
  },
  LogOut: {
    // Each caller logs a fresh session of a fresh account out (logging the matrix's own sessions out would end them).
    request: async (world, caller) => {
      if (caller === 'anonymous' || caller === 'disabled')
        return { path: '/auth/logout', json: { refreshToken: 'x' } };
      const session = await world.user();
      return { path: '/auth/logout', json: { refreshToken: session.refreshToken }, token: session.token };
    },
    expect: signedIn({ owner: 204, other: 204, agent: 204, admin: 204, viewer: 204 }),
  },
  GetMe: {
    request: async () => ({ path: '/me' }),
    expect: signedIn({ owner: 200, other: 200, agent: 200, admin: 200, viewer: 200 }),
  },
  CreateUser: {
    request: async () => ({
      path: '/users',
      json: { email: `made-${randomUUID().slice(0, 8)}@example.com`, name: 'Made', role: 'agent' },
    }),
    expect: signedIn({ owner: 403, other: 403, agent: 403, admin: 201, viewer: 403 }),
  },
  ListUsers: {
    request: async () => ({ path: '/users?limit=5' }),
    expect: signedIn({ owner: 403, other: 403, agent: 200, admin: 200, viewer: 200 }),
  },
  GetUser: {
    request: async (world) => ({ path: `/users/${world.sessions.owner.userId}` }),
    expect: signedIn({ owner: 200, other: 404, agent: 200, admin: 200, viewer: 200 }),
  },
  UpdateUser: {
    // A real change per caller (a field sent unchanged needs no permission).
    request: async (world, caller) => ({
      path: `/users/${world.sessions.owner.userId}`,
      method: 'PATCH',
      json: { name: `Named by ${caller}` },
    }),
    expect: signedIn({ owner: 200, other: 404, agent: 403, admin: 200, viewer: 403 }),
  },
  ReplaceUser: {
    request: async (world, caller) => ({
      path: `/users/${world.sessions.owner.userId}`,
      method: 'PUT',
      json: { name: `Replaced by ${caller}`, email: world.sessions.owner.email, smsOptIn: false },
    }),
    expect: signedIn({ owner: 200, other: 404, agent: 403, admin: 200, viewer: 403 }),
  },
  DeleteUser: {
    request: async (world) => ({ path: `/users/${(await world.user()).userId}`, method: 'DELETE' }),
    expect: signedIn({ owner: 403, other: 403, agent: 403, admin: 204, viewer: 403 }),
  },
  ListApprovers: {
    request: async () => ({ path: '/approvers?name=a' }),
    expect: signedIn({ owner: 200, other: 200, agent: 200, admin: 200, viewer: 200 }),
  },
  ListRoles: {
    request: async () => ({ path: '/roles' }),
    expect: signedIn({ owner: 403, other: 403, agent: 403, admin: 200, viewer: 403 }),
  },
  CreateRole: {
    request: async () => ({
      path: '/roles',
      json: { name: `made-${randomUUID().slice(0, 8)}`, permissions: { canViewAll: true } },
    }),
    expect: signedIn({ owner: 403, other: 403, agent: 403, admin: 201, viewer: 403 }),
  },
  GetRole: {
    request: async (world) => ({ path: `/roles/${world.viewerRole}` }),
    expect: signedIn({ owner: 403, other: 403, agent: 403, admin: 200, viewer: 403 }),
  },
  UpdateRole: {
    request: async (world) => ({
      path: `/roles/${await world.role()}`,
      method: 'PATCH',
      json: { description: 'Changed' },
    }),
    expect: signedIn({ owner: 403, other: 403, agent: 403, admin: 200, viewer: 403 }),
  },
  ReplaceRole: {
    request: async (world) => ({
      path: `/roles/${await world.role()}`,
      method: 'PUT',
      json: {
        permissions: {
          canViewAll: true,
          canEditAll: false,
          canDeleteAll: false,
          canManageUsers: false,
          canManageTickets: false,
          canAssignTickets: false,
          canCreateTickets: false,
        },
      },
    }),
    expect: signedIn({ owner: 403, other: 403, agent: 403, admin: 200, viewer: 403 }),
  },
  DeleteRole: {
    request: async (world) => ({ path: `/roles/${await world.role()}`, method: 'DELETE' }),
    expect: signedIn({ owner: 403, other: 403, agent: 403, admin: 204, viewer: 403 }),
  },
  CreateTicket: {
    request: async () => ({ path: '/tickets', json: ticketBody }),
    expect: signedIn({ owner: 201, other: 201, agent: 403, admin: 201, viewer: 403 }),
  },
  ListTickets: {
    request: async () => ({ path: '/tickets?limit=5' }),
    expect: signedIn({ owner: 200, other: 200, agent: 200, admin: 200, viewer: 200 }),
  },
  GetTicket: {
    request: async (world) => ({ path: `/tickets/${(await world.ticket()).ticketId}` }),
    expect: signedIn({ owner: 200, other: 404, agent: 200, admin: 200, viewer: 200 }),
  },
  UpdateTicket: {
    request: async (world) => ({
      path: `/tickets/${(await world.ticket()).ticketId}`,
      method: 'PATCH',
      json: { title: 'Renamed' },
    }),
    expect: signedIn({ owner: 200, other: 404, agent: 200, admin: 200, viewer: 403 }),
  },
  ReplaceTicket: {
    request: async (world, caller) => ({
      path: `/tickets/${(await world.ticket()).ticketId}`,
      method: 'PUT',
      json: { ...ticketBody, title: `Replaced by ${caller}` },
    }),
    expect: signedIn({ owner: 200, other: 404, agent: 200, admin: 200, viewer: 403 }),
  },
  DeleteTicket: {
    request: async (world) => ({ path: `/tickets/${(await world.ticket()).ticketId}`, method: 'DELETE' }),
    expect: signedIn({ owner: 204, other: 404, agent: 403, admin: 204, viewer: 403 }),
  },
  TakeTicket: {
    request: async (world) => ({ path: `/tickets/${(await world.ticket()).ticketId}/take`, method: 'POST' }),
    expect: signedIn({ owner: 403, other: 403, agent: 200, admin: 200, viewer: 403 }),
  },
  ListTicketEvents: {
    request: async (world) => ({ path: `/tickets/${(await world.ticket()).ticketId}/events` }),
    expect: signedIn({ owner: 200, other: 404, agent: 200, admin: 200, viewer: 200 }),
  },
  CreateComment: {
    request: async (world) => ({
      path: `/tickets/${(await world.ticket()).ticketId}/comments`,
      json: { body: 'Hello' },
    }),
    expect: signedIn({ owner: 201, other: 404, agent: 201, admin: 201, viewer: 201 }),
  },
  CreateCommentOnTicket: {
    request: async (world) => ({
      path: '/comments',
      json: { ticketId: (await world.ticket()).ticketId, body: 'Hello' },
    }),
    expect: signedIn({ owner: 201, other: 404, agent: 201, admin: 201, viewer: 201 }),
  },
  ListComments: {
    request: async (world) => ({ path: `/tickets/${(await world.ticket()).ticketId}/comments` }),
    expect: signedIn({ owner: 200, other: 404, agent: 200, admin: 200, viewer: 200 }),
  },
  ListAllComments: {
    request: async (world) => ({ path: `/comments?authorId=${world.sessions.owner.userId}` }),
    expect: signedIn({ owner: 403, other: 403, agent: 200, admin: 200, viewer: 200 }),
  },
  GetComment: {
    request: async (world) => ({ path: `/comments/${(await world.comment()).commentId}` }),
    expect: signedIn({ owner: 200, other: 404, agent: 200, admin: 200, viewer: 200 }),
  },
  UpdateComment: {
    request: async (world) => ({
      path: `/comments/${(await world.comment()).commentId}`,
      method: 'PATCH',
      json: { body: 'Edited' },
    }),
    expect: signedIn({ owner: 200, other: 404, agent: 200, admin: 200, viewer: 403 }),
  },
  ReplaceComment: {
    request: async (world) => ({
      path: `/comments/${(await world.comment()).commentId}`,
      method: 'PUT',
      json: { body: 'Replaced' },
    }),
    expect: signedIn({ owner: 200, other: 404, agent: 200, admin: 200, viewer: 403 }),
  },
  DeleteComment: {
    request: async (world) => ({ path: `/comments/${(await world.comment()).commentId}`, method: 'DELETE' }),
    expect: signedIn({ owner: 204, other: 404, agent: 403, admin: 204, viewer: 403 }),
  },
  CreateImageUpload: {
    request: async (world) => ({
      path: `/tickets/${(await world.ticket()).ticketId}/images`,
      json: { contentType: 'image/png' },
    }),
    expect: signedIn({ owner: 201, other: 404, agent: 201, admin: 201, viewer: 201 }),
  },
  ListDeadLetters: {
    request: async () => ({ path: '/notifications/dead-letters?limit=1' }),
    expect: signedIn({ owner: 403, other: 403, agent: 403, admin: 200, viewer: 403 }),
  },
  RedriveDeadLetters: {
    // At most one message moves (whatever another test left in the dead-letter queue); redriving is harmless.
    request: async () => ({ path: '/notifications/dead-letters/redrive', json: { max: 1 } }),
    expect: signedIn({ owner: 403, other: 403, agent: 403, admin: 200, viewer: 403 }),
  },
  ShowApproval: { request: async () => ({ path: `/approvals/${'A'.repeat(43)}` }), expect: same(404) },
  DecideApproval: {
    request: async () => ({ path: `/approvals/${'A'.repeat(43)}`, form: { decision: 'approve' } }),
    expect: same(404),
  },
};

const accounts = inject('demoAccounts');
let world: World;

beforeAll(async () => {
  const [owner, other, agent, admin, disabled] = await Promise.all([
    newRequester('Matrix owner'),
    newRequester('Matrix other'),
    logIn(accounts.agent.email, accounts.agent.password),
    logIn(accounts.admin.email, accounts.admin.password),
    newRequester('Matrix disabled'),
  ]);
  const as =
    (session: Session) =>
    (path: string, options: CallOptions = {}) =>
      call(path, { ...options, token: session.token });
  const role = async () => {
    const name = `matrix-${randomUUID().slice(0, 8)}`;
    const created = await as(admin)('/roles', { json: { name, permissions: { canViewAll: true } } });
    if (created.status !== 201) throw new Error(`role: ${created.status} ${created.text}`);
    return name;
  };
  // A user of a custom role with only canViewAll, created by the admin, who sets their password at first login.
  const viewerRole = await role();
  const email = `viewer-${randomUUID().slice(0, 8)}@example.com`;
  const made = await as(admin)('/users', { json: { email, name: 'Viewer', role: viewerRole } });
  if (made.status !== 201) throw new Error(`user: ${made.status} ${made.text}`);
  const first = await call('/auth/login', { json: { email, password: made.body.temporaryPassword } });
  const set = await call('/auth/password', {
    json: { session: first.body.session, newPassword: demoPassword },
  });
  if (set.status !== 200) throw new Error(`new password: ${set.status} ${set.text}`);
  const viewer = await logIn(email, demoPassword);
  // Disabled after its token was issued.
  const disabledNow = await as(admin)(`/users/${disabled.userId}`, { method: 'DELETE' });
  if (disabledNow.status !== 204) throw new Error(`disable: ${disabledNow.status} ${disabledNow.text}`);

  const ticket = async () => {
    const created = await as(owner)('/tickets', { json: ticketBody });
    if (created.status !== 201) throw new Error(`ticket: ${created.status} ${created.text}`);
    return created.body as { ticketId: string };
  };
  world = {
    sessions: { owner, other, agent, admin, disabled, viewer },
    viewerRole,
    ticket,
    role,
    user: () => newRequester('Matrix account'),
    async comment() {
      const { ticketId } = await ticket();
      const posted = await as(owner)(`/tickets/${ticketId}/comments`, { json: { body: 'Owner comment' } });
      if (posted.status !== 201) throw new Error(`comment: ${posted.status} ${posted.text}`);
      return { commentId: posted.body.commentId, ticketId };
    },
  };
});

describe('authorization matrix', () => {
  it('has a row for every route, and no row for a route that does not exist', () => {
    expect(Object.keys(matrix).sort()).toEqual(routes.map((route) => route.id).sort());
  });

  for (const route of routes) {
    it(`${route.id} (${route.method} ${route.path})`, async () => {
      const row = matrix[route.id];
      expect(row, `a matrix row for ${route.id}`).toBeDefined();
      if (!row) return;
      const got: Record<string, number> = {};
      for (const caller of callers) {
        const { path, ...options } = await row.request(world, caller);
        const token = caller === 'anonymous' ? undefined : world.sessions[caller].token;
        const response = await call(path, { method: route.method, token, ...options });
        got[caller] = response.status;
      }
      expect(got).toEqual(row.expect);
    });
  }
});
