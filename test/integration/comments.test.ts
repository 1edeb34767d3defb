/**
 * The conversation through the HTTP API against the local stack: the description as the first message, comments
 * by id (read, edit, delete, with their audit events), comments across tickets for agents, authors embedded, and
 * internal notes that never reach requesters. Notifications: `comments-notifications.test.ts`.
 */
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { queryPage } from '#shared/platform/db.ts';
import type { TicketEventItem } from '#shared/tickets/ticket-event.entity.ts';
import { call, logIn, newRequester, type Session } from './support.ts';

const accounts = inject('demoAccounts');

let alice: Session;
let bob: Session;
let agent: Session;
let admin: Session;

beforeAll(async () => {
  // Audit events are read from the table (DynamoDB Local) next to the API.
  Object.assign(process.env, inject('env'));
  [alice, bob, agent, admin] = await Promise.all([
    newRequester('Alice Conversation'),
    newRequester('Bob Stranger'),
    logIn(accounts.agent.email, accounts.agent.password),
    logIn(accounts.admin.email, accounts.admin.password),
  ]);
});

async function newTicket(session: Session, title: string, description = `About ${title}`) {
  const created = await call('/tickets', { token: session.token, json: { title, description } });
  expect(created.status).toBe(201);
  return created.body as { ticketId: string; number: number; description: string; createdAt: string };
}

async function comment(session: Session, ticketId: string, body: string, internal = false) {
  const posted = await call(`/tickets/${ticketId}/comments`, {
    token: session.token,
    json: { body, internal },
  });
  expect(posted.status).toBe(201);
  return posted.body as { commentId: string; kind: string; body: string };
}

/** Every item of a paginated list, following `nextCursor`. */
async function everyPage(path: string, token: string) {
  const items: Array<Record<string, unknown>> = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 20; pages++) {
    const separator = path.includes('?') ? '&' : '?';
    const page = await call(cursor ? `${path}${separator}cursor=${encodeURIComponent(cursor)}` : path, {
      token,
    });
    expect(page.status).toBe(200);
    items.push(...page.body.items);
    cursor = page.body.nextCursor;
    if (!cursor) return items;
  }
  throw new Error(`${path}: more than 20 pages`);
}

/** The audit events of a ticket, from the table. */
async function auditEvents(ticketId: string) {
  const { items } = await queryPage<TicketEventItem>({
    partition: { pk: `TICKET#${ticketId}` },
    beginsWith: ['sk', 'EVENT#'],
    limit: 100,
    consistent: true,
  });
  return items;
}

const bodies = (items: Array<Record<string, unknown>>) => items.map((item) => item.body);

