/**
 * The authorization matrix: every route × every kind of caller, with the exact status each gets, through the HTTP
 * API on the local stack. A route without a row fails the test, so a new route cannot ship without its rows. Each
 * row calls its route through the typed client (a removed or renamed route breaks the type check), and every
 * response, the refusals included, is checked against openapi.json.
 *
 * Callers: nobody (no token), the requester who owns the objects, another requester, an agent, an admin, a user
 * an admin disabled (token issued before), and a user of a custom role that has only `canViewAll`.
 */
import { randomUUID } from 'node:crypto';
import type { Middleware } from 'openapi-fetch';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { routes } from '#shared/routes.ts';
import { type HelpdeskClient, problemOf } from '../../client/index.ts';
import { api, apiAs, demoPassword, logIn, newRequester, ok, type Session } from './support.ts';

const callers = ['anonymous', 'owner', 'other', 'agent', 'admin', 'disabled', 'viewer'] as const;
type Caller = (typeof callers)[number];

interface World {
  readonly sessions: Record<Exclude<Caller, 'anonymous'>, Session>;
  /** A fresh ticket of the owner, version 1. */
  ticket(): Promise<{ ticketId: string }>;
  /** A fresh comment of the owner on a fresh ticket of theirs. */
  comment(): Promise<{ commentId: string }>;
  /** A fresh custom role. */
  role(): Promise<{ roleName: string }>;
  /** A fresh requester account (for user administration rows). */
  user(): Promise<Session>;
  readonly viewerRole: string;
}

