/**
 * Macros through the HTTP API against the local stack: who keeps, sees and uses which macro, the placeholder rule,
 * the list, and applying one to a ticket: all of it in one transaction or nothing, the audit trail naming the
 * macro, and one mail to the requester for the combined change. Each `it` is named after the rule it checks.
 */
import { randomUUID } from 'node:crypto';
import { ulid } from 'ulid';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import type { NotificationItem } from '#shared/notifications/notification.entity.ts';
import { queryPage } from '#shared/platform/db.ts';
import type { Schema } from '../../client/index.ts';
import { apiAs, logIn, mailFor, mailsTo, newRequester, ok, type Session } from './support.ts';

const accounts = inject('demoAccounts');
const drain = async () => {
  const response = await fetch(inject('drainUrl'), { method: 'POST' });
  expect(response.status).toBe(200);
};
const as = (session: Session) => apiAs(session.token);

let requester: Session;
let agent: Session;
let admin: Session;
let agentName: string;

beforeAll(async () => {
  // The notification log is read from the table.
  Object.assign(process.env, inject('env'));
  [requester, agent, admin] = await Promise.all([
    newRequester('Mara {{agent.name}} Macro'),
    logIn(accounts.agent.email, accounts.agent.password),
    logIn(accounts.admin.email, accounts.admin.password),
  ]);
  agentName = ok(await as(agent).GET('/me'), 'me').name ?? '';
});

const unique = (what: string) => `${what} ${randomUUID().slice(0, 8)}`;

/** Create a macro (201 expected): its body and ETag. */
async function newMacro(session: Session, body: Schema<'CreateMacroRequest'>) {
  const created = await as(session).POST('/macros', { body });
  expect(created.response.status).toBe(201);
  expect(created.response.headers.get('location')).toMatch(/^\/macros\/[0-9A-Z]{26}$/);
  return { macro: ok(created, 'create macro'), etag: created.response.headers.get('etag') as string };
}

/** A fresh ticket of the requester and its ETag. */
async function newTicket(title: string) {
  const created = await as(requester).POST('/tickets', { body: { title, description: `About ${title}` } });
  expect(created.response.status).toBe(201);
  return { ticket: ok(created, 'create ticket'), etag: created.response.headers.get('etag') as string };
}

const apply = (session: Session, ticketId: string, macroId: string, ifMatch?: string) =>
  as(session).POST('/tickets/{ticketId}/macros/{macroId}/apply', {
    params: { path: { ticketId, macroId }, ...(ifMatch ? { header: { 'if-match': ifMatch } } : {}) },
    body: {},
  });

const readTicket = (session: Session, ticketId: string) =>
  as(session).GET('/tickets/{ticketId}', { params: { path: { ticketId } } });

const auditTrail = async (session: Session, ticketId: string) =>
  ok(
    await as(session).GET('/tickets/{ticketId}/events', {
      params: { path: { ticketId }, query: { limit: 100 } },
    }),
    'events',
  ).items;

/** The JSON Pointers of the fields a problem names. */
function pointers({ error }: { error?: unknown }): string[] {
  if (!error || typeof error !== 'object' || !('errors' in error) || !Array.isArray(error.errors)) return [];
  return error.errors.map((field: { pointer?: unknown }) => String(field.pointer));
}