describe("the ticket's description is its first message and cannot be deleted", () => {
  it('opens the comment list and the thread of GET /tickets/{id} as a request by the requester', async () => {
    const ticket = await newTicket(alice, 'Printer jammed', 'The printer on floor 2 is jammed.');
    await comment(alice, ticket.ticketId, 'Still jammed.');

    const list = await call(`/tickets/${ticket.ticketId}/comments`, { token: alice.token });
    expect(list.status).toBe(200);
    expect(list.body.items[0]).toEqual({
      commentId: ticket.ticketId,
      ticketId: ticket.ticketId,
      authorId: alice.userId,
      author: { userId: alice.userId, name: 'Alice Conversation', email: alice.email },
      kind: 'request',
      body: 'The printer on floor 2 is jammed.',
      isDescription: true,
      createdAt: ticket.createdAt,
      updatedAt: expect.any(String),
      editedAt: null,
    });
    expect(bodies(list.body.items)).toEqual(['The printer on floor 2 is jammed.', 'Still jammed.']);
    expect(list.body.items[1]).toMatchObject({ isDescription: false, kind: 'request' });

    const thread = await call(`/tickets/${ticket.ticketId}`, { token: agent.token });
    expect(thread.status).toBe(200);
    expect(thread.body.comments[0]).toMatchObject({
      commentId: ticket.ticketId,
      isDescription: true,
      kind: 'request',
      authorId: alice.userId,
      body: 'The printer on floor 2 is jammed.',
    });
    expect(bodies(thread.body.comments)).toEqual(['The printer on floor 2 is jammed.', 'Still jammed.']);

    const byId = await call(`/comments/${ticket.ticketId}`, { token: alice.token });
    expect(byId.status).toBe(200);
    expect(byId.body).toMatchObject({ commentId: ticket.ticketId, isDescription: true });
    expect((await call(`/comments/${ticket.ticketId}`, { token: bob.token })).status).toBe(404);
  });

  it('follows edits of the description made through the ticket', async () => {
    const ticket = await newTicket(alice, 'Wrong description', 'Fist version');
    const edited = await call(`/tickets/${ticket.ticketId}`, {
      method: 'PATCH',
      token: alice.token,
      json: { description: 'First version, corrected' },
    });
    expect(edited.status).toBe(200);
    const list = await call(`/tickets/${ticket.ticketId}/comments`, { token: alice.token });
    expect(list.body.items[0]).toMatchObject({ isDescription: true, body: 'First version, corrected' });
  });

  it('counts the description in the page size and pages on through the comments', async () => {
    const ticket = await newTicket(alice, 'Paged thread', 'Message zero');
    for (const body of ['one', 'two', 'three']) await comment(alice, ticket.ticketId, body);
    const first = await call(`/tickets/${ticket.ticketId}/comments?limit=2`, { token: alice.token });
    expect(bodies(first.body.items)).toEqual(['Message zero', 'one']);
    expect(bodies(await everyPage(`/tickets/${ticket.ticketId}/comments?limit=1`, alice.token))).toEqual([
      'Message zero',
      'one',
      'two',
      'three',
    ]);
    expect(bodies(await everyPage(`/tickets/${ticket.ticketId}/comments?limit=2`, alice.token))).toEqual([
      'Message zero',
      'one',
      'two',
      'three',
    ]);
  });

  it('refuses to delete or edit it as a comment: 409 saying how to change it', async () => {
    const ticket = await newTicket(alice, 'Keep my description');
    for (const token of [alice.token, admin.token]) {
      const deleted = await call(`/comments/${ticket.ticketId}`, { method: 'DELETE', token });
      expect(deleted.status).toBe(409);
      expect(deleted.body.detail).toMatch(/description.*cannot be deleted/);
    }
    for (const method of ['PATCH', 'PUT']) {
      const edited = await call(`/comments/${ticket.ticketId}`, {
        method,
        token: alice.token,
        json: { body: 'Rewritten' },
      });
      expect(edited.status).toBe(409);
      expect(edited.body.detail).toContain(`PATCH /tickets/${ticket.ticketId}`);
    }
    const list = await call(`/tickets/${ticket.ticketId}/comments`, { token: alice.token });
    expect(list.body.items[0]).toMatchObject({ isDescription: true, body: `About Keep my description` });
  });
});

