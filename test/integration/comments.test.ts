/**
 * The conversation through the HTTP API against the local stack, as clients call it (the typed client, `apiAs`):
 * the description as the first message, comments by id (read, edit, delete, with their audit events), comments
 * across tickets for agents, authors embedded, and internal notes that never reach requesters. Requests off the
 * contract on purpose go through `call`. Notifications: `comments-notifications.test.ts`.
 */
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { queryPage } from '#shared/platform/db.ts';
import type { TicketEventItem } from '#shared/tickets/ticket-event.entity.ts';
import type { operations, ResponseBody } from '../../client/index.ts';
import { apiAs, call, logIn, newRequester, ok, type Session } from './support.ts';

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

const as = (session: Session) => apiAs(session.token);

async function newTicket(session: Session, title: string, description = `About ${title}`) {
  const created = await as(session).POST('/tickets', {
    body: { title, description },
  });
  expect(created.response.status).toBe(201);
  return ok(created, 'create ticket');
}

async function comment(session: Session, ticketId: string, body: string, internal = false) {
  const posted = await as(session).POST('/tickets/{ticketId}/comments', {
    params: { path: { ticketId } },
    body: { body, internal },
  });
  expect(posted.response.status).toBe(201);
  return ok(posted, 'comment');
}

type Comment = ResponseBody<'get', '/comments/{commentId}'>;

/** A ticket's conversation, oldest first (`GET /tickets/{ticketId}/comments`). */
const conversation = (session: Session, ticketId: string, query: { limit?: number; cursor?: string } = {}) =>
  as(session).GET('/tickets/{ticketId}/comments', { params: { path: { ticketId }, query } });

type AcrossQuery = NonNullable<operations['ListAllComments']['parameters']['query']>;
/** Comments across tickets (`GET /comments`). */
const across = (session: Session, query: AcrossQuery) => as(session).GET('/comments', { params: { query } });

/** Every item of a paginated list, following `nextCursor`. */
async function everyPage(
  page: (cursor: string | undefined) => Promise<{
    data?: { items: Comment[]; nextCursor: string | null };
    error?: unknown;
    response: Response;
  }>,
) {
  const items: Comment[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 20; pages++) {
    const body = ok(await page(cursor), 'page');
    items.push(...body.items);
    cursor = body.nextCursor ?? undefined;
    if (!cursor) return items;
  }
  throw new Error('more than 20 pages');
}

const byId = (session: Session, commentId: string) =>
  as(session).GET('/comments/{commentId}', { params: { path: { commentId } } });
const edit = (session: Session, commentId: string, body: string, method: 'PATCH' | 'PUT' = 'PATCH') =>
  method === 'PATCH'
    ? as(session).PATCH('/comments/{commentId}', { params: { path: { commentId } }, body: { body } })
    : as(session).PUT('/comments/{commentId}', { params: { path: { commentId } }, body: { body } });
const remove = (session: Session, commentId: string) =>
  as(session).DELETE('/comments/{commentId}', { params: { path: { commentId } } });

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

const bodies = (items: readonly { body: string }[] | undefined) => (items ?? []).map((item) => item.body);

