/**
 * The keys that keep requests cheap at any table size, through the HTTP API: the every-ticket list merged from its
 * shards, reads of a ticket bounded by a page of comments, ticket numbers from blocks.
 */
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { call, logIn, newRequester, type Session } from './support.ts';

const accounts = inject('demoAccounts');

const newTicket = (session: Session, title: string) =>
  call('/tickets', { token: session.token, json: { title, description: `About ${title}` } });

let agent: Session;
beforeAll(async () => {
  agent = await logIn(accounts.agent.email, accounts.agent.password);
});

describe('the every-ticket list (sharded index, merged newest first)', () => {
  it('pages through every ticket exactly once, newest first, across its shards', async () => {
    const requester = await newRequester('Sharded');
    const mine: string[] = [];
    for (let n = 0; n < 12; n++) {
      const created = await newTicket(requester, `shard probe ${n}`);
      expect(created.status).toBe(201);
      mine.push(created.body.ticketId);
    }
    const seen: { ticketId: string; createdAt: string }[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 200; pages++) {
      const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
      const page = await call(`/tickets?limit=5${query}`, { token: agent.token });
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(5);
      seen.push(...page.body.items);
      cursor = page.body.nextCursor;
      if (!cursor) break;
    }
    expect(cursor).toBeNull();
    const ids = seen.map((ticket) => ticket.ticketId);
    expect(new Set(ids).size).toBe(ids.length);
    const keys = seen.map((ticket) => `${ticket.createdAt}#${ticket.ticketId}`);
    expect(keys).toEqual([...keys].sort().reverse());
    expect(ids.filter((id) => mine.includes(id))).toEqual([...mine].reverse());
  });

  it('lists summaries: what the index projects, not the description', async () => {
    const requester = await newRequester('Summary');
    expect((await newTicket(requester, 'summary probe')).status).toBe(201);
    const [first] = (await call('/tickets?limit=1', { token: requester.token })).body.items;
    expect(first).toMatchObject({ title: 'summary probe', status: 'open', requesterId: requester.userId });
    expect(first).not.toHaveProperty('description');
  });
});

describe('reading a ticket', () => {
  it('shows the first 50 comments and continues through the comment list, notes for agents only', async () => {
    const requester = await newRequester('Long thread');
    const ticket = (await newTicket(requester, 'long thread')).body;
    for (let n = 0; n < 52; n++) {
      const posted = await call(`/tickets/${ticket.ticketId}/comments`, {
        token: requester.token,
        json: { body: `message ${n}` },
      });
      expect(posted.status).toBe(201);
    }
    const note = await call(`/tickets/${ticket.ticketId}/comments`, {
      token: agent.token,
      json: { body: 'internal only', internal: true },
    });
    expect(note.status).toBe(201);

    const read = await call(`/tickets/${ticket.ticketId}`, { token: requester.token });
    // 50 messages: the description (the first message), then comments 0 to 48.
    expect(read.body.comments).toHaveLength(50);
    expect(read.body.comments[0]).toMatchObject({ isDescription: true, body: 'About long thread' });
    expect(read.body.comments[1].body).toBe('message 0');
    expect(read.body.comments[49].body).toBe('message 48');
    expect(read.body.commentsNextCursor).toEqual(expect.any(String));

    const rest = await call(
      `/tickets/${ticket.ticketId}/comments?cursor=${encodeURIComponent(read.body.commentsNextCursor)}`,
      { token: requester.token },
    );
    expect(rest.status).toBe(200);
    expect(rest.body.items.map((comment: { body: string }) => comment.body)).toEqual([
      'message 49',
      'message 50',
      'message 51',
    ]);

    const agentPage = await call(`/tickets/${ticket.ticketId}/comments?limit=100`, { token: agent.token });
    expect(agentPage.body.items).toHaveLength(54);
    expect(agentPage.body.items.at(-1)).toMatchObject({ kind: 'note', body: 'internal only' });
    // The requester's cursor does not open the agents' view of the thread.
    expect(
      (
        await call(
          `/tickets/${ticket.ticketId}/comments?cursor=${encodeURIComponent(read.body.commentsNextCursor)}`,
          { token: agent.token },
        )
      ).status,
    ).toBe(422);
    const stranger = await newRequester('Stranger');
    expect((await call(`/tickets/${ticket.ticketId}/comments`, { token: stranger.token })).status).toBe(404);
  });
});

describe('ticket numbers', () => {
  it('are unique under concurrent creates', async () => {
    const requester = await newRequester('Numbers');
    const created = await Promise.all(
      Array.from({ length: 15 }, (_, n) => newTicket(requester, `number probe ${n}`)),
    );
    expect(created.every((response) => response.status === 201)).toBe(true);
    const numbers = created.map((response) => response.body.number as number);
    expect(new Set(numbers).size).toBe(numbers.length);
    expect(numbers.every((number) => Number.isInteger(number) && number > 0)).toBe(true);
  });
});