interface Row {
  /**
   * The request a caller makes to the row's route, with the typed client of that caller (its token; none for
   * nobody), on fresh objects where the request changes them. Resolves with the response whatever its status.
   */
  request(client: HelpdeskClient, world: World, caller: Caller): Promise<{ response: Response }>;
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
const allPermissions = (value: boolean) => ({
  canViewAll: value,
  canEditAll: value,
  canDeleteAll: value,
  canManageUsers: value,
  canManageTickets: value,
  canAssignTickets: value,
  canCreateTickets: value,
});
/** A token that does not exist: the approval link rows answer 404 to everyone. */
const unknownApproval = { params: { path: { token: 'A'.repeat(43) } }, parseAs: 'text' } as const;

const matrix: Record<string, Row> = {
  GetHealth: { request: (client) => client.GET('/health'), expect: same(200) },
  GetOpenApi: { request: (client) => client.GET('/openapi.json'), expect: same(200) },
  GetDocs: { request: (client) => client.GET('/docs', { parseAs: 'text' }), expect: same(200) },
  SignUp: {
    request: (client) =>
      client.POST('/auth/signup', {
        body: { email: `matrix-${randomUUID().slice(0, 8)}@example.com`, password: demoPassword, name: 'M' },
      }),
    expect: same(201),
  },
  LogIn: {
    request: (client, world) =>
      client.POST('/auth/login', { body: { email: world.sessions.owner.email, password: demoPassword } }),
    expect: same(200),
  },
  SetNewPassword: {
    // Well-formed, but no login ever issued it.
    request: (client) =>
      client.POST('/auth/password', {
        body: { session: 'bm90LWE.c2Vzc2lvbg', newPassword: 'An0ther-pass-word' },
      }),
    expect: same(401),
  },
  RefreshTokens: {
    request: (client, world) =>
      client.POST('/auth/refresh', { body: { refreshToken: world.sessions.owner.refreshToken } }),
    expect: same(200),
  },
  LogOut: {
    // Each caller logs a fresh session of a fresh account out (logging the matrix's own sessions out would end them).
    request: async (client, world, caller) => {
      if (caller === 'anonymous' || caller === 'disabled')
        return client.POST('/auth/logout', { body: { refreshToken: 'x' } });
      const session = await world.user();
      return client.POST('/auth/logout', {
        headers: { authorization: `Bearer ${session.token}` },
        body: { refreshToken: session.refreshToken },
      });
    },
    expect: signedIn({ owner: 204, other: 204, agent: 204, admin: 204, viewer: 204 }),
  },
  GetMe: {
    request: (client) => client.GET('/me'),
    expect: signedIn({ owner: 200, other: 200, agent: 200, admin: 200, viewer: 200 }),
  },
  CreateUser: {
    request: (client) =>
      client.POST('/users', {
        body: { email: `made-${randomUUID().slice(0, 8)}@example.com`, name: 'Made', role: 'agent' },
      }),
    expect: signedIn({ owner: 403, other: 403, agent: 403, admin: 201, viewer: 403 }),
  },
  ListUsers: {
    request: (client) => client.GET('/users', { params: { query: { limit: 5 } } }),
    expect: signedIn({ owner: 403, other: 403, agent: 200, admin: 200, viewer: 200 }),
  },
  GetUser: {
    request: (client, world) =>
      client.GET('/users/{userId}', { params: { path: { userId: world.sessions.owner.userId } } }),
    expect: signedIn({ owner: 200, other: 404, agent: 200, admin: 200, viewer: 200 }),
  },
  UpdateUser: {
    // A real change per caller (a field sent unchanged needs no permission).
    request: (client, world, caller) =>
      client.PATCH('/users/{userId}', {
        params: { path: { userId: world.sessions.owner.userId } },
        body: { name: `Named by ${caller}` },
      }),
    expect: signedIn({ owner: 200, other: 404, agent: 403, admin: 200, viewer: 403 }),
  },
  ReplaceUser: {
    request: (client, world, caller) =>
      client.PUT('/users/{userId}', {
        params: { path: { userId: world.sessions.owner.userId } },
        body: { name: `Replaced by ${caller}`, email: world.sessions.owner.email, smsOptIn: false },
      }),
    expect: signedIn({ owner: 200, other: 404, agent: 403, admin: 200, viewer: 403 }),
  },
  DeleteUser: {
    request: async (client, world) =>
      client.DELETE('/users/{userId}', { params: { path: { userId: (await world.user()).userId } } }),
    expect: signedIn({ owner: 403, other: 403, agent: 403, admin: 204, viewer: 403 }),
  },
  ListApprovers: {
    request: (client) => client.GET('/approvers', { params: { query: { name: 'a' } } }),
    expect: signedIn({ owner: 200, other: 200, agent: 200, admin: 200, viewer: 200 }),
  },
  ListRoles: {
    request: (client) => client.GET('/roles'),
    expect: signedIn({ owner: 403, other: 403, agent: 403, admin: 200, viewer: 403 }),
  },
  CreateRole: {
    request: (client) =>
      client.POST('/roles', {
        body: { name: `made-${randomUUID().slice(0, 8)}`, permissions: { canViewAll: true } },
      }),
    expect: signedIn({ owner: 403, other: 403, agent: 403, admin: 201, viewer: 403 }),
  },
  GetRole: {
    request: (client, world) =>
      client.GET('/roles/{roleName}', { params: { path: { roleName: world.viewerRole } } }),
    expect: signedIn({ owner: 403, other: 403, agent: 403, admin: 200, viewer: 403 }),
  },
  UpdateRole: {
    request: async (client, world) =>
      client.PATCH('/roles/{roleName}', {
        params: { path: await world.role() },
        body: { description: 'Changed' },
      }),
    expect: signedIn({ owner: 403, other: 403, agent: 403, admin: 200, viewer: 403 }),
  },
  ReplaceRole: {
    request: async (client, world) =>
      client.PUT('/roles/{roleName}', {
        params: { path: await world.role() },
        body: { permissions: { ...allPermissions(false), canViewAll: true } },
      }),
    expect: signedIn({ owner: 403, other: 403, agent: 403, admin: 200, viewer: 403 }),
  },
  DeleteRole: {
    request: async (client, world) =>
      client.DELETE('/roles/{roleName}', { params: { path: await world.role() } }),
    expect: signedIn({ owner: 403, other: 403, agent: 403, admin: 204, viewer: 403 }),
  },
  CreateTicket: {
    request: (client) => client.POST('/tickets', { body: ticketBody }),
    expect: signedIn({ owner: 201, other: 201, agent: 403, admin: 201, viewer: 403 }),
  },
  ListTickets: {
    request: (client) => client.GET('/tickets', { params: { query: { limit: 5 } } }),
    expect: signedIn({ owner: 200, other: 200, agent: 200, admin: 200, viewer: 200 }),
  },
  GetTicket: {
    request: async (client, world) =>
      client.GET('/tickets/{ticketId}', { params: { path: await world.ticket() } }),
    expect: signedIn({ owner: 200, other: 404, agent: 200, admin: 200, viewer: 200 }),
  },
  UpdateTicket: {
    request: async (client, world) =>
      client.PATCH('/tickets/{ticketId}', {
        params: { path: await world.ticket() },
        body: { title: 'Renamed' },
      }),
    expect: signedIn({ owner: 200, other: 404, agent: 200, admin: 200, viewer: 403 }),
  },
  ReplaceTicket: {
    request: async (client, world, caller) =>
      client.PUT('/tickets/{ticketId}', {
        params: { path: await world.ticket() },
        body: { ...ticketBody, title: `Replaced by ${caller}` },
      }),
    expect: signedIn({ owner: 200, other: 404, agent: 200, admin: 200, viewer: 403 }),
  },
  DeleteTicket: {
    request: async (client, world) =>
      client.DELETE('/tickets/{ticketId}', { params: { path: await world.ticket() } }),
    expect: signedIn({ owner: 204, other: 404, agent: 403, admin: 204, viewer: 403 }),
  },
  TakeTicket: {
    request: async (client, world) =>
      client.POST('/tickets/{ticketId}/take', { params: { path: await world.ticket() }, body: {} }),
    expect: signedIn({ owner: 403, other: 403, agent: 200, admin: 200, viewer: 403 }),
  },
  ListTicketEvents: {
    request: async (client, world) =>
      client.GET('/tickets/{ticketId}/events', { params: { path: await world.ticket() } }),
    expect: signedIn({ owner: 200, other: 404, agent: 200, admin: 200, viewer: 200 }),
  },
  CreateComment: {
    request: async (client, world) =>
      client.POST('/tickets/{ticketId}/comments', {
        params: { path: await world.ticket() },
        body: { body: 'Hello' },
      }),
    expect: signedIn({ owner: 201, other: 404, agent: 201, admin: 201, viewer: 201 }),
  },
  CreateCommentOnTicket: {
    request: async (client, world) =>
      client.POST('/comments', {
        body: { ticketId: (await world.ticket()).ticketId, body: 'Hello' },
      }),
    expect: signedIn({ owner: 201, other: 404, agent: 201, admin: 201, viewer: 201 }),
  },
  ListComments: {
    request: async (client, world) =>
      client.GET('/tickets/{ticketId}/comments', { params: { path: await world.ticket() } }),
    expect: signedIn({ owner: 200, other: 404, agent: 200, admin: 200, viewer: 200 }),
  },
  ListAllComments: {
    request: (client, world) =>
      client.GET('/comments', { params: { query: { authorId: world.sessions.owner.userId } } }),
    expect: signedIn({ owner: 403, other: 403, agent: 200, admin: 200, viewer: 200 }),
  },
  GetComment: {
    request: async (client, world) =>
      client.GET('/comments/{commentId}', { params: { path: await world.comment() } }),
    expect: signedIn({ owner: 200, other: 404, agent: 200, admin: 200, viewer: 200 }),
  },
  UpdateComment: {
    request: async (client, world) =>
      client.PATCH('/comments/{commentId}', {
        params: { path: await world.comment() },
        body: { body: 'Edited' },
      }),
    expect: signedIn({ owner: 200, other: 404, agent: 200, admin: 200, viewer: 403 }),
  },
  ReplaceComment: {
    request: async (client, world) =>
      client.PUT('/comments/{commentId}', {
        params: { path: await world.comment() },
        body: { body: 'Replaced' },
      }),
    expect: signedIn({ owner: 200, other: 404, agent: 200, admin: 200, viewer: 403 }),
  },
  DeleteComment: {
    request: async (client, world) =>
      client.DELETE('/comments/{commentId}', { params: { path: await world.comment() } }),
    expect: signedIn({ owner: 204, other: 404, agent: 403, admin: 204, viewer: 403 }),
  },
  CreateImageUpload: {
    request: async (client, world) =>
      client.POST('/tickets/{ticketId}/images', {
        params: { path: await world.ticket() },
        body: { contentType: 'image/png' },
      }),
    expect: signedIn({ owner: 201, other: 404, agent: 201, admin: 201, viewer: 201 }),
  },
  ListDeadLetters: {
    request: (client) => client.GET('/notifications/dead-letters', { params: { query: { limit: 1 } } }),
    expect: signedIn({ owner: 403, other: 403, agent: 403, admin: 200, viewer: 403 }),
  },
  RedriveDeadLetters: {
    // At most one message moves (whatever another test left in the dead-letter queue); redriving is harmless.
    request: (client) => client.POST('/notifications/dead-letters/redrive', { body: { max: 1 } }),
    expect: signedIn({ owner: 403, other: 403, agent: 403, admin: 200, viewer: 403 }),
  },
  ShowApproval: { request: (client) => client.GET('/approvals/{token}', unknownApproval), expect: same(404) },
  DecideApproval: {
    request: (client) =>
      client.POST('/approvals/{token}', {
        ...unknownApproval,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: { decision: 'approve' },
      }),
    expect: same(404),
  },
  // ── rows: customers ──
  // ── rows: macros ──
  // ── rows: messages ──
  // ── rows: images (issue 10) ──
  // ── rows: optics ──
  // ── rows: notification log ──
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
  const asAdmin = apiAs(admin.token);
  const asOwner = apiAs(owner.token);
  const role = async () => {
    const name = `matrix-${randomUUID().slice(0, 8)}`;
    ok(await asAdmin.POST('/roles', { body: { name, permissions: { canViewAll: true } } }), 'role');
    return { roleName: name };
  };
  // A user of a custom role with only canViewAll, created by the admin, who sets their password at first login.
  const { roleName: viewerRole } = await role();
  const email = `viewer-${randomUUID().slice(0, 8)}@example.com`;
  const made = ok(
    await asAdmin.POST('/users', { body: { email, name: 'Viewer', role: viewerRole } }),
    'user',
  );
  const first = await api.POST('/auth/login', { body: { email, password: made.temporaryPassword } });
  expect(first.error).toMatchObject({ challenge: 'NEW_PASSWORD_REQUIRED', session: expect.any(String) });
  const session = String(problemOf(first)?.session);
  ok(await api.POST('/auth/password', { body: { session, newPassword: demoPassword } }), 'new password');
  const viewer = await logIn(email, demoPassword);
  // Disabled after its token was issued.
  const disabledNow = await asAdmin.DELETE('/users/{userId}', {
    params: { path: { userId: disabled.userId } },
  });
  if (disabledNow.response.status !== 204) throw new Error(`disable: ${disabledNow.response.status}`);

  const ticket = async () => {
    const { ticketId } = ok(await asOwner.POST('/tickets', { body: ticketBody }), 'ticket');
    return { ticketId };
  };
  world = {
    sessions: { owner, other, agent, admin, disabled, viewer },
    viewerRole,
    ticket,
    role,
    user: () => newRequester('Matrix account'),
    async comment() {
      const posted = await asOwner.POST('/tickets/{ticketId}/comments', {
        params: { path: await ticket() },
        body: { body: 'Owner comment' },
      });
      return { commentId: ok(posted, 'comment').commentId };
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
      const sent: string[] = [];
      const recorder: Middleware = {
        onRequest({ request, schemaPath }) {
          sent.push(`${request.method} ${schemaPath}`);
        },
      };
      for (const caller of callers) {
        const client = caller === 'anonymous' ? api : apiAs(world.sessions[caller].token);
        client.use(recorder);
        try {
          got[caller] = (await row.request(client, world, caller)).response.status;
        } finally {
          client.eject(recorder);
        }
      }
      // The row calls its own route, once per caller (what it prepares goes to other routes).
      const own = `${route.method} ${route.path}`;
      expect(sent.filter((request) => request === own)).toEqual(callers.map(() => own));
      expect(got).toEqual(row.expect);
    });
  }
});