describe('keeping macros', () => {
  it('creates, reads, changes (If-Match, 412 when stale) and deletes a personal macro', async () => {
    const { macro, etag } = await newMacro(agent, {
      name: unique('Ask for a photo'),
      description: 'Asks the requester for a photo',
      body: 'Hello {{requester.name}}, please send a photo.',
      actions: { reply: 'response', status: 'pending' },
    });
    expect(macro).toMatchObject({ availability: 'personal', ownerId: agent.userId, version: 1 });
    expect(etag).toBe(`"${macro.macroId}.1"`);
    const path = { macroId: macro.macroId };
    const read = await as(agent).GET('/macros/{macroId}', { params: { path } });
    expect(read.response.status).toBe(200);
    expect(read.data).toEqual(macro);

    const changed = await as(agent).PATCH('/macros/{macroId}', {
      params: { path, header: { 'if-match': etag } },
      body: { name: 'Ask for two photos', description: null, actions: { reply: 'note' } },
    });
    expect(changed.response.status).toBe(200);
    expect(changed.data).toMatchObject({ name: 'Ask for two photos', description: null, version: 2 });
    expect(changed.data?.actions).toEqual({ reply: 'note' });
    expect(changed.response.headers.get('etag')).toBe(`"${macro.macroId}.2"`);

    const stale = await as(agent).PATCH('/macros/{macroId}', {
      params: { path, header: { 'if-match': etag } },
      body: { name: 'Too late' },
    });
    expect(stale.response.status).toBe(412);
    const staleDelete = await as(agent).DELETE('/macros/{macroId}', {
      params: { path, header: { 'if-match': etag } },
    });
    expect(staleDelete.response.status).toBe(412);

    const deleted = await as(agent).DELETE('/macros/{macroId}', { params: { path } });
    expect(deleted.response.status).toBe(204);
    expect((await as(agent).GET('/macros/{macroId}', { params: { path } })).response.status).toBe(404);
  });

  it("keeps a personal macro its owner's alone: another agent gets 404 for every route", async () => {
    const { macro } = await newMacro(agent, { name: unique('Mine'), actions: { priority: 'low' } });
    const path = { macroId: macro.macroId };
    const { ticket } = await newTicket(unique('Not for admin'));
    expect((await as(admin).GET('/macros/{macroId}', { params: { path } })).response.status).toBe(404);
    const patched = await as(admin).PATCH('/macros/{macroId}', {
      params: { path },
      body: { name: 'Hijack' },
    });
    expect(patched.response.status).toBe(404);
    expect((await as(admin).DELETE('/macros/{macroId}', { params: { path } })).response.status).toBe(404);
    expect((await apply(admin, ticket.ticketId, macro.macroId)).response.status).toBe(404);
    // Unknown ids answer the same.
    expect(
      (await as(admin).GET('/macros/{macroId}', { params: { path: { macroId: ulid() } } })).response.status,
    ).toBe(404);
  });

  it('shows a shared macro to every agent, who may change and delete it; only its owner makes it personal', async () => {
    const { macro } = await newMacro(agent, {
      name: unique('Team reply'),
      availability: 'shared',
      actions: { type: 'incident' },
    });
    const path = { macroId: macro.macroId };
    expect((await as(admin).GET('/macros/{macroId}', { params: { path } })).response.status).toBe(200);
    const changed = await as(admin).PATCH('/macros/{macroId}', {
      params: { path },
      body: { name: 'Team reply 2' },
    });
    expect(changed.response.status).toBe(200);
    // Taking it from the team is its owner's call.
    const taken = await as(admin).PATCH('/macros/{macroId}', {
      params: { path },
      body: { availability: 'personal' },
    });
    expect(taken.response.status).toBe(403);
    expect((await as(admin).DELETE('/macros/{macroId}', { params: { path } })).response.status).toBe(204);
  });

  it('refuses requesters every macro route, personal and shared alike (403)', async () => {
    const shared = await as(requester).POST('/macros', {
      body: { name: 'Mine too', availability: 'shared', actions: { priority: 'high' } },
    });
    expect(shared.response.status).toBe(403);
    const personal = await as(requester).POST('/macros', {
      body: { name: 'Mine too', actions: { priority: 'high' } },
    });
    expect(personal.response.status).toBe(403);
    expect((await as(requester).GET('/macros')).response.status).toBe(403);
    const { macro } = await newMacro(agent, {
      name: unique('Agents only'),
      availability: 'shared',
      actions: { priority: 'high' },
    });
    const { ticket } = await newTicket(unique('Own ticket'));
    expect((await apply(requester, ticket.ticketId, macro.macroId)).response.status).toBe(403);
    await as(agent).DELETE('/macros/{macroId}', { params: { path: { macroId: macro.macroId } } });
  });

  it('refuses an unknown placeholder when the macro is saved (400 naming it at /body)', async () => {
    const created = await as(agent).POST('/macros', {
      body: {
        name: 'Leaky',
        body: 'Your password is {{requester.password}}',
        actions: { reply: 'response' },
      },
    });
    expect(created.response.status).toBe(400);
    expect(created.error).toMatchObject({ type: '/problems/validation-error' });
    expect(pointers(created)).toEqual(['/body']);
    expect(JSON.stringify(created.error)).toContain('{{requester.password}}');

    const { macro } = await newMacro(agent, {
      name: unique('Fine'),
      body: 'Hi {{ agent.name }}',
      actions: { reply: 'note' },
    });
    const patched = await as(agent).PATCH('/macros/{macroId}', {
      params: { path: { macroId: macro.macroId } },
      body: { body: 'Hi {{ticket.title}}' },
    });
    expect(patched.response.status).toBe(400);
    expect(pointers(patched)).toEqual(['/body']);
  });

  it('refuses a reply action without a reply text (422 at /body), also when a change removes the text', async () => {
    const created = await as(agent).POST('/macros', {
      body: { name: 'Silent', actions: { reply: 'response' } },
    });
    expect(created.response.status).toBe(422);
    expect(pointers(created)).toEqual(['/body']);
    const { macro } = await newMacro(agent, {
      name: unique('Speaks'),
      body: 'Hello',
      actions: { reply: 'response' },
    });
    const patched = await as(agent).PATCH('/macros/{macroId}', {
      params: { path: { macroId: macro.macroId } },
      body: { body: null },
    });
    expect(patched.response.status).toBe(422);
  });
});

