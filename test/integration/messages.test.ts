/**
 * Direct messages through the HTTP API on the local stack: sending, the conversation list with unread counts,
 * reading (which marks read), edits and deletes by the sender, who may message whom, disabled recipients, counters
 * under concurrent sends, and the unread digest email (the local stack delays it 3 s instead of 5 minutes).
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { type MailboxItem, mailboxKey } from '#shared/messages/mailbox.entity.ts';
import { getItem } from '#shared/platform/db.ts';
import { apiAs, call, eventually, logIn, mailsTo, newRequester, ok, type Session } from './support.ts';

const accounts = inject('demoAccounts');

let agent: Session;
let admin: Session;

beforeAll(async () => {
  [agent, admin] = await Promise.all([
    logIn(accounts.agent.email, accounts.agent.password),
    logIn(accounts.admin.email, accounts.admin.password),
  ]);
});

async function send(from: Session, to: string, body: string) {
  return apiAs(from.token).POST('/conversations/{userId}/messages', {
    params: { path: { userId: to } },
    body: { body },
  });
}

async function sent(from: Session, to: string, body: string) {
  const result = await send(from, to, body);
  expect(result.response.status).toBe(201);
  return ok(result, 'send message');
}

async function conversations(session: Session) {
  return ok(await apiAs(session.token).GET('/conversations', { params: { query: { limit: 100 } } }), 'list');
}

async function conversationWith(session: Session, otherId: string) {
  return (await conversations(session)).items.find((item) => item.userId === otherId);
}

async function messagesWith(
  session: Session,
  otherId: string,
  query: { limit?: number; cursor?: string } = {},
) {
  return ok(
    await apiAs(session.token).GET('/conversations/{userId}/messages', {
      params: { path: { userId: otherId }, query },
    }),
    'messages',
  );
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('sending and reading', () => {
  it('sends a message: 201 with Location; both see the conversation, the recipient with one unread', async () => {
    const requester = await newRequester('Dora Direct');
    const text = `Hello Dora ${randomUUID().slice(0, 8)}`;
    const result = await send(agent, requester.userId, text);
    expect(result.response.status).toBe(201);
    const message = ok(result, 'send');
    expect(result.response.headers.get('location')).toBe(`/messages/${message.messageId}`);
    expect(message).toMatchObject({
      senderId: agent.userId,
      recipientId: requester.userId,
      body: text,
      editedAt: null,
      deletedAt: null,
    });

    const mine = await conversationWith(requester, agent.userId);
    expect(mine).toMatchObject({
      userId: agent.userId,
      with: { userId: agent.userId, email: agent.email },
      lastMessage: { messageId: message.messageId, body: text },
      unread: 1,
    });
    expect(await conversationWith(agent, requester.userId)).toMatchObject({
      lastMessage: { messageId: message.messageId },
      unread: 0,
    });
  });

  it('reading a conversation lists it newest first and resets my unread count', async () => {
    const requester = await newRequester('Rita Reads');
    for (const n of [1, 2, 3]) await sent(agent, requester.userId, `Message ${n}`);
    expect((await conversationWith(requester, agent.userId))?.unread).toBe(3);

    const page = await messagesWith(requester, agent.userId);
    expect(page.items.map((item) => item.body)).toEqual(['Message 3', 'Message 2', 'Message 1']);
    expect((await conversationWith(requester, agent.userId))?.unread).toBe(0);
    // The sender's own reading changes nothing of the recipient's count.
    await sent(agent, requester.userId, 'Message 4');
    await messagesWith(agent, requester.userId);
    expect((await conversationWith(requester, agent.userId))?.unread).toBe(1);
  });

  it('lists conversations most recent first', async () => {
    const requester = await newRequester('Olga Order');
    await sent(agent, requester.userId, 'From the agent');
    await sent(admin, requester.userId, 'From the admin');
    expect((await conversations(requester)).items.map((item) => item.userId)).toEqual([
      admin.userId,
      agent.userId,
    ]);
    await sent(agent, requester.userId, 'The agent again');
    expect((await conversations(requester)).items.map((item) => item.userId)).toEqual([
      agent.userId,
      admin.userId,
    ]);
  });

  it('pages a conversation with a cursor bound to it', async () => {
    const requester = await newRequester('Paul Pages');
    for (const n of [1, 2, 3]) await sent(agent, requester.userId, `Page ${n}`);
    const first = await messagesWith(requester, agent.userId, { limit: 2 });
    expect(first.items.map((item) => item.body)).toEqual(['Page 3', 'Page 2']);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await messagesWith(requester, agent.userId, {
      limit: 2,
      cursor: first.nextCursor as string,
    });
    expect(second.items.map((item) => item.body)).toEqual(['Page 1']);
    expect(second.nextCursor).toBeNull();
    // The cursor of this conversation is refused by another list.
    const other = await apiAs(requester.token).GET('/conversations', {
      params: { query: { cursor: first.nextCursor as string } },
    });
    expect(other.response.status).toBe(422);
  });

  it('an empty conversation is an empty page; an id that names nobody is a 404', async () => {
    const requester = await newRequester('Nina Nobody');
    expect(await messagesWith(requester, admin.userId)).toEqual({ items: [], nextCursor: null });
    const nobody = await apiAs(requester.token).GET('/conversations/{userId}/messages', {
      params: { path: { userId: randomUUID() } },
    });
    expect(nobody.response.status).toBe(404);
  });

  it('refuses a blank text (400) and counts its length in characters (code points)', async () => {
    const requester = await newRequester('Lena Length');
    expect((await send(agent, requester.userId, '   ')).response.status).toBe(400);
    // 4,000 emoji are 8,000 UTF-16 code units but 4,000 characters: accepted; one more is refused.
    expect((await send(agent, requester.userId, '😀'.repeat(4000))).response.status).toBe(201);
    expect((await send(agent, requester.userId, '😀'.repeat(4001))).response.status).toBe(400);
  });
});

describe('who may message whom', () => {
  it('a requester may not message someone who works none of their tickets (404), nor another requester', async () => {
    const [requester, other] = await Promise.all([newRequester('Quinn Quiet'), newRequester('Otto Other')]);
    expect((await send(requester, agent.userId, 'Hi agent')).response.status).toBe(404);
    expect((await send(requester, other.userId, 'Hi')).response.status).toBe(404);
    // The same answer as for a user that does not exist.
    expect((await send(requester, randomUUID(), 'Hi')).response.status).toBe(404);
  });

  it('a requester may message the agent assigned to one of their tickets', async () => {
    const requester = await newRequester('Ada Assigned');
    const ticket = ok(
      await apiAs(requester.token).POST('/tickets', { body: { title: 'Printer', description: 'Jams' } }),
      'ticket',
    );
    expect((await send(requester, agent.userId, 'Before assignment')).response.status).toBe(404);
    const assigned = await apiAs(admin.token).PATCH('/tickets/{ticketId}', {
      params: { path: { ticketId: ticket.ticketId } },
      body: { assigneeId: agent.userId },
    });
    expect(assigned.response.status).toBe(200);
    expect((await send(requester, agent.userId, 'About my printer')).response.status).toBe(201);
  });

  it('a requester may answer someone who wrote to them first', async () => {
    const requester = await newRequester('Rhea Replies');
    await sent(admin, requester.userId, 'A question from the admin');
    expect((await send(requester, admin.userId, 'My answer')).response.status).toBe(201);
  });

  it('agents and admins may message anyone; nobody messages themself (422)', async () => {
    const requester = await newRequester('Alma Anyone');
    expect((await send(agent, requester.userId, 'From an agent')).response.status).toBe(201);
    expect((await send(admin, agent.userId, 'From an admin to an agent')).response.status).toBe(201);
    expect((await send(agent, agent.userId, 'To myself')).response.status).toBe(422);
    expect((await send(agent, randomUUID(), 'To nobody')).response.status).toBe(404);
  });

  it('a disabled user receives nothing: 422', async () => {
    const requester = await newRequester('Dan Disabled');
    const disabled = await apiAs(admin.token).DELETE('/users/{userId}', {
      params: { path: { userId: requester.userId } },
    });
    expect(disabled.response.status).toBe(204);
    const refused = await send(agent, requester.userId, 'Are you there?');
    expect(refused.response.status).toBe(422);
    expect(await messagesWith(agent, requester.userId)).toEqual({ items: [], nextCursor: null });
  });
});

describe('editing and deleting', () => {
  it('the sender edits a message (editedAt); the recipient may not (403), anyone else sees nothing (404)', async () => {
    const [requester, stranger] = await Promise.all([
      newRequester('Erin Edits'),
      newRequester('Sid Stranger'),
    ]);
    const message = await sent(agent, requester.userId, 'Frist draft');
    const edit = (session: Session, body: string) =>
      apiAs(session.token).PATCH('/messages/{messageId}', {
        params: { path: { messageId: message.messageId } },
        body: { body },
      });
    const edited = await edit(agent, 'First draft');
    expect(edited.response.status).toBe(200);
    expect(ok(edited, 'edit')).toMatchObject({ body: 'First draft', editedAt: expect.any(String) });
    expect((await edit(requester, 'Changed by the recipient')).response.status).toBe(403);
    expect((await edit(stranger, 'Changed by a stranger')).response.status).toBe(404);
    expect((await edit(admin, 'Changed by an admin')).response.status).toBe(404);
    expect((await messagesWith(requester, agent.userId)).items[0]).toMatchObject({ body: 'First draft' });
  });

  it('a deleted message shows as deleted to both: body null, deletedAt; it takes no edit (409)', async () => {
    const requester = await newRequester('Dina Deletes');
    const message = await sent(agent, requester.userId, 'Oops, a password: hunter2');
    const path = { params: { path: { messageId: message.messageId } } };
    expect((await apiAs(requester.token).DELETE('/messages/{messageId}', path)).response.status).toBe(403);
    expect((await apiAs(agent.token).DELETE('/messages/{messageId}', path)).response.status).toBe(204);
    // Deleting again changes nothing.
    expect((await apiAs(agent.token).DELETE('/messages/{messageId}', path)).response.status).toBe(204);
    for (const [session, other] of [
      [agent, requester.userId],
      [requester, agent.userId],
    ] as const) {
      const [shown] = (await messagesWith(session, other)).items;
      expect(shown).toMatchObject({
        messageId: message.messageId,
        body: null,
        deletedAt: expect.any(String),
      });
      expect((await conversationWith(session, other))?.lastMessage).toMatchObject({ body: null });
    }
    const edit = await apiAs(agent.token).PATCH('/messages/{messageId}', { ...path, body: { body: 'Undo' } });
    expect(edit.response.status).toBe(409);
  });

  it('deleting a message the recipient has not read lowers their unread count; deleting a read one does not', async () => {
    const requester = await newRequester('Una Unread');
    const [first, second] = [
      await sent(agent, requester.userId, 'One'),
      await sent(agent, requester.userId, 'Two'),
    ];
    await sent(agent, requester.userId, 'Three');
    expect((await conversationWith(requester, agent.userId))?.unread).toBe(3);
    const remove = (messageId: string) =>
      apiAs(agent.token).DELETE('/messages/{messageId}', { params: { path: { messageId } } });

    expect((await remove(second.messageId)).response.status).toBe(204);
    expect((await conversationWith(requester, agent.userId))?.unread).toBe(2);
    // Deleting it again changes nothing, the count included.
    expect((await remove(second.messageId)).response.status).toBe(204);
    expect((await conversationWith(requester, agent.userId))?.unread).toBe(2);

    await messagesWith(requester, agent.userId);
    expect((await conversationWith(requester, agent.userId))?.unread).toBe(0);
    const fourth = await sent(agent, requester.userId, 'Four');
    expect((await conversationWith(requester, agent.userId))?.unread).toBe(1);
    // Read before: its delete leaves the count (the one unread message is another).
    expect((await remove(first.messageId)).response.status).toBe(204);
    expect((await conversationWith(requester, agent.userId))?.unread).toBe(1);
    expect((await remove(fourth.messageId)).response.status).toBe(204);
    expect((await conversationWith(requester, agent.userId))?.unread).toBe(0);
    // The sender's own side never counted its own messages.
    expect((await conversationWith(agent, requester.userId))?.unread).toBe(0);
    // The mailbox total behind the digest went down with it, and no digest waits (read from the stack's table).
    Object.assign(process.env, inject('env'));
    const mailbox = await getItem<MailboxItem>(mailboxKey(requester.userId), { consistent: true });
    expect(mailbox).toMatchObject({ unread: 0 });
    expect(mailbox?.unmailedSince).toBeUndefined();
  });

  it('an unknown message id is a 404, a malformed one a 400', async () => {
    const unknown = await apiAs(agent.token).DELETE('/messages/{messageId}', {
      params: { path: { messageId: '01JDQA1B2C3D4E5F6G7H8J9K0M' } },
    });
    expect(unknown.response.status).toBe(404);
    const malformed = await call('/messages/not-a-ulid', { method: 'DELETE', token: agent.token });
    expect(malformed.status).toBe(400);
  });
});

describe('unread counts under concurrent sends', () => {
  it('counts every message of simultaneous sends (atomic ADD in the message transaction)', async () => {
    const requester = await newRequester('Connie Current');
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, n) => send(n % 2 === 0 ? agent : admin, requester.userId, `Burst ${n}`)),
    );
    expect(results.map((result) => result.response.status)).toEqual(results.map(() => 201));
    const list = await conversations(requester);
    expect(list.items.map((item) => [item.userId, item.unread]).sort()).toEqual(
      [
        [agent.userId, 5],
        [admin.userId, 5],
      ].sort(),
    );
  });
});

describe('the unread digest email', () => {
  const digestsTo = async (address: string) =>
    (await mailsTo(address)).filter((mail) => /^Unread messages: \d+$/.test(mail.subject));
  const firstDigestTo = (address: string) =>
    eventually(
      async () => {
        const mails = await digestsTo(address);
        return mails.length > 0 ? mails : undefined;
      },
      `the digest to ${address}`,
      60_000,
    );

  it('mails one digest for the messages that wait unread; none when read in time, none when turned off', async () => {
    const [waiting, reader, optedOut] = await Promise.all([
      newRequester('Dagmar Digest'),
      newRequester('Rosa Reader'),
      newRequester('Otis Optout'),
    ]);
    // The opt-out is a profile field, true by default.
    expect(ok(await apiAs(optedOut.token).GET('/me'), 'me').messageEmails).toBe(true);
    const off = await apiAs(optedOut.token).PATCH('/users/{userId}', {
      params: { path: { userId: optedOut.userId } },
      body: { messageEmails: false },
    });
    expect(off.response.status).toBe(200);
    expect(ok(await apiAs(optedOut.token).GET('/me'), 'me').messageEmails).toBe(false);

    await sent(agent, waiting.userId, 'One');
    await sent(admin, waiting.userId, 'Two');
    await sent(agent, waiting.userId, 'Three');
    await sent(agent, reader.userId, 'Read me quickly');
    await messagesWith(reader, agent.userId);
    await sent(agent, optedOut.userId, 'You will not be mailed about this');

    // One mail for three messages, with their count.
    const [mail] = await firstDigestTo(waiting.email);
    expect(mail?.subject).toBe('Unread messages: 3');
    expect(mail?.body.text).toContain('3 unread direct message(s) wait for you.');
    // The other two digests were due at the same time: give the sender a moment, then nothing was mailed.
    await pause(2000);
    expect(await digestsTo(reader.email)).toEqual([]);
    expect(await digestsTo(optedOut.email)).toEqual([]);
    expect((await conversationWith(optedOut, agent.userId))?.unread).toBe(1);
    expect(await digestsTo(waiting.email)).toHaveLength(1);

    // A message after the digest schedules the next one, about everything still unread.
    await sent(agent, waiting.userId, 'Four');
    await eventually(
      async () => ((await digestsTo(waiting.email)).length === 2 ? true : undefined),
      'the second digest',
      60_000,
    );
    expect((await digestsTo(waiting.email)).map((m) => m.subject)).toEqual([
      'Unread messages: 3',
      'Unread messages: 4',
    ]);
  });
});