describe("the ticket's description is its first message and cannot be deleted", () => {
  it('opens the comment list and the thread of GET /tickets/{id} as a request by the requester', async () => {
    const ticket = await newTicket(alice, 'Printer jammed', 'The printer on floor 2 is jammed.');
    await comment(alice, ticket.ticketId, 'Still jammed.');

    const list = await conversation(alice, ticket.ticketId);
    expect(list.response.status).toBe(200);
    const items = ok(list, 'list').items;
    expect(items[0]).toEqual({
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
    expect(bodies(items)).toEqual(['The printer on floor 2 is jammed.', 'Still jammed.']);
    expect(items[1]).toMatchObject({ isDescription: false, kind: 'request' });

    const thread = await as(agent).GET('/tickets/{ticketId}', {
      params: { path: { ticketId: ticket.ticketId } },
    });
    expect(thread.response.status).toBe(200);
    expect(thread.data?.comments[0]).toMatchObject({
      commentId: ticket.ticketId,
      isDescription: true,
      kind: 'request',
      authorId: alice.userId,
      body: 'The printer on floor 2 is jammed.',
    });
    expect(bodies(thread.data?.comments)).toEqual(['The printer on floor 2 is jammed.', 'Still jammed.']);

    const description = await byId(alice, ticket.ticketId);
    expect(description.response.status).toBe(200);
    expect(description.data).toMatchObject({ commentId: ticket.ticketId, isDescription: true });
    expect((await byId(bob, ticket.ticketId)).response.status).toBe(404);
  });

  it('follows edits of the description made through the ticket', async () => {
    const ticket = await newTicket(alice, 'Wrong description', 'Fist version');
    const edited = await as(alice).PATCH('/tickets/{ticketId}', {
      params: { path: { ticketId: ticket.ticketId } },
      body: { description: 'First version, corrected' },
    });
    expect(edited.response.status).toBe(200);
    const list = ok(await conversation(alice, ticket.ticketId), 'list');
    expect(list.items[0]).toMatchObject({ isDescription: true, body: 'First version, corrected' });
  });

  it('counts the description in the page size and pages on through the comments', async () => {
    const ticket = await newTicket(alice, 'Paged thread', 'Message zero');
    for (const body of ['one', 'two', 'three']) await comment(alice, ticket.ticketId, body);
    const first = ok(await conversation(alice, ticket.ticketId, { limit: 2 }), 'first page');
    expect(bodies(first.items)).toEqual(['Message zero', 'one']);
    for (const limit of [1, 2]) {
      const all = await everyPage((cursor) =>
        conversation(alice, ticket.ticketId, { limit, ...(cursor ? { cursor } : {}) }),
      );
      expect(bodies(all)).toEqual(['Message zero', 'one', 'two', 'three']);
    }
    // A cursor belongs to its conversation: another ticket's is a 422.
    const other = await newTicket(alice, 'Other thread');
    const foreign = await conversation(alice, other.ticketId, { cursor: first.nextCursor as string });
    expect(foreign.response.status).toBe(422);
    expect(foreign.error).toMatchObject({
      type: '/problems/unprocessable-content',
      errors: [{ in: 'query', pointer: '/cursor' }],
    });
  });

  it('refuses to delete or edit it as a comment: 409 saying how to change it', async () => {
    const ticket = await newTicket(alice, 'Keep my description');
    for (const session of [alice, admin]) {
      const deleted = await remove(session, ticket.ticketId);
      expect(deleted.response.status).toBe(409);
      expect(deleted.error).toMatchObject({
        detail: expect.stringMatching(/description.*cannot be deleted/),
      });
    }
    for (const method of ['PATCH', 'PUT'] as const) {
      const edited = await edit(alice, ticket.ticketId, 'Rewritten', method);
      expect(edited.response.status).toBe(409);
      expect(edited.error).toMatchObject({
        detail: expect.stringContaining(`PATCH /tickets/${ticket.ticketId}`),
      });
    }
    const list = ok(await conversation(alice, ticket.ticketId), 'list');
    expect(list.items[0]).toMatchObject({ isDescription: true, body: `About Keep my description` });
  });
});

describe('comments by id: read by who sees the ticket, edited by the author or canEditAll, deleted by the author or canDeleteAll', () => {
  it('reads a comment with its author; 404 for who cannot see the ticket, 400 for a malformed id', async () => {
    const ticket = await newTicket(alice, 'Read by id');
    const posted = await comment(alice, ticket.ticketId, 'Hello by id');
    expect(posted.commentId).toMatch(new RegExp(`^${ticket.ticketId}-[0-9A-Z]{26}$`));
    for (const session of [alice, agent, admin]) {
      const read = await byId(session, posted.commentId);
      expect(read.response.status).toBe(200);
      expect(read.data).toMatchObject({
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
    const stranger = await byId(bob, posted.commentId);
    expect(stranger.response.status).toBe(404);
    expect(stranger.response.headers.get('content-type')).toBe('application/problem+json');
    const unknown = `${ticket.ticketId}-01JD3ZS0000000000000000001`;
    expect((await byId(alice, unknown)).response.status).toBe(404);
    expect((await byId(alice, '01JD3ZS0000000000000000001')).response.status).toBe(404);
    const malformed = await byId(alice, 'nope');
    expect(malformed.response.status).toBe(400);
    expect(malformed.error).toMatchObject({ errors: [{ in: 'path', pointer: '/commentId' }] });
    const anonymous = await apiAs().GET('/comments/{commentId}', {
      params: { path: { commentId: posted.commentId } },
    });
    expect(anonymous.response.status).toBe(401);
  });

  it('lets the author edit with PATCH and PUT, stamping editedAt; canEditAll edits too; others get 403 or 404', async () => {
    const ticket = await newTicket(alice, 'Edit by id');
    const posted = await comment(alice, ticket.ticketId, 'Frist draft');
    const patched = await edit(alice, posted.commentId, 'First draft');
    expect(patched.response.status).toBe(200);
    expect(patched.data).toMatchObject({
      commentId: posted.commentId,
      body: 'First draft',
      kind: 'request',
      editedAt: expect.any(String),
      author: { userId: alice.userId },
    });
    const put = await edit(alice, posted.commentId, 'Second draft', 'PUT');
    expect(put.response.status).toBe(200);
    expect(put.data?.body).toBe('Second draft');
    expect((put.data?.editedAt ?? '') >= (patched.data?.editedAt ?? '')).toBe(true);

    // An agent (canEditAll) may edit it; the kind stays the requester's.
    const byAgent = await edit(agent, posted.commentId, 'Second draft (typo fixed by support)');
    expect(byAgent.response.status).toBe(200);
    expect(byAgent.data).toMatchObject({ kind: 'request', authorId: alice.userId });

    // Another requester cannot see it: 404, even with a body that would not validate (off the contract on
    // purpose, so through `call`).
    expect((await edit(bob, posted.commentId, 'mine now')).response.status).toBe(404);
    expect(
      (
        await call(`/comments/${posted.commentId}`, {
          method: 'PATCH',
          token: bob.token,
          json: { nonsense: true },
        })
      ).status,
    ).toBe(404);
    // The requester cannot edit the agent's reply: 403.
    const reply = await comment(agent, ticket.ticketId, 'We are on it.');
    const refused = await edit(alice, reply.commentId, 'You are fired.');
    expect(refused.response.status).toBe(403);
    expect(refused.error).toMatchObject({ detail: 'Only its author may edit this comment.' });

    // Off the contract on purpose: a blank body and a field an edit does not take.
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
    expect((await byId(alice, posted.commentId)).data?.body).toBe('Second draft (typo fixed by support)');
  });

  it('deletes by the author or canDeleteAll, recording comment.deleted in the audit trail in the same write', async () => {
    const ticket = await newTicket(alice, 'Delete by id');
    const mine = await comment(alice, ticket.ticketId, 'Delete me');
    const agentsReply = await comment(agent, ticket.ticketId, 'Reply from support');
    const another = await comment(alice, ticket.ticketId, 'An admin removes this');

    expect((await remove(bob, mine.commentId)).response.status).toBe(404);
    // Agents have canEditAll but not canDeleteAll: only their own comments.
    expect((await remove(agent, mine.commentId)).response.status).toBe(403);
    expect((await remove(alice, agentsReply.commentId)).response.status).toBe(403);

    const deleted = await remove(alice, mine.commentId);
    expect(deleted.response.status).toBe(204);
    expect(deleted.data).toBeUndefined();
    expect((await byId(alice, mine.commentId)).response.status).toBe(404);
    expect((await remove(alice, mine.commentId)).response.status).toBe(404);
    expect((await remove(agent, agentsReply.commentId)).response.status).toBe(204);
    expect((await remove(admin, another.commentId)).response.status).toBe(204);

    const list = ok(await conversation(alice, ticket.ticketId), 'list');
    expect(bodies(list.items)).toEqual(['About Delete by id']);
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
    const canceled = await as(alice).PATCH('/tickets/{ticketId}', {
      params: { path: { ticketId: ticket.ticketId } },
      body: { status: 'canceled' },
    });
    expect(canceled.response.status).toBe(200);

    const edited = await edit(alice, mine.commentId, 'After canceling');
    expect(edited.response.status).toBe(409);
    expect(edited.error).toMatchObject({
      detail: 'The ticket is canceled; its comments can no longer be edited.',
    });
    const removed = await remove(alice, mine.commentId);
    expect(removed.response.status).toBe(409);
    expect(removed.error).toMatchObject({
      detail: 'The ticket is canceled; its comments can no longer be deleted.',
    });
    // An admin (canDeleteAll) still removes what must not stay.
    expect((await remove(admin, second.commentId)).response.status).toBe(204);
    const list = ok(await conversation(alice, ticket.ticketId), 'list');
    expect(bodies(list.items)).toEqual(['About Frozen conversation', 'Before canceling']);
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

  const allAcross = (session: Session, query: AcrossQuery) =>
    everyPage((cursor) => across(session, { ...query, ...(cursor ? { cursor } : {}) }));

  it("lists one author's comments on every ticket, newest first, paginated, with the author embedded", async () => {
    const page = await across(agent, { authorId: carol.userId, limit: 2 });
    expect(page.response.status).toBe(200);
    const items = ok(page, 'page').items;
    expect(bodies(items)).toEqual(['c3', 'c2']);
    expect(items[0]).toMatchObject({
      ticketId: first.ticketId,
      authorId: carol.userId,
      author: { userId: carol.userId, name: 'Carol Across', email: carol.email },
    });
    expect(bodies(await allAcross(admin, { authorId: carol.userId, limit: 2 }))).toEqual(['c3', 'c2', 'c1']);
  });

  it("lists one ticket's conversation newest first, its description last", async () => {
    const expected = ['c3', 'agent reply', 'c1', 'Description one'];
    expect(bodies(await allAcross(agent, { ticketId: first.ticketId }))).toEqual(expected);
    expect(bodies(await allAcross(agent, { ticketId: first.ticketId, limit: 1 }))).toEqual(expected);
    expect(bodies(await allAcross(admin, { ticketId: first.ticketId, limit: 3 }))).toEqual(expected);
  });

  it('needs canViewAll or canManageTickets (403), exactly one filter (422 that says so), a visible ticket (404)', async () => {
    const requesterCall = await across(carol, { authorId: carol.userId });
    expect(requesterCall.response.status).toBe(403);
    // The permission comes first: a requester without a filter learns nothing from a 422.
    expect((await across(carol, {})).response.status).toBe(403);
    const none = await across(agent, {});
    expect(none.response.status).toBe(422);
    expect(none.error).toMatchObject({
      type: '/problems/unprocessable-content',
      errors: [
        {
          in: 'query',
          pointer: '/authorId',
          detail: 'Filter by authorId or by ticketId: one of them is required.',
        },
      ],
    });
    const both = await across(agent, { authorId: carol.userId, ticketId: first.ticketId });
    expect(both.response.status).toBe(422);
    expect(both.error).toMatchObject({
      errors: [{ pointer: '/ticketId', detail: expect.stringMatching(/not both/) }],
    });
    expect((await across(agent, { ticketId: '01JD3ZQ5R7V0M9X2K8W4T6Y1AB' })).response.status).toBe(404);
    // Off the contract on purpose: an id that is not a ULID.
    expect((await call('/comments?ticketId=nope', { token: agent.token })).status).toBe(400);
    const page = ok(await across(agent, { authorId: carol.userId, limit: 1 }), 'page');
    const foreignCursor = await across(agent, {
      ticketId: first.ticketId,
      cursor: page.nextCursor as string,
    });
    expect(foreignCursor.response.status).toBe(422);
    expect((await apiAs().GET('/comments', { params: { query: { authorId: 'x' } } })).response.status).toBe(
      401,
    );
  });
});

describe('internal notes never reach requesters', () => {
  it('keeps notes out of every list, by-id read, edit, delete, the thread embed and the audit trail requesters see', async () => {
    const ticket = await newTicket(alice, 'Notes stay internal');
    const { ticketId } = ticket;
    await comment(alice, ticketId, 'Public question');
    const note = await comment(agent, ticketId, 'Internal: check the licence server', true);
    expect(note.kind).toBe('note');

    // Lists and the thread embed.
    const requesterList = ok(await conversation(alice, ticketId), 'requester list');
    expect(bodies(requesterList.items)).toEqual(['About Notes stay internal', 'Public question']);
    const requesterThread = await as(alice).GET('/tickets/{ticketId}', { params: { path: { ticketId } } });
    expect(bodies(requesterThread.data?.comments)).toEqual(['About Notes stay internal', 'Public question']);
    expect(JSON.stringify(requesterThread.data)).not.toContain('licence server');
    const agentList = ok(await conversation(agent, ticketId), 'agent list');
    expect(bodies(agentList.items)).toContain('Internal: check the licence server');
    const agentThread = await as(agent).GET('/tickets/{ticketId}', { params: { path: { ticketId } } });
    expect(bodies(agentThread.data?.comments)).toContain('Internal: check the licence server');

    // By id: not found, for reading, editing and deleting alike.
    expect((await byId(alice, note.commentId)).response.status).toBe(404);
    for (const method of ['PATCH', 'PUT'] as const) {
      expect((await edit(alice, note.commentId, 'x', method)).response.status).toBe(404);
    }
    expect((await remove(alice, note.commentId)).response.status).toBe(404);
    expect((await byId(agent, note.commentId)).data?.kind).toBe('note');

    // Across tickets: requesters may not list; agents see the note.
    expect((await across(alice, { ticketId })).response.status).toBe(403);
    const agentAcross = await everyPage((cursor) =>
      across(agent, { ticketId, ...(cursor ? { cursor } : {}) }),
    );
    expect(bodies(agentAcross)).toContain('Internal: check the licence server');
    const byAuthor = ok(await across(agent, { authorId: agent.userId, limit: 5 }), 'by author');
    expect(bodies(byAuthor.items)).toContain('Internal: check the licence server');

    // Editing and deleting the note are internal audit events.
    const edited = await edit(agent, note.commentId, 'Internal: licence server restarted');
    expect(edited.response.status).toBe(200);
    expect(edited.data?.kind).toBe('note');
    expect((await remove(agent, note.commentId)).response.status).toBe(204);
    const events = (await auditEvents(ticketId)).filter((event) => event.field.startsWith('comment.'));
    expect(events.map((event) => [event.field, event.from, event.internal])).toEqual([
      ['comment.edited', note.commentId, true],
      ['comment.deleted', note.commentId, true],
    ]);
    // The audit trail through the API: the requester sees neither event, an agent both.
    const requesterTrail = ok(
      await as(alice).GET('/tickets/{ticketId}/events', { params: { path: { ticketId } } }),
      'requester trail',
    );
    expect(requesterTrail.items.map((event) => event.field)).toEqual(['created']);
    const agentTrail = ok(
      await as(agent).GET('/tickets/{ticketId}/events', { params: { path: { ticketId } } }),
      'agent trail',
    );
    expect(agentTrail.items.map((event) => event.field)).toEqual([
      'created',
      'comment.edited',
      'comment.deleted',
    ]);
  });
});

describe('comment responses embed the author', () => {
  it('shows each author by name and email in lists, by id and on create', async () => {
    const ticket = await newTicket(alice, 'Who wrote this');
    const created = await as(agent).POST('/tickets/{ticketId}/comments', {
      params: { path: { ticketId: ticket.ticketId } },
      body: { body: 'Support here.', internal: false },
    });
    expect(created.response.status).toBe(201);
    const reply = ok(created, 'reply');
    expect(created.response.headers.get('location')).toBe(`/comments/${reply.commentId}`);
    expect(reply.author).toEqual({ userId: agent.userId, name: accounts.agent.name, email: agent.email });
    const list = ok(await conversation(alice, ticket.ticketId), 'list');
    expect(list.items.map((item) => item.author.name)).toEqual(['Alice Conversation', accounts.agent.name]);
  });

  it('POST /comments adds a comment to the ticket named in the body, as the ticket route does', async () => {
    const ticket = await newTicket(alice, 'Comment by body');
    const post = (session: Session, body: string, internal = false) =>
      as(session).POST('/comments', { body: { ticketId: ticket.ticketId, body, internal } });
    const created = await post(alice, 'Posted through /comments');
    expect(created.response.status).toBe(201);
    expect(created.data).toMatchObject({
      ticketId: ticket.ticketId,
      kind: 'request',
      author: { userId: alice.userId },
    });
    expect(created.response.headers.get('location')).toBe(`/comments/${created.data?.commentId}`);
    expect((await post(bob, 'hi')).response.status).toBe(404);
    expect((await post(alice, 'sneaky', true)).response.status).toBe(403);
  });
});