describe('listing macros', () => {
  it('lists my personal macros by name, then every shared one by name, page by page; never another’s personal', async () => {
    const tag = randomUUID().slice(0, 8);
    const mine = await Promise.all(
      ['b', 'a', 'c'].map((letter) =>
        newMacro(agent, { name: `${letter} ${tag}`, actions: { priority: 'low' } }),
      ),
    );
    const shared = await newMacro(admin, {
      name: `shared ${tag}`,
      availability: 'shared',
      actions: { priority: 'low' },
    });
    const hidden = await newMacro(admin, { name: `hidden ${tag}`, actions: { priority: 'low' } });

    const seen: { macroId: string; name: string; availability: string }[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 200; page++) {
      const listed = await as(agent).GET('/macros', {
        params: { query: { limit: 2, ...(cursor ? { cursor } : {}) } },
      });
      expect(listed.response.status).toBe(200);
      const body = ok(listed, 'list macros');
      expect(body.items.length).toBeLessThanOrEqual(2);
      seen.push(...body.items);
      cursor = body.nextCursor ?? undefined;
      if (!cursor) break;
    }
    expect(cursor).toBeUndefined();
    const ids = seen.map((macro) => macro.macroId);
    expect(new Set(ids).size).toBe(ids.length);
    const ours = seen.filter((macro) => macro.name.endsWith(tag)).map((macro) => macro.name);
    expect(ours).toEqual([`a ${tag}`, `b ${tag}`, `c ${tag}`, `shared ${tag}`]);
    // Personal ones come first.
    const firstShared = seen.findIndex((macro) => macro.availability === 'shared');
    expect(seen.slice(firstShared).every((macro) => macro.availability === 'shared')).toBe(true);
    expect(ids).not.toContain(hidden.macro.macroId);
    expect(ids).toEqual(expect.arrayContaining(mine.map(({ macro }) => macro.macroId)));

    // A cursor is the caller's own: another agent's cursor is a 422.
    const first = ok(await as(agent).GET('/macros', { params: { query: { limit: 1 } } }), 'first page');
    const foreign = await as(admin).GET('/macros', {
      params: { query: { cursor: first.nextCursor as string } },
    });
    expect(foreign.response.status).toBe(422);
    await as(admin).DELETE('/macros/{macroId}', { params: { path: { macroId: shared.macro.macroId } } });
  });
});