describe('comments by id: read by who sees the ticket, edited by the author or canEditAll, deleted by the author or canDeleteAll', () => {
  it('reads a comment with its author; 404 for who cannot see the ticket, 400 for a malformed id', async () => {
    const ticket = await newTicket(alice, 'Read by id');
    const posted = await comment(alice, ticket.ticketId, 'Hello by id');
    expect(posted.commentId).toMatch(new RegExp(`^${ticket.ticketId}-[0-9A-Z]{26}$`));
    for (const token of [alice.token, agent.token, admin.token]) {
      const read = await call(`/comments/${posted.commentId}`, { token });
      expect(read.status).toBe(200);
      expect(read.body).toMatchObject({
        commentId: posted.commentId,
        ticketId: ticket.ticketId,
        body: 'Hello by id',
        kind: 'request',
        authorId: alice.userId,
        author: { userId: alice.userId, name: 'Alice Conversation', email: alice.email },
        isDescription: false,
        editedAt: null,
      });
    }
    const stranger = await call(`/comments/${posted.commentId}`, { token: bob.token });
    expect(stranger.status).toBe(404);
    expect(stranger.headers.get('content-type')).toBe('application/problem+json');
    const unknown = `${ticket.ticketId}-01JD3ZS0000000000000000001`;
    expect((await call(`/comments/${unknown}`, { token: alice.token })).status).toBe(404);
    expect((await call('/comments/01JD3ZS0000000000000000001', { token: alice.token })).status).toBe(404);
    const malformed = await call('/comments/nope', { token: alice.token });
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors[0]).toMatchObject({ in: 'path', pointer: '/commentId' });
    expect((await call(`/comments/${posted.commentId}`)).status).toBe(401);
  });

  it('lets the author edit with PATCH and PUT, stamping editedAt; canEditAll edits too; others get 403 or 404', async () => {
    const ticket = await newTicket(alice, 'Edit by id');
    const posted = await comment(alice, ticket.ticketId, 'Frist draft');
    const patched = await call(`/comments/${posted.commentId}`, {
      method: 'PATCH',
      token: alice.token,
      json: { body: 'First draft' },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      commentId: posted.commentId,
      body: 'First draft',
      kind: 'request',
      editedAt: expect.any(String),
      author: { userId: alice.userId },
    });
    const put = await call(`/comments/${posted.commentId}`, {
      method: 'PUT',
      token: alice.token,
      json: { body: 'Second draft' },
    });
    expect(put.status).toBe(200);
    expect(put.body.body).toBe('Second draft');
    expect(put.body.editedAt >= patched.body.editedAt).toBe(true);

    // An agent (canEditAll) may edit it; the kind stays the requester's.
    const byAgent = await call(`/comments/${posted.commentId}`, {
      method: 'PATCH',
      token: agent.token,
      json: { body: 'Second draft (typo fixed by support)' },
    });
    expect(byAgent.status).toBe(200);
    expect(byAgent.body).toMatchObject({ kind: 'request', authorId: alice.userId });

    // Another requester cannot see it: 404, even with a body that would not validate.
    for (const json of [{ body: 'mine now' }, { nonsense: true }]) {
      expect(
        (await call(`/comments/${posted.commentId}`, { method: 'PATCH', token: bob.token, json })).status,
      ).toBe(404);
    }
    // The requester cannot edit the agent's reply: 403.
    const reply = await comment(agent, ticket.ticketId, 'We are on it.');
    const refused = await call(`/comments/${reply.commentId}`, {
      method: 'PATCH',
      token: alice.token,
      json: { body: 'You are fired.' },
    });
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toBe('Only its author may edit this comment.');

    const invalid = await call(`/comments/${posted.commentId}`, {
      method: 'PATCH',
      token: alice.token,
      json: { body: '   ', internal: true },
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors.map((error: { pointer: string }) => error.pointer).sort()).toEqual([
      '/body',
      '/internal',
    ]);
    const read = await call(`/comments/${posted.commentId}`, { token: alice.token });
    expect(read.body.body).toBe('Second draft (typo fixed by support)');
  });

  it('deletes by the author or canDeleteAll, recording comment.deleted in the audit trail in the same write', async () => {
    const ticket = await newTicket(alice, 'Delete by id');
    const mine = await comment(alice, ticket.ticketId, 'Delete me');
    const agentsReply = await comment(agent, ticket.ticketId, 'Reply from support');
    const another = await comment(alice, ticket.ticketId, 'An admin removes this');

    expect((await call(`/comments/${mine.commentId}`, { method: 'DELETE', token: bob.token })).status).toBe(
      404,
    );
    // Agents have canEditAll but not canDeleteAll: only their own comments.
    expect((await call(`/comments/${mine.commentId}`, { method: 'DELETE', token: agent.token })).status).toBe(
      403,
    );
    expect(
      (await call(`/comments/${agentsReply.commentId}`, { method: 'DELETE', token: alice.token })).status,
    ).toBe(403);

    const deleted = await call(`/comments/${mine.commentId}`, { method: 'DELETE', token: alice.token });
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe('');
    expect((await call(`/comments/${mine.commentId}`, { token: alice.token })).status).toBe(404);
    expect((await call(`/comments/${mine.commentId}`, { method: 'DELETE', token: alice.token })).status).toBe(
      404,
    );
    expect(
      (await call(`/comments/${agentsReply.commentId}`, { method: 'DELETE', token: agent.token })).status,
    ).toBe(204);
    expect(
      (await call(`/comments/${another.commentId}`, { method: 'DELETE', token: admin.token })).status,
    ).toBe(204);

    const list = await call(`/tickets/${ticket.ticketId}/comments`, { token: alice.token });
    expect(bodies(list.body.items)).toEqual(['About Delete by id']);
    const events = (await auditEvents(ticket.ticketId)).filter((event) => event.field === 'comment.deleted');
    expect(events.map((event) => [event.from, event.actorId, event.internal])).toEqual([
      [mine.commentId, alice.userId, undefined],
      [agentsReply.commentId, agent.userId, undefined],
      [another.commentId, admin.userId, undefined],
    ]);
  });

  it("freezes a closed or canceled ticket's conversation (409), except deletes by canDeleteAll", async () => {
    const ticket = await newTicket(alice, 'Frozen conversation');
    const mine = await comment(alice, ticket.ticketId, 'Before canceling');
    const second = await comment(alice, ticket.ticketId, 'Password: hunter2');
    const canceled = await call(`/tickets/${ticket.ticketId}`, {
      method: 'PATCH',
      token: alice.token,
      json: { status: 'canceled' },
    });
    expect(canceled.status).toBe(200);

    const edit = await call(`/comments/${mine.commentId}`, {
      method: 'PATCH',
      token: alice.token,
      json: { body: 'After canceling' },
    });
    expect(edit.status).toBe(409);
    expect(edit.body.detail).toBe('The ticket is canceled; its comments can no longer be edited.');
    const remove = await call(`/comments/${mine.commentId}`, { method: 'DELETE', token: alice.token });
    expect(remove.status).toBe(409);
    expect(remove.body.detail).toBe('The ticket is canceled; its comments can no longer be deleted.');
    // An admin (canDeleteAll) still removes what must not stay.
    expect(
      (await call(`/comments/${second.commentId}`, { method: 'DELETE', token: admin.token })).status,
    ).toBe(204);
    const list = await call(`/tickets/${ticket.ticketId}/comments`, { token: alice.token });
    expect(bodies(list.body.items)).toEqual(['About Frozen conversation', 'Before canceling']);
  });
});

