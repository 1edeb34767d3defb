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

/** A fresh pending optics request of the owner. */
async function opticsRequestOf(world: World): Promise<{ requestId: string }> {
  const made = await apiAs(world.sessions.owner.token).POST('/optics/requests', {
    body: { part: 'Other', description: 'Matrix optic', quantity: 2 },
  });
  return { requestId: ok(made, 'optics request').requestId };
}

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
  ConfirmSignUp: {
    // Well-formed, but no sign-up of that address waits for that code: 422 on /code for everyone.
    request: (client) =>
      client.POST('/auth/confirm', {
        body: { email: `unconfirmed-${randomUUID().slice(0, 8)}@example.com`, code: '123456' },
      }),
    expect: same(422),
  },
  ResendConfirmationCode: {
    // A fresh address each call (one code a minute per address): the same 204 whoever asks, whatever the address.
    request: (client) =>
      client.POST('/auth/confirm/resend', {
        body: { email: `resend-${randomUUID().slice(0, 8)}@example.com` },
      }),
    expect: same(204),
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
  RequestPhoneCode: {
    // Nobody here has a number waiting for a code (no number, or the demo agent's, verified): 409, and no SMS.
    request: (client) => client.POST('/me/phone/code', { body: {} }),
    expect: signedIn({ owner: 409, other: 409, agent: 409, admin: 409, viewer: 409 }),
  },
  VerifyPhone: {
    request: (client) => client.POST('/me/phone/verify', { body: { code: '123456' } }),
    expect: signedIn({ owner: 409, other: 409, agent: 409, admin: 409, viewer: 409 }),
  },
  VerifyEmail: {
    // Nobody here has an email change waiting for its code: 409, and nothing changes.
    request: (client) => client.POST('/me/email/verify', { body: { code: '123456' } }),
    expect: signedIn({ owner: 409, other: 409, agent: 409, admin: 409, viewer: 409 }),
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
        body: { decision: 'approve', version: '1' },
      }),
    expect: same(404),
  },
  CreateCustomer: {
    request: (client) =>
      client.POST('/customers', {
        body: { name: 'Matrix Customer', email: `matrix-${randomUUID().slice(0, 8)}@example.com` },
      }),
    expect: signedIn({ owner: 403, other: 403, agent: 201, admin: 201, viewer: 403 }),
  },
  ListCustomers: {
    request: (client) => client.GET('/customers', { params: { query: { limit: 5 } } }),
    expect: signedIn({ owner: 403, other: 403, agent: 200, admin: 200, viewer: 403 }),
  },
  GetCustomer: {
    // The admin's customer: the agent sees it through canViewAll.
    request: async (client, world) =>
      client.GET('/customers/{customerId}', { params: { path: await matrixCustomer(world) } }),
    expect: signedIn({ owner: 403, other: 403, agent: 200, admin: 200, viewer: 403 }),
  },
  UpdateCustomer: {
    // The agent edits the admin's customer through canEditAll.
    request: async (client, world) =>
      client.PATCH('/customers/{customerId}', {
        params: { path: await matrixCustomer(world) },
        body: { notes: 'Changed' },
      }),
    expect: signedIn({ owner: 403, other: 403, agent: 200, admin: 200, viewer: 403 }),
  },
  DeleteCustomer: {
    // The agent has no canDeleteAll: the admin's customer is not theirs to delete.
    request: async (client, world) =>
      client.DELETE('/customers/{customerId}', { params: { path: await matrixCustomer(world) } }),
    expect: signedIn({ owner: 403, other: 403, agent: 403, admin: 204, viewer: 403 }),
  },
  // Each row reads a fresh shared macro of the admin (every agent sees it); requesters and the viewer are refused
  // before it is read.
  CreateMacro: {
    request: (client) =>
      client.POST('/macros', { body: { name: 'Matrix macro', actions: { priority: 'low' } } }),
    expect: signedIn({ owner: 403, other: 403, agent: 201, admin: 201, viewer: 403 }),
  },
  ListMacros: {
    request: (client) => client.GET('/macros', { params: { query: { limit: 5 } } }),
    expect: signedIn({ owner: 403, other: 403, agent: 200, admin: 200, viewer: 403 }),
  },
  GetMacro: {
    request: async (client, world) => {
      const macro = await apiAs(world.sessions.admin.token).POST('/macros', {
        body: { name: 'Matrix shared', availability: 'shared', actions: { priority: 'low' } },
      });
      return client.GET('/macros/{macroId}', { params: { path: { macroId: ok(macro, 'macro').macroId } } });
    },
    expect: signedIn({ owner: 403, other: 403, agent: 200, admin: 200, viewer: 403 }),
  },
  UpdateMacro: {
    request: async (client, world) => {
      const macro = await apiAs(world.sessions.admin.token).POST('/macros', {
        body: { name: 'Matrix shared', availability: 'shared', actions: { priority: 'low' } },
      });
      return client.PATCH('/macros/{macroId}', {
        params: { path: { macroId: ok(macro, 'macro').macroId } },
        body: { name: 'Matrix renamed' },
      });
    },
    expect: signedIn({ owner: 403, other: 403, agent: 200, admin: 200, viewer: 403 }),
  },
  DeleteMacro: {
    request: async (client, world) => {
      const macro = await apiAs(world.sessions.admin.token).POST('/macros', {
        body: { name: 'Matrix shared', availability: 'shared', actions: { priority: 'low' } },
      });
      return client.DELETE('/macros/{macroId}', {
        params: { path: { macroId: ok(macro, 'macro').macroId } },
      });
    },
    expect: signedIn({ owner: 403, other: 403, agent: 204, admin: 204, viewer: 403 }),
  },
  ApplyMacro: {
    request: async (client, world) => {
      const macro = await apiAs(world.sessions.admin.token).POST('/macros', {
        body: { name: 'Matrix shared', availability: 'shared', actions: { priority: 'high' } },
      });
      return client.POST('/tickets/{ticketId}/macros/{macroId}/apply', {
        params: { path: { ...(await world.ticket()), macroId: ok(macro, 'macro').macroId } },
        body: {},
      });
    },
    expect: signedIn({ owner: 403, other: 403, agent: 200, admin: 200, viewer: 403 }),
  },
  // A fresh requester receives: only agents and admins (canManageTickets) may write to someone who works none of
  // their tickets; the others are told no such user exists.
  SendMessage: {
    request: async (client, world) =>
      client.POST('/conversations/{userId}/messages', {
        params: { path: { userId: (await world.user()).userId } },
        body: { body: 'Matrix message' },
      }),
    expect: signedIn({ owner: 404, other: 404, agent: 201, admin: 201, viewer: 404 }),
  },
  ListConversations: {
    request: (client) => client.GET('/conversations', { params: { query: { limit: 5 } } }),
    expect: signedIn({ owner: 200, other: 200, agent: 200, admin: 200, viewer: 200 }),
  },
  ListMessages: {
    // One's own conversation with the agent (empty for those who never wrote to each other).
    request: (client, world) =>
      client.GET('/conversations/{userId}/messages', {
        params: { path: { userId: world.sessions.agent.userId }, query: { limit: 5 } },
      }),
    expect: signedIn({ owner: 200, other: 200, agent: 200, admin: 200, viewer: 200 }),
  },
  // A fresh message of the agent to the owner: the sender edits and deletes it, its recipient is refused (403),
  // everyone else is told it does not exist (admins included: nobody reads others' messages).
  UpdateMessage: {
    request: async (client, world) =>
      client.PATCH('/messages/{messageId}', {
        params: { path: await matrixMessage(world) },
        body: { body: 'Edited' },
      }),
    expect: signedIn({ owner: 403, other: 404, agent: 200, admin: 404, viewer: 404 }),
  },
  DeleteMessage: {
    request: async (client, world) =>
      client.DELETE('/messages/{messageId}', { params: { path: await matrixMessage(world) } }),
    expect: signedIn({ owner: 403, other: 404, agent: 204, admin: 404, viewer: 404 }),
  },
  ListImages: {
    request: async (client, world) =>
      client.GET('/tickets/{ticketId}/images', { params: { path: await world.ticket() } }),
    expect: signedIn({ owner: 200, other: 404, agent: 200, admin: 200, viewer: 200 }),
  },
  GetImage: {
    // A fresh pending image of the owner's, on a fresh ticket of theirs.
    request: async (client, world) => {
      const path = await world.ticket();
      const asked = await apiAs(world.sessions.owner.token).POST('/tickets/{ticketId}/images', {
        params: { path },
        body: { contentType: 'image/png' },
      });
      const imageId = ok(asked, 'image').imageId;
      return client.GET('/tickets/{ticketId}/images/{imageId}', { params: { path: { ...path, imageId } } });
    },
    expect: signedIn({ owner: 200, other: 404, agent: 200, admin: 200, viewer: 200 }),
  },
  UpdateImage: {
    request: async (client, world) => {
      const path = await world.ticket();
      const asked = await apiAs(world.sessions.owner.token).POST('/tickets/{ticketId}/images', {
        params: { path },
        body: { contentType: 'image/png' },
      });
      const imageId = ok(asked, 'image').imageId;
      return client.PATCH('/tickets/{ticketId}/images/{imageId}', {
        params: { path: { ...path, imageId } },
        body: { caption: 'Captioned' },
      });
    },
    // The uploader, or canEditAll; the viewer sees the ticket but may not change the owner's image.
    expect: signedIn({ owner: 200, other: 404, agent: 200, admin: 200, viewer: 403 }),
  },
  DeleteImage: {
    request: async (client, world) => {
      const path = await world.ticket();
      const asked = await apiAs(world.sessions.owner.token).POST('/tickets/{ticketId}/images', {
        params: { path },
        body: { contentType: 'image/png' },
      });
      const imageId = ok(asked, 'image').imageId;
      return client.DELETE('/tickets/{ticketId}/images/{imageId}', {
        params: { path: { ...path, imageId } },
      });
    },
    expect: signedIn({ owner: 204, other: 404, agent: 204, admin: 204, viewer: 403 }),
  },
  ReplaceImage: {
    // A ready image of the owner's: requested, posted to the bucket, checked.
    request: async (client, world) => {
      const path = await world.ticket();
      const asked = await apiAs(world.sessions.owner.token).POST('/tickets/{ticketId}/images', {
        params: { path },
        body: { contentType: 'image/png' },
      });
      const { imageId, upload } = ok(asked, 'image');
      const form = new FormData();
      for (const [name, value] of Object.entries(upload.fields)) form.append(name, value);
      const png = Buffer.from(
        '89504e470d0a1a0a0000000d4948445200000001000000010806000000' +
          '1f15c4890000000d4944415478da63f8cfc0f01f0005000201a5d2a1ae0000000049454e44ae426082',
        'hex',
      );
      form.append('file', new Blob([png], { type: 'image/png' }), 'matrix.png');
      await fetch(upload.url, { method: 'POST', body: form });
      await fetch(inject('drainUrl'), { method: 'POST' });
      return client.POST('/tickets/{ticketId}/images/{imageId}/replace', {
        params: { path: { ...path, imageId } },
        body: { contentType: 'image/png' },
      });
    },
    expect: signedIn({ owner: 201, other: 404, agent: 201, admin: 201, viewer: 403 }),
  },
  GetOpticsParts: {
    request: (client) => client.GET('/optics/parts'),
    expect: signedIn({ owner: 200, other: 200, agent: 200, admin: 200, viewer: 200 }),
  },
  ReplaceOpticsParts: {
    request: async (client, world) => {
      // The list as it is (another test may be editing it): the call changes nothing but the version.
      const current = await apiAs(world.sessions.admin.token).GET('/optics/parts');
      return client.PUT('/optics/parts', {
        body: { parts: current.data?.parts ?? ['SFP+ 10G SR 850 nm (MMF)'] },
      });
    },
    expect: signedIn({ owner: 403, other: 403, agent: 403, admin: 200, viewer: 403 }),
  },
  CreateOpticsRequest: {
    request: (client) =>
      client.POST('/optics/requests', {
        body: { part: 'Other', description: 'Matrix optic', quantity: 1 },
      }),
    expect: signedIn({ owner: 201, other: 201, agent: 201, admin: 201, viewer: 201 }),
  },
  ListOpticsRequests: {
    request: (client) => client.GET('/optics/requests', { params: { query: { limit: 1 } } }),
    expect: signedIn({ owner: 200, other: 200, agent: 200, admin: 200, viewer: 200 }),
  },
  GetOpticsRequest: {
    request: async (client, world) =>
      client.GET('/optics/requests/{requestId}', { params: { path: await opticsRequestOf(world) } }),
    expect: signedIn({ owner: 200, other: 404, agent: 404, admin: 200, viewer: 404 }),
  },
  ChangeOpticsStatus: {
    request: async (client, world) =>
      client.PATCH('/optics/requests/{requestId}/status', {
        params: { path: await opticsRequestOf(world) },
        body: { action: 'approve' },
      }),
    expect: signedIn({ owner: 403, other: 403, agent: 403, admin: 200, viewer: 403 }),
  },
  // Everyone signed in gets their own counts; which other parts are null is test/integration/dashboard.test.ts.
  GetDashboardStats: {
    request: (client) => client.GET('/dashboard/stats'),
    expect: signedIn({ owner: 200, other: 200, agent: 200, admin: 200, viewer: 200 }),
  },
  // Inventory: admins (and the inventory team, test/integration/inventory.test.ts) write; canViewAll reads.
  CreateInventoryReceipt: {
    request: (client) =>
      client.POST('/inventory/receipts', {
        body: {
          cableType: 'other',
          length: { value: 1, unit: 'm' },
          quantity: 1,
          supplier: 'Matrix supplier',
          reference: 'MATRIX-1',
          receivedAt: '2026-01-15',
        },
      }),
    expect: signedIn({ owner: 403, other: 403, agent: 403, admin: 201, viewer: 403 }),
  },
  ListInventoryReceipts: {
    request: (client) => client.GET('/inventory/receipts', { params: { query: { limit: 1 } } }),
    expect: signedIn({ owner: 403, other: 403, agent: 200, admin: 200, viewer: 200 }),
  },
  ListInventoryMovements: {
    request: (client) => client.GET('/inventory/movements', { params: { query: { limit: 1 } } }),
    expect: signedIn({ owner: 403, other: 403, agent: 200, admin: 200, viewer: 200 }),
  },
  CreateInventoryAdjustment: {
    request: (client) =>
      client.POST('/inventory/adjustments', {
        body: {
          cableType: 'other',
          delta: { value: 1, unit: 'm', direction: 'add' },
          reason: 'Matrix count',
        },
      }),
    expect: signedIn({ owner: 403, other: 403, agent: 403, admin: 201, viewer: 403 }),
  },
  GetInventoryOnHand: {
    request: (client) => client.GET('/inventory/on-hand'),
    expect: signedIn({ owner: 403, other: 403, agent: 200, admin: 200, viewer: 200 }),
  },
  SetInventoryThreshold: {
    request: (client) =>
      client.PUT('/inventory/thresholds/{cableType}', {
        params: { path: { cableType: 'other' } },
        body: { length: { value: 0, unit: 'm' } },
      }),
    expect: signedIn({ owner: 403, other: 403, agent: 403, admin: 200, viewer: 403 }),
  },
  ListTicketNotifications: {
    request: async (client, world) =>
      client.GET('/tickets/{ticketId}/notifications', { params: { path: await world.ticket() } }),
    expect: signedIn({ owner: 403, other: 403, agent: 200, admin: 200, viewer: 403 }),
  },
  ListNotifications: {
    request: (client) => client.GET('/notifications', { params: { query: { status: 'failed', limit: 1 } } }),
    expect: signedIn({ owner: 403, other: 403, agent: 403, admin: 200, viewer: 403 }),
  },
  RetryNotification: {
    // No row has this id: the admin gets past the permission to the 404.
    request: (client) =>
      client.POST('/notifications/{notificationId}/retry', {
        params: { path: { notificationId: '01JDQ8Z3M4N5P6Q7R8S9T0V1W2' } },
        body: {},
      }),
    expect: signedIn({ owner: 403, other: 403, agent: 403, admin: 404, viewer: 403 }),
  },
};

/** A fresh direct message of the agent to the owner (the message rows). */
async function matrixMessage(world: World): Promise<{ messageId: string }> {
  const sent = await apiAs(world.sessions.agent.token).POST('/conversations/{userId}/messages', {
    params: { path: { userId: world.sessions.owner.userId } },
    body: { body: 'Matrix message' },
  });
  return { messageId: ok(sent, 'message').messageId };
}

/** A fresh customer of the admin (the customer rows). */
async function matrixCustomer(world: World): Promise<{ customerId: string }> {
  const made = await apiAs(world.sessions.admin.token).POST('/customers', {
    body: { name: 'Matrix Customer', email: `matrix-${randomUUID().slice(0, 8)}@example.com` },
  });
  return { customerId: ok(made, 'customer').customerId };
}

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