describe('applying a macro', () => {
  it('does everything in one call: reply with placeholders, status, assignee, priority, type, tags; new ETag', async () => {
    const { ticket, etag } = await newTicket(unique('Printer jams'));
    const { macro } = await newMacro(agent, {
      name: unique('Need info'),
      body: 'Hello {{requester.name}}, about #{{ticket.number}}: please send a photo. {{agent.name}}',
      availability: 'shared',
      actions: {
        reply: 'response',
        status: 'pending',
        assignee: { to: 'me' },
        priority: 'high',
        type: 'incident',
        addTags: ['needs-info', 'printer'],
      },
    });
    const applied = await apply(agent, ticket.ticketId, macro.macroId, etag);
    expect(applied.response.status).toBe(200);
    expect(applied.data).toMatchObject({
      status: 'pending',
      assigneeId: agent.userId,
      priority: 'high',
      type: 'incident',
      tags: ['needs-info', 'printer'],
      version: 2,
    });
    expect(applied.response.headers.get('etag')).toBe(`"${ticket.ticketId}.2"`);

    // The reply: placeholders filled in as plain text (the requester's name holds a placeholder, kept as it is).
    const thread = ok(await readTicket(requester, ticket.ticketId), 'thread');
    const reply = thread.comments.find((comment) => !comment.isDescription);
    expect(reply).toMatchObject({
      kind: 'response',
      authorId: agent.userId,
      body: `Hello Mara {{agent.name}} Macro, about #${ticket.number}: please send a photo. ${agentName}`,
    });

    // The audit trail: each change, with the macro named.
    const events = (await auditTrail(agent, ticket.ticketId)).filter((event) => event.field !== 'created');
    expect(events.map((event) => [event.field, event.to]).sort()).toEqual(
      [
        ['assigneeId', agent.userId],
        ['comment.added', reply?.commentId],
        ['priority', 'high'],
        ['status', 'pending'],
        ['tags', 'needs-info,printer'],
        ['type', 'incident'],
      ].sort(),
    );
    for (const event of events) {
      expect(event.macro).toEqual({ macroId: macro.macroId, name: macro.name });
      expect(event.actor.userId).toBe(agent.userId);
    }
    await as(agent).DELETE('/macros/{macroId}', { params: { path: { macroId: macro.macroId } } });
  });

  it('changes nothing when the lifecycle forbids the status it asks for (409 with allowed)', async () => {
    const { ticket, etag } = await newTicket(unique('Stay open'));
    const { macro } = await newMacro(agent, {
      name: unique('Close at once'),
      body: 'Closing this.',
      actions: { reply: 'response', priority: 'urgent', addTags: ['closed-by-macro'], status: 'closed' },
    });
    const refused = await apply(agent, ticket.ticketId, macro.macroId, etag);
    expect(refused.response.status).toBe(409);
    expect(refused.error).toMatchObject({ type: '/problems/invalid-transition', from: 'open', to: 'closed' });
    expect((refused.error as { allowed?: string[] }).allowed).toEqual(
      expect.arrayContaining(['in_progress', 'pending']),
    );

    const after = ok(await readTicket(agent, ticket.ticketId), 'ticket');
    expect(after).toMatchObject({ status: 'open', priority: ticket.priority, tags: [], version: 1 });
    expect(after.comments.filter((comment) => !comment.isDescription)).toEqual([]);
    expect((await auditTrail(agent, ticket.ticketId)).map((event) => event.field)).toEqual(['created']);
  });

  it('refuses an assignee who may not be assigned (422) and changes nothing', async () => {
    const { ticket } = await newTicket(unique('Wrong assignee'));
    const { macro } = await newMacro(agent, {
      name: unique('Give to requester'),
      body: 'Over to you.',
      actions: { reply: 'response', assignee: { to: 'user', userId: requester.userId }, priority: 'low' },
    });
    const refused = await apply(agent, ticket.ticketId, macro.macroId);
    expect(refused.response.status).toBe(422);
    expect(pointers(refused)).toEqual(['/actions/assignee/userId']);
    const after = ok(await readTicket(agent, ticket.ticketId), 'ticket');
    expect(after).toMatchObject({ assigneeId: null, priority: ticket.priority, version: 1 });
    expect(after.comments.filter((comment) => !comment.isDescription)).toEqual([]);
  });

  it('answers 412 to a stale If-Match of the ticket and changes nothing', async () => {
    const { ticket, etag } = await newTicket(unique('Stale'));
    const { macro } = await newMacro(agent, {
      name: unique('Bump'),
      body: 'Bumped',
      actions: { reply: 'note', priority: 'low' },
    });
    ok(await apply(agent, ticket.ticketId, macro.macroId, etag), 'first apply');
    const { macro: second } = await newMacro(agent, {
      name: unique('Later'),
      actions: { priority: 'urgent' },
    });
    const stale = await apply(agent, ticket.ticketId, second.macroId, etag);
    expect(stale.response.status).toBe(412);
    expect(ok(await readTicket(agent, ticket.ticketId), 'ticket')).toMatchObject({
      priority: 'low',
      version: 2,
    });
  });

  it("counts a macro's response as the agent's response, so the same macro may resolve the ticket", async () => {
    const { ticket } = await newTicket(unique('Quick fix'));
    const { macro: resolveOnly } = await newMacro(agent, {
      name: unique('Resolve'),
      actions: { status: 'resolved' },
    });
    const refused = await apply(agent, ticket.ticketId, resolveOnly.macroId);
    expect(refused.response.status).toBe(409);
    const { macro } = await newMacro(agent, {
      name: unique('Fixed'),
      body: 'Fixed it, {{requester.name}}.',
      actions: { reply: 'response', status: 'resolved' },
    });
    const resolved = await apply(agent, ticket.ticketId, macro.macroId);
    expect(resolved.response.status).toBe(200);
    expect(resolved.data?.status).toBe('resolved');
  });

  it('posts an internal note the requester never sees, nor its audit event', async () => {
    const { ticket } = await newTicket(unique('Noted'));
    const secret = `Internal ${randomUUID()}`;
    const { macro } = await newMacro(agent, {
      name: unique('Note'),
      body: secret,
      actions: { reply: 'note' },
    });
    const applied = await apply(agent, ticket.ticketId, macro.macroId);
    expect(applied.response.status).toBe(200);
    // A reply alone leaves the ticket's version (a comment does not change it).
    expect(applied.data?.version).toBe(1);
    const forAgent = ok(await readTicket(agent, ticket.ticketId), 'agent thread');
    expect(forAgent.comments.find((comment) => comment.body === secret)?.kind).toBe('note');
    const forRequester = ok(await readTicket(requester, ticket.ticketId), 'requester thread');
    expect(JSON.stringify(forRequester)).not.toContain(secret);
    expect((await auditTrail(requester, ticket.ticketId)).map((event) => event.field)).toEqual(['created']);
    const agentTrail = await auditTrail(agent, ticket.ticketId);
    expect(agentTrail.find((event) => event.field === 'comment.added')).toMatchObject({ internal: true });
  });

  it('gives the requester one email for the combined change (reply and status), not one per change', async () => {
    const { ticket } = await newTicket(unique('One mail'));
    const marker = `Photo please ${randomUUID().slice(0, 8)}`;
    const { macro } = await newMacro(agent, {
      name: unique('Pending with reply'),
      body: `${marker}, {{requester.name}}`,
      actions: { reply: 'response', status: 'pending', priority: 'high', assignee: { to: 'me' } },
    });
    ok(await apply(agent, ticket.ticketId, macro.macroId), 'apply');
    const mail = await mailFor(requester.email, new RegExp(`^New reply on ticket #${ticket.number}:`));
    expect(mail.body.text).toContain(marker);
    expect(mail.body.text).toContain("The ticket's status changed from open to pending.");
    await drain();
    const about = (await mailsTo(requester.email)).filter((m) => m.subject.includes(`#${ticket.number}`));
    expect(about).toHaveLength(1);
    const { items: log } = await queryPage<NotificationItem>({
      partition: { pk: `TICKET#${ticket.ticketId}` },
      beginsWith: ['sk', 'NOTIFICATION#'],
      limit: 100,
      consistent: true,
    });
    expect(log.map((entry) => [entry.type, entry.recipientId])).toEqual([
      ['agent_response', requester.userId],
    ]);
  });

  it('still mails a status change alone, when the macro posts no response', async () => {
    const { ticket } = await newTicket(unique('Status only'));
    const { macro } = await newMacro(agent, {
      name: unique('Work on it'),
      actions: { status: 'in_progress' },
    });
    ok(await apply(agent, ticket.ticketId, macro.macroId), 'apply');
    await mailFor(requester.email, new RegExp(`^Ticket #${ticket.number} is now in progress:`));
  });
});