describe('GET /comments lists comments across tickets for agents, by author or by ticket, newest first', () => {
  let carol: Session;
  let first: { ticketId: string };
  let second: { ticketId: string };

  beforeAll(async () => {
    carol = await newRequester('Carol Across');
    first = await newTicket(carol, 'Across one', 'Description one');
    second = await newTicket(carol, 'Across two', 'Description two');
    await comment(carol, first.ticketId, 'c1');
    await comment(carol, second.ticketId, 'c2');
    await comment(agent, first.ticketId, 'agent reply');
    await comment(carol, first.ticketId, 'c3');
  });

  it("lists one author's comments on every ticket, newest first, paginated, with the author embedded", async () => {
    const page = await call(`/comments?authorId=${carol.userId}&limit=2`, { token: agent.token });
    expect(page.status).toBe(200);
    expect(bodies(page.body.items)).toEqual(['c3', 'c2']);
    expect(page.body.items[0]).toMatchObject({
      ticketId: first.ticketId,
      authorId: carol.userId,
      author: { userId: carol.userId, name: 'Carol Across', email: carol.email },
    });
    expect(bodies(await everyPage(`/comments?authorId=${carol.userId}&limit=2`, admin.token))).toEqual([
      'c3',
      'c2',
      'c1',
    ]);
  });

  it("lists one ticket's conversation newest first, its description last", async () => {
    expect(bodies(await everyPage(`/comments?ticketId=${first.ticketId}`, agent.token))).toEqual([
      'c3',
      'agent reply',
      'c1',
      'Description one',
    ]);
    expect(bodies(await everyPage(`/comments?ticketId=${first.ticketId}&limit=1`, agent.token))).toEqual([
      'c3',
      'agent reply',
      'c1',
      'Description one',
    ]);
    expect(bodies(await everyPage(`/comments?ticketId=${first.ticketId}&limit=3`, admin.token))).toEqual([
      'c3',
      'agent reply',
      'c1',
      'Description one',
    ]);
  });

  it('needs canViewAll or canManageTickets (403), exactly one filter (400 that says so), a visible ticket (404)', async () => {
    const requesterCall = await call(`/comments?authorId=${carol.userId}`, { token: carol.token });
    expect(requesterCall.status).toBe(403);
    // The permission comes first: a requester without a filter learns nothing from a 400.
    expect((await call('/comments', { token: carol.token })).status).toBe(403);
    const none = await call('/comments', { token: agent.token });
    expect(none.status).toBe(400);
    expect(none.body.errors).toEqual([
      expect.objectContaining({
        in: 'query',
        pointer: '/authorId',
        detail: 'Filter by authorId or by ticketId: one of them is required.',
      }),
    ]);
    const both = await call(`/comments?authorId=${carol.userId}&ticketId=${first.ticketId}`, {
      token: agent.token,
    });
    expect(both.status).toBe(400);
    expect(both.body.errors[0]).toMatchObject({
      pointer: '/ticketId',
      detail: expect.stringMatching(/not both/),
    });
    expect((await call('/comments?ticketId=01JD3ZQ5R7V0M9X2K8W4T6Y1AB', { token: agent.token })).status).toBe(
      404,
    );
    const page = await call(`/comments?authorId=${carol.userId}&limit=1`, { token: agent.token });
    const foreignCursor = await call(
      `/comments?ticketId=${first.ticketId}&cursor=${encodeURIComponent(page.body.nextCursor)}`,
      { token: agent.token },
    );
    expect(foreignCursor.status).toBe(400);
    expect((await call('/comments?authorId=x')).status).toBe(401);
  });
});

