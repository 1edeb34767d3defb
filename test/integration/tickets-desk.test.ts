/**
 * The ticket desk through the HTTP API against the local stack: assignment and taking a ticket, `PUT` next to
 * `PATCH`, deletion and the cleanup after it, the filters of `GET /tickets`, the audit trail, and the people
 * embedded in ticket responses. Each `it` is named after the rule it checks.
 */

import { randomUUID } from 'node:crypto';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { decodeTime, ulid } from 'ulid';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { approvalKey } from '#shared/approvals/approval.entity.ts';
import { hashApprovalToken } from '#shared/approvals/token.ts';
import type { NotificationItem } from '#shared/notifications/notification.entity.ts';
import { getItem, putItem, queryPage } from '#shared/platform/db.ts';
import { signBucketRequest } from '#shared/platform/s3-signing.ts';
import { approvalLinkRefKey } from '#shared/tickets/approval-links.ts';
import { type TicketEventItem, ticketEventRecord } from '#shared/tickets/ticket-event.entity.ts';
import type { operations, ResponseBody, Schema } from '../../client/index.ts';
import { lambdaContext as localLambdaContext } from '../../scripts/local/lambda-runtime.ts';
import { pngBytes } from '../support/sample-images.ts';
import {
  apiAs,
  approvalLinkIn,
  call,
  logIn,
  mailFor,
  mailsTo,
  newRequester,
  ok,
  type Session,
} from './support.ts';

const accounts = inject('demoAccounts');
const drain = async () => {
  const response = await fetch(inject('drainUrl'), { method: 'POST' });
  expect(response.status).toBe(200);
};

const as = (session: Session) => apiAs(session.token);

/** Open a ticket (201 expected): the typed result, its body and its ETag. */
const newTicket = async (
  session: Session,
  title: string,
  extra: Partial<Schema<'CreateTicketRequest'>> = {},
) => {
  const created = await as(session).POST('/tickets', {
    body: { title, description: `About ${title}`, ...extra },
  });
  expect(created.response.status).toBe(201);
  return { ticket: ok(created, 'create'), etag: created.response.headers.get('etag') as string };
};

/** Path and optional If-Match parameters of a ticket. */
const ticketParams = (ticketId: string, ifMatch?: string) => ({
  path: { ticketId },
  ...(ifMatch ? { header: { 'if-match': ifMatch } } : {}),
});

const patch = (session: Session, ticketId: string, body: Schema<'UpdateTicketRequest'>, ifMatch?: string) =>
  as(session).PATCH('/tickets/{ticketId}', { params: ticketParams(ticketId, ifMatch), body });
const put = (session: Session, ticketId: string, body: Schema<'ReplaceTicketRequest'>, ifMatch?: string) =>
  as(session).PUT('/tickets/{ticketId}', {
    params: ticketParams(ticketId, ifMatch),
    body,
  });
const remove = (session: Session, ticketId: string, ifMatch?: string) =>
  as(session).DELETE('/tickets/{ticketId}', { params: ticketParams(ticketId, ifMatch) });
const take = (session: Session, ticketId: string, ifMatch?: string) =>
  as(session).POST('/tickets/{ticketId}/take', { params: ticketParams(ticketId, ifMatch), body: {} });
const read = (session: Session, ticketId: string) =>
  as(session).GET('/tickets/{ticketId}', { params: { path: { ticketId } } });

type ListQuery = NonNullable<operations['ListTickets']['parameters']['query']>;
const list = (session: Session, query: ListQuery) => as(session).GET('/tickets', { params: { query } });

type Summary = ResponseBody<'get', '/tickets'>['items'][number];
const ids = (items: readonly Summary[] | undefined) => (items ?? []).map((item) => item.ticketId);

/** Every page of a list, following `nextCursor` (at most `pages` pages). */
async function allPages(session: Session, query: ListQuery, pages = 50): Promise<Summary[]> {
  const items: Summary[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < pages; page++) {
    const response = await list(session, { ...query, ...(cursor ? { cursor } : {}) });
    expect(response.response.status).toBe(200);
    const body = ok(response, `list ${JSON.stringify(query)}`);
    items.push(...body.items);
    cursor = body.nextCursor ?? undefined;
    if (!cursor) return items;
  }
  throw new Error(`more than ${pages} pages of ${JSON.stringify(query)}`);
}