describe('internal notes never reach requesters', () => {
  it('keeps notes out of every list, by-id read, edit, delete, the thread embed and the audit trail requesters see', async () => {
    const ticket = await newTicket(alice, 'Notes stay internal');
    await comment(alice, ticket.ticketId, 'Public question');
    const note = await comment(agent, ticket.ticketId, 'Internal: check the licence server', true);
    expect(note.kind).toBe('note');

    // Lists and the thread embed.
    const requesterList = await call(`/tickets/${ticket.ticketId}/comments`, { token: alice.token });
    expect(bodies(requesterList.body.items)).toEqual(['About Notes stay internal', 'Public question']);
    const requesterThread = await call(`/tickets/${ticket.ticketId}`, { token: alice.token });
    expect(bodies(requesterThread.body.comments)).toEqual(['About Notes stay internal', 'Public question']);
    expect(requesterThread.text).not.toContain('licence server');
    const agentList = await call(`/tickets/${ticket.ticketId}/comments`, { token: agent.token });
    expect(bodies(agentList.body.items)).toContain('Internal: check the licence server');
    const agentThread = await call(`/tickets/${ticket.ticketId}`, { token: agent.token });
    expect(bodies(agentThread.body.comments)).toContain('Internal: check the licence server');

    // By id: not found, for reading, editing and deleting alike.
    expect((await call(`/comments/${note.commentId}`, { token: alice.token })).status).toBe(404);
    for (const method of ['PATCH', 'PUT']) {
      expect(
        (await call(`/comments/${note.commentId}`, { method, token: alice.token, json: { body: 'x' } }))
          .status,
      ).toBe(404);
    }
    expect((await call(`/comments/${note.commentId}`, { method: 'DELETE', token: alice.token })).status).toBe(
      404,
    );
    expect((await call(`/comments/${note.commentId}`, { token: agent.token })).body.kind).toBe('note');

    // Across tickets: requesters may not list; agents see the note.
    expect((await call(`/comments?ticketId=${ticket.ticketId}`, { token: alice.token })).status).toBe(403);
    const agentAcross = await everyPage(`/comments?ticketId=${ticket.ticketId}`, agent.token);
    expect(bodies(agentAcross)).toContain('Internal: check the licence server');
    const byAuthor = await call(`/comments?authorId=${agent.userId}&limit=5`, { token: agent.token });
    expect(bodies(byAuthor.body.items)).toContain('Internal: check the licence server');

    // Editing and deleting the note are internal audit events.
    const edited = await call(`/comments/${note.commentId}`, {
      method: 'PATCH',
      token: agent.token,
      json: { body: 'Internal: licence server restarted' },
    });
    expect(edited.status).toBe(200);
    expect(edited.body.kind).toBe('note');
    expect((await call(`/comments/${note.commentId}`, { method: 'DELETE', token: agent.token })).status).toBe(
      204,
    );
    const events = (await auditEvents(ticket.ticketId)).filter((event) => event.field.startsWith('comment.'));
    expect(events.map((event) => [event.field, event.from, event.internal])).toEqual([
      ['comment.edited', note.commentId, true],
      ['comment.deleted', note.commentId, true],
    ]);
  });
});

describe('comment responses embed the author', () => {
  it('shows each author by name and email in lists, by id and on create', async () => {
    const ticket = await newTicket(alice, 'Who wrote this');
    const created = await call(`/tickets/${ticket.ticketId}/comments`, {
      token: agent.token,
      json: { body: 'Support here.' },
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/comments/${created.body.commentId}`);
    expect(created.body.author).toEqual({
      userId: agent.userId,
      name: accounts.agent.name,
      email: agent.email,
    });
    const list = await call(`/tickets/${ticket.ticketId}/comments`, { token: alice.token });
    expect(list.body.items.map((item: { author: { name: string } }) => item.author.name)).toEqual([
      'Alice Conversation',
      accounts.agent.name,
    ]);
  });

  it('POST /comments adds a comment to the ticket named in the body, as the ticket route does', async () => {
    const ticket = await newTicket(alice, 'Comment by body');
    const created = await call('/comments', {
      token: alice.token,
      json: { ticketId: ticket.ticketId, body: 'Posted through /comments' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      ticketId: ticket.ticketId,
      kind: 'request',
      author: { userId: alice.userId },
    });
    expect(
      (await call('/comments', { token: bob.token, json: { ticketId: ticket.ticketId, body: 'hi' } })).status,
    ).toBe(404);
    expect(
      (
        await call('/comments', {
          token: alice.token,
          json: { ticketId: ticket.ticketId, body: 'sneaky', internal: true },
        })
      ).status,
    ).toBe(403);
  });
});