/** The JSON Pointers of the fields a problem names (`errors`), in order. */
function pointers({ error }: { error?: unknown }): string[] {
  if (!error || typeof error !== 'object' || !('errors' in error) || !Array.isArray(error.errors)) return [];
  return error.errors.map((field: { pointer?: unknown }) => String(field.pointer));
}

/** The context the notifier gets in Lambda, a minute to run. */
const lambdaContext = () => localLambdaContext('notifier', 60_000);

const person = (session: Session, name: string) => ({ userId: session.userId, name, email: session.email });

describe('ticket desk', () => {
  let requester: Session;
  let otherRequester: Session;
  let agent: Session;
  let admin: Session;

  beforeAll(async () => {
    // This worker reads the table and calls the notifier like the local stack does.
    Object.assign(process.env, inject('env'));
    requester = await newRequester('Dana Desk');
    otherRequester = await newRequester('Olaf Other');
    agent = await logIn(accounts.agent.email, accounts.agent.password);
    admin = await logIn(accounts.admin.email, accounts.admin.password);
  });

  describe('assignment', () => {
    it('is set by canAssignTickets only, to an agent or admin (422 otherwise), and unset with null', async () => {
      const { ticket } = await newTicket(requester, 'Assign me');
      const byRequester = await patch(requester, ticket.ticketId, { assigneeId: agent.userId });
      expect(byRequester.response.status).toBe(403);
      // Well-formed ids the domain refuses: a requester, and nobody at all.
      const toRequester = await patch(agent, ticket.ticketId, { assigneeId: otherRequester.userId });
      expect(toRequester.response.status).toBe(422);
      expect(toRequester.error).toMatchObject({ type: '/problems/unprocessable-content' });
      expect(pointers(toRequester)).toEqual(['/assigneeId']);
      const toNobody = await patch(agent, ticket.ticketId, { assigneeId: randomUUID() });
      expect(toNobody.response.status).toBe(422);

      const assigned = await patch(agent, ticket.ticketId, { assigneeId: admin.userId });
      expect(assigned.response.status).toBe(200);
      expect(assigned.data).toMatchObject({
        assigneeId: admin.userId,
        assignee: person(admin, accounts.admin.name),
      });
      expect(ids((await list(admin, { assigned: 'true', limit: 100 })).data?.items)).toContain(
        ticket.ticketId,
      );
      expect(ids((await list(agent, { assigneeId: admin.userId, limit: 100 })).data?.items)).toContain(
        ticket.ticketId,
      );
      // The assignee sees the ticket; the requester sees who works it.
      expect((await read(requester, ticket.ticketId)).data?.assignee).toEqual(
        person(admin, accounts.admin.name),
      );

      const unassigned = await patch(agent, ticket.ticketId, { assigneeId: null });
      expect(unassigned.response.status).toBe(200);
      expect(unassigned.data).toMatchObject({ assigneeId: null, assignee: null });
      expect(ids((await list(admin, { assigned: 'true', limit: 100 })).data?.items)).not.toContain(
        ticket.ticketId,
      );
    });

    it('notifies the assignee by email once, logged, even when the stream record comes again', async () => {
      const { ticket } = await newTicket(requester, `Notify assignee ${randomUUID().slice(0, 8)}`);
      expect((await patch(agent, ticket.ticketId, { assigneeId: admin.userId })).response.status).toBe(200);
      const subject = new RegExp(`#${ticket.number}\\b.*assigned to you`);
      await mailFor(admin.email, subject);
      await drain();

      const notificationLog = async () =>
        (
          await queryPage<NotificationItem>({
            partition: { pk: `TICKET#${ticket.ticketId}` },
            beginsWith: ['sk', 'NOTIFICATION#'],
            limit: 20,
          })
        ).items.filter((entry) => entry.type === 'assigned');
      const [sent] = await notificationLog();
      expect(sent).toMatchObject({ recipientId: admin.userId, channel: 'email', status: 'sent' });

      // The stream record of the audit event that notified, delivered to the notifier once more (streams deliver
      // at least once): no second mail, no second log entry.
      const { items: events } = await queryPage<TicketEventItem & Record<string, unknown>>({
        partition: { pk: `TICKET#${ticket.ticketId}` },
        beginsWith: ['sk', 'EVENT#'],
        limit: 10,
      });
      const assignment = events.find((event) => event.field === 'assigneeId');
      expect(assignment).toBeDefined();
      const redelivered: DynamoDBStreamEvent = {
        Records: [
          {
            eventID: sent?.sourceEventId,
            eventName: 'INSERT',
            dynamodb: {
              // A redelivered record carries the original's time, which the log row's id was made from.
              ApproximateCreationDateTime: Math.floor(decodeTime(sent?.notificationId ?? '') / 1000),
              Keys: marshall({ pk: assignment?.pk, sk: assignment?.sk }) as never,
              NewImage: marshall(assignment, { removeUndefinedValues: true }) as never,
              SequenceNumber: '1',
              StreamViewType: 'NEW_AND_OLD_IMAGES',
            },
          },
        ],
      };
      const { handler } = await import('../../functions/notifications/on-table-change.ts');
      expect(await handler(redelivered, lambdaContext())).toEqual({ batchItemFailures: [] });
      await drain();
      expect((await mailsTo(admin.email)).filter((mail) => subject.test(mail.subject))).toHaveLength(1);
      expect(await notificationLog()).toHaveLength(1);
    });

    it('lets an agent take a ticket (assign it to themself), without mailing them, If-Match optional', async () => {
      const { ticket, etag } = await newTicket(requester, `Take me ${randomUUID().slice(0, 8)}`);
      expect((await take(requester, ticket.ticketId)).response.status).toBe(403);
      const stale = await take(agent, ticket.ticketId, `"${ticket.ticketId}.0"`);
      expect(stale.response.status).toBe(412);

      const taken = await take(agent, ticket.ticketId, etag);
      expect(taken.response.status).toBe(200);
      expect(taken.data).toMatchObject({
        assigneeId: agent.userId,
        assignee: person(agent, accounts.agent.name),
      });
      expect(taken.response.headers.get('etag')).toBe(`"${ticket.ticketId}.2"`);
      const again = await take(agent, ticket.ticketId);
      expect(again.response.status).toBe(200);
      expect(again.data?.version).toBe(2);
      expect(ids((await list(agent, { assigned: 'true', limit: 100 })).data?.items)).toContain(
        ticket.ticketId,
      );

      // An admin (canAssignTickets) takes it over.
      expect((await take(admin, ticket.ticketId)).data?.assigneeId).toBe(admin.userId);
      await drain();
      expect((await mailsTo(agent.email)).some((mail) => mail.subject.includes(`#${ticket.number} `))).toBe(
        false,
      );
      expect((await mailsTo(admin.email)).some((mail) => mail.subject.includes(`#${ticket.number} `))).toBe(
        false,
      );
      expect((await take(agent, '01ARZ3NDEKTSV4RRFFQ69G5FAV')).response.status).toBe(404);
      // Off the contract on purpose: a take carries no fields.
      const withFields = await call(`/tickets/${ticket.ticketId}/take`, {
        token: agent.token,
        json: { to: 'x' },
      });
      expect(withFields.status).toBe(400);
    });
  });

  describe('PUT /tickets/{ticketId}', () => {
    it('replaces the editable fields: those left out go back to their defaults or to empty', async () => {
      const { ticket } = await newTicket(requester, 'Replace me', {
        type: 'incident',
        priority: 'high',
        category: 'hardware',
        tags: ['printer'],
      });
      const { ticketId } = ticket;
      expect((await patch(agent, ticketId, { assigneeId: agent.userId })).response.status).toBe(200);

      const replaced = await put(agent, ticketId, { title: 'Replaced', description: 'New text' });
      expect(replaced.response.status).toBe(200);
      expect(replaced.data).toMatchObject({
        title: 'Replaced',
        description: 'New text',
        type: 'question',
        priority: 'medium',
        category: null,
        tags: [],
        assigneeId: null,
        status: 'open',
        version: 3,
      });
      expect((await read(agent, ticketId)).data).toMatchObject({
        title: 'Replaced',
        category: null,
        tags: [],
        assigneeId: null,
      });
      expect(ids((await list(agent, { type: 'incident', limit: 100 })).data?.items)).not.toContain(ticketId);
    });

    it('follows the rules of PATCH: a field sent as it is needs no permission, a changed one does', async () => {
      const { ticket } = await newTicket(requester, 'Requester replaces', {
        type: 'task',
        category: 'network',
      });
      const { ticketId } = ticket;
      const same = { type: 'task', category: 'network', priority: 'medium' } as const;
      const replaced = await put(requester, ticketId, {
        title: 'Better title',
        description: 'Better text',
        ...same,
      });
      expect(replaced.response.status).toBe(200);
      expect(replaced.data).toMatchObject({ title: 'Better title', type: 'task', category: 'network' });
      // Leaving category out empties it, which only canEditAll may do.
      const emptying = await put(requester, ticketId, { title: 'x', description: 'y', type: 'task' });
      expect(emptying.response.status).toBe(403);
      const other = await put(otherRequester, ticketId, { title: 'x', description: 'y', ...same });
      expect(other.response.status).toBe(404);
      const moving = await put(requester, ticketId, {
        title: 'Better title',
        description: 'Better text',
        ...same,
        status: 'canceled',
      });
      expect(moving.response.status).toBe(200);
      expect(moving.data?.status).toBe('canceled');
    });

    it('honours If-Match with 412 when stale, and validates the whole body', async () => {
      const { ticket, etag } = await newTicket(requester, 'Stale replace');
      const { ticketId } = ticket;
      const body = { title: 'One', description: 'Two' };
      expect((await put(requester, ticketId, body, etag)).response.status).toBe(200);
      const stale = await put(requester, ticketId, { ...body, title: 'Three' }, etag);
      expect(stale.response.status).toBe(412);
      expect(stale.error).toMatchObject({ type: '/problems/precondition-failed' });
      // Off the contract on purpose: a PUT without its required fields.
      const partial = await call(`/tickets/${ticketId}`, {
        method: 'PUT',
        token: requester.token,
        json: { status: 'canceled' },
      });
      expect(partial.status).toBe(400);
      expect(partial.body.errors.map((error: { pointer: string }) => error.pointer).sort()).toEqual([
        '/description',
        '/title',
      ]);
    });
  });

  describe('DELETE /tickets/{ticketId}', () => {
    it('lets the requester delete while nothing has happened: 204 at once, then 404', async () => {
      const { ticketId } = (await newTicket(requester, 'Opened by mistake')).ticket;
      expect((await remove(otherRequester, ticketId)).response.status).toBe(404);
      expect((await remove(agent, ticketId)).response.status).toBe(403);
      const deleted = await remove(requester, ticketId);
      expect(deleted.response.status).toBe(204);
      expect(deleted.data).toBeUndefined();
      expect(deleted.response.headers.get('content-length') ?? '0').toBe('0');
      expect((await read(requester, ticketId)).response.status).toBe(404);
      expect((await remove(requester, ticketId)).response.status).toBe(404);
      expect(ids(await allPages(requester, { limit: 100 }))).not.toContain(ticketId);
    });

    it('refuses the requester once something happened (409), but not canDeleteAll', async () => {
      const { ticketId } = (await newTicket(requester, 'Answered already')).ticket;
      const reply = await as(agent).POST('/tickets/{ticketId}/comments', {
        params: { path: { ticketId } },
        body: { body: 'On it', internal: false },
      });
      expect(reply.response.status).toBe(201);
      const late = await remove(requester, ticketId);
      expect(late.response.status).toBe(409);
      expect(late.error).toMatchObject({ detail: expect.stringMatching(/changed since it was created/) });
      // A comment leaves the version (the ETag) alone; a change of the ticket's fields makes If-Match stale.
      expect((await remove(requester, ticketId, `"${ticketId}.1"`)).response.status).toBe(409);
      expect((await take(agent, ticketId)).response.status).toBe(200);
      const stale = await remove(admin, ticketId, `"${ticketId}.1"`);
      expect(stale.response.status).toBe(412);
      expect((await remove(admin, ticketId)).response.status).toBe(204);
      expect((await read(admin, ticketId)).response.status).toBe(404);
    });

    it('removes comments, images, audit trail, notification log, approval links and objects afterwards', async () => {
      const { ticket } = await newTicket(requester, `Everything goes ${randomUUID().slice(0, 8)}`, {
        type: 'request',
        approverId: agent.userId,
      });
      const path = { ticketId: ticket.ticketId };
      const mail = await mailFor(agent.email, new RegExp(`#${ticket.number}\\b`));
      const link = approvalLinkIn(mail.body.text);
      const tokenHash = hashApprovalToken(link.slice(link.lastIndexOf('/') + 1));
      expect(await getItem(approvalKey(tokenHash))).toBeDefined();
      // The notifier saved the link's pointer in the ticket's partition with the link itself.
      expect(await getItem(approvalLinkRefKey(ticket.ticketId, tokenHash))).toBeDefined();

      const upload = ok(
        await as(requester).POST('/tickets/{ticketId}/images', {
          params: { path },
          body: { contentType: 'image/png', fileName: 'cable.png' },
        }),
        'upload',
      );
      const form = new FormData();
      for (const [name, value] of Object.entries(upload.upload.fields)) form.append(name, value);
      form.append('file', new Blob([pngBytes()], { type: 'image/png' }), 'cable.png');
      expect((await fetch(upload.upload.url, { method: 'POST', body: form })).status).toBeLessThan(300);
      for (const body of ['Which office?', 'Office 12']) {
        const session = body.startsWith('Which') ? agent : requester;
        const posted = await as(session).POST('/tickets/{ticketId}/comments', {
          params: { path },
          body: { body, internal: false },
        });
        expect(posted.response.status).toBe(201);
      }
      await drain();
      const partition = () =>
        queryPage<{ sk: string }>({
          partition: { pk: `TICKET#${ticket.ticketId}` },
          limit: 100,
          consistent: true,
        });
      const before = (await partition()).items.map((item) => item.sk.split('#')[0]);
      expect(new Set(before)).toEqual(
        new Set(['TICKET', 'COMMENT', 'IMAGE', 'EVENT', 'NOTIFICATION', 'LINK']),
      );
      const objects = async () => {
        const request = await signBucketRequest('GET', inject('bucket'), {
          'list-type': '2',
          prefix: `tickets/${ticket.ticketId}/`,
        });
        const listing = await (await fetch(request.url, { headers: request.headers })).text();
        return [...listing.matchAll(/<Key>([^<]*)<\/Key>/g)].map((match) => match[1]);
      };
      expect(await objects()).toHaveLength(1);

      expect((await remove(admin, ticket.ticketId)).response.status).toBe(204);
      await drain();
      expect((await partition()).items).toEqual([]);
      expect(await getItem(approvalKey(tokenHash))).toBeUndefined();
      expect(await objects()).toEqual([]);
      // The approval link is an HTML page, outside the typed client.
      const page = await call(link);
      expect(page.status).toBe(404);
      expect(page.text).toContain('not valid');
      const events = await as(admin).GET('/tickets/{ticketId}/events', { params: { path } });
      expect(events.response.status).toBe(404);
    });
  });

  describe('GET /tickets filters', () => {
    let dana: Session;
    const made: Record<string, string> = {};

    beforeAll(async () => {
      dana = await newRequester('Filter Dana');
      for (const [name, extra] of [
        ['low question', { priority: 'low' }],
        ['urgent task', { priority: 'urgent', type: 'task' }],
        ['high incident', { priority: 'high', type: 'incident' }],
        ['low problem', { priority: 'low', type: 'problem' }],
      ] as const) {
        made[name] = (await newTicket(dana, name, extra)).ticket.ticketId;
      }
      expect(
        (await patch(agent, made['urgent task'] as string, { status: 'in_progress' })).response.status,
      ).toBe(200);
      expect((await patch(dana, made['low problem'] as string, { status: 'canceled' })).response.status).toBe(
        200,
      );
      expect((await take(agent, made['high incident'] as string)).response.status).toBe(200);
    });

    it('filters by status, priority and type, each from its index, newest first, for staff', async () => {
      const canceled = await allPages(agent, { status: 'canceled', limit: 100 });
      expect(canceled.every((ticket) => ticket.status === 'canceled')).toBe(true);
      expect(ids(canceled)).toContain(made['low problem']);
      expect(ids(canceled)).not.toContain(made['low question']);
      const urgent = await allPages(agent, { priority: 'urgent', limit: 100 });
      expect(urgent.every((ticket) => ticket.priority === 'urgent')).toBe(true);
      expect(ids(urgent)).toContain(made['urgent task']);
      // `emergency` is `urgent`.
      expect(ids((await list(agent, { priority: 'emergency', limit: 100 })).data?.items)).toContain(
        made['urgent task'],
      );
      const lows = await allPages(agent, { priority: 'low', limit: 2 });
      expect(lows.every((ticket) => ticket.priority === 'low')).toBe(true);
      const ours = ids(lows).filter((id) => id === made['low question'] || id === made['low problem']);
      expect(ours).toEqual([made['low problem'], made['low question']]);
      const tasks = await allPages(agent, { type: 'task', limit: 100 });
      expect(tasks.every((ticket) => ticket.type === 'task')).toBe(true);
      expect(ids(tasks)).toContain(made['urgent task']);
      expect(ids((await list(agent, { status: 'in_progress', limit: 100 })).data?.items)).toContain(
        made['urgent task'],
      );
      expect(ids(await allPages(agent, { status: 'open', limit: 100 }))).not.toContain(made['urgent task']);
    });

    it('filters by requester (mine) and assignee (assigned), combined with the other filters, paginated', async () => {
      const danas = await allPages(agent, { requesterId: dana.userId, limit: 1 });
      expect(ids(danas)).toEqual([
        made['low problem'],
        made['high incident'],
        made['urgent task'],
        made['low question'],
      ]);
      expect(ids(await allPages(dana, { mine: 'true', limit: 3 }))).toEqual(ids(danas));
      const lowOpen = await allPages(agent, {
        requesterId: dana.userId,
        priority: 'low',
        status: 'open',
        limit: 1,
      });
      expect(ids(lowOpen)).toEqual([made['low question']]);
      const assigned = await allPages(agent, { assigned: 'true', requesterId: dana.userId, limit: 10 });
      expect(ids(assigned)).toEqual([made['high incident']]);
      expect(ids(await allPages(agent, { assigned: 'true', type: 'incident', limit: 100 }))).toContain(
        made['high incident'],
      );
      expect(ids(await allPages(agent, { assigned: 'true', type: 'task', limit: 100 }))).not.toContain(
        made['high incident'],
      );
    });

    it('shows a requester only their own tickets: any filters narrow their own, another person is a 403', async () => {
      const open = await allPages(dana, { status: 'open', limit: 100 });
      expect(ids(open)).toEqual([made['high incident'], made['low question']]);
      expect(ids(await allPages(dana, { type: 'task' }))).toEqual([made['urgent task']]);
      // Two of status, priority and type: served for a requester (their own partition), unlike for staff.
      expect(ids(await allPages(dana, { status: 'open', priority: 'low' }))).toEqual([made['low question']]);
      expect(ids(await allPages(otherRequester, { status: 'open', limit: 100 }))).not.toContain(
        made['low question'],
      );
      const someoneElse = await list(dana, { requesterId: otherRequester.userId });
      expect(someoneElse.response.status).toBe(403);
      expect((await list(dana, { assigneeId: agent.userId })).response.status).toBe(403);
      expect((await list(dana, { requesterId: dana.userId, status: 'open' })).response.status).toBe(200);
    });

    it('refuses a combination no index serves with a 422 that names the supported ones; schema breaks are 400', async () => {
      const refused = await list(agent, { status: 'open', priority: 'high' });
      expect(refused.response.status).toBe(422);
      expect(refused.error).toMatchObject({ type: '/problems/unprocessable-content' });
      expect(refused.error).toMatchObject({
        detail: expect.stringMatching(
          /Supported: no filter; exactly one of status, priority, type; or one person/,
        ),
      });
      expect(pointers(refused)).toEqual(['/status', '/priority']);
      expect((await list(agent, { mine: 'true', requesterId: dana.userId })).response.status).toBe(422);
      // Off the contract on purpose: an unknown filter, an unknown status, a flag that is not true or false.
      expect((await call('/tickets?customer=acme', { token: agent.token })).status).toBe(400);
      expect((await call('/tickets?status=someday', { token: agent.token })).status).toBe(400);
      expect((await call('/tickets?mine=yes', { token: agent.token })).status).toBe(400);
      // A cursor belongs to its list.
      const page = ok(await list(agent, { priority: 'low', limit: 1 }), 'page');
      const cursor = page.nextCursor as string;
      const foreign = await list(agent, { priority: 'high', limit: 1, cursor });
      expect(foreign.response.status).toBe(422);
      expect(pointers(foreign)).toEqual(['/cursor']);
      expect((await list(agent, { priority: 'low', limit: 1, cursor })).response.status).toBe(200);
    });
  });

  describe('audit trail', () => {
    const events = (session: Session, ticketId: string, query: { limit?: number; cursor?: string } = {}) =>
      as(session).GET('/tickets/{ticketId}/events', { params: { path: { ticketId }, query } });

    it('lists every change oldest first: who, when, field, old → new, paginated', async () => {
      const { ticket } = await newTicket(requester, 'Audited', {
        type: 'request',
        approverId: agent.userId,
        priority: 'low',
      });
      // A decision names the version it decides on (If-Match: 428 without).
      const read = await as(agent).GET('/tickets/{ticketId}', {
        params: { path: { ticketId: ticket.ticketId } },
      });
      const etag = read.response.headers.get('etag') ?? '';
      expect((await patch(agent, ticket.ticketId, { status: 'approved' }, etag)).response.status).toBe(200);
      expect((await take(agent, ticket.ticketId)).response.status).toBe(200);
      // The approved content is frozen (docs/lifecycle.md); the ticket is still worked along the lifecycle.
      expect((await patch(agent, ticket.ticketId, { status: 'in_progress' })).response.status).toBe(200);

      const all = ok(await events(requester, ticket.ticketId, { limit: 100 }), 'events');
      expect(all.items.map((event) => [event.field, event.from, event.to])).toEqual([
        ['created', null, 'pending_approval'],
        ['status', 'pending_approval', 'approved'],
        ['assigneeId', null, agent.userId],
        ['status', 'approved', 'in_progress'],
      ]);
      expect(all.items[0]).toMatchObject({
        actor: person(requester, 'Dana Desk'),
        at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        internal: false,
      });
      expect(all.items[1]?.actor).toEqual(person(agent, accounts.agent.name));
      expect(all.nextCursor).toBeNull();

      const first = ok(await events(agent, ticket.ticketId, { limit: 3 }), 'first page');
      expect(first.items).toHaveLength(3);
      const rest = ok(
        await events(agent, ticket.ticketId, { limit: 3, cursor: first.nextCursor as string }),
        'rest',
      );
      expect(rest.items.map((event) => event.field)).toEqual(['status']);
      expect((await events(otherRequester, ticket.ticketId)).response.status).toBe(404);
      // A cursor of the agent's view (internal events included) is not the requester's.
      const foreign = await events(requester, ticket.ticketId, { cursor: first.nextCursor as string });
      expect(foreign.response.status).toBe(422);
      expect(pointers(foreign)).toEqual(['/cursor']);
    });

    it('never shows events about internal notes to requesters', async () => {
      const { ticket } = await newTicket(requester, 'Internal deletion');
      // A deleted internal note is recorded as an internal event (as the comment delete writes it).
      await putItem(
        ticketEventRecord({
          ticketId: ticket.ticketId,
          eventId: ulid(),
          actorId: agent.userId,
          field: 'comment.deleted',
          from: `${ticket.ticketId}-${ulid()}`,
          internal: true,
          at: new Date().toISOString(),
        }),
      );
      const byRequester = ok(await events(requester, ticket.ticketId), 'requester events');
      expect(byRequester.items.map((event) => event.field)).toEqual(['created']);
      const byAgent = ok(await events(agent, ticket.ticketId), 'agent events');
      expect(byAgent.items.map((event) => [event.field, event.internal])).toEqual([
        ['created', false],
        ['comment.deleted', true],
      ]);
    });
  });

  describe('people embedded', () => {
    it('embeds requester, assignee and approver in create, get, patch, put and list responses', async () => {
      const { ticket } = await newTicket(requester, 'Who is who', {
        type: 'request',
        approverId: agent.userId,
      });
      const { ticketId } = ticket;
      const expected = {
        requesterId: requester.userId,
        requester: person(requester, 'Dana Desk'),
        approver: person(agent, accounts.agent.name),
      };
      expect(ticket).toMatchObject({ ...expected, assignee: null });
      expect((await read(requester, ticketId)).data).toMatchObject(expected);
      const assigned = await patch(admin, ticketId, { assigneeId: admin.userId });
      expect(assigned.data).toMatchObject({ ...expected, assignee: person(admin, accounts.admin.name) });
      const replaced = await put(admin, ticketId, {
        title: 'Who is who',
        description: 'Still',
        type: 'request',
        assigneeId: admin.userId,
      });
      expect(replaced.data).toMatchObject({ ...expected, assignee: person(admin, accounts.admin.name) });
      const listed = (await list(requester, { limit: 100 })).data?.items.find(
        (item) => item.ticketId === ticketId,
      );
      expect(listed).toMatchObject({ ...expected, assignee: person(admin, accounts.admin.name) });
    });
  });
});
