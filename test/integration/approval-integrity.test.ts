/**
 * Approval integrity, tried as a hostile client would (issue 9): the approved content stays what was approved, nobody
 * approves their own ticket (through the API or a link), a link decides nothing once its approver is offboarded,
 * and a decision binds to the version the approver saw: an edit while pending re-sends the request with new links
 * and the old ones decide nothing (`docs/lifecycle.md`, PRODUCT "Approvals and notifications").
 */
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { approvalRecord } from '#shared/approvals/approval.entity.ts';
import { hashApprovalToken, newApprovalToken } from '#shared/approvals/token.ts';
import { putItem, updateItem } from '#shared/platform/db.ts';
import { ticketKey } from '#shared/tickets/ticket.entity.ts';
import type { Schema } from '../../client/index.ts';
import { apiAs, approvalLinkIn, call, logIn, mailFor, newRequester, ok, type Session } from './support.ts';

const accounts = inject('demoAccounts');

/** Create a ticket as `session`: its body. @throws Error when it is not created */
const createTicket = async (session: Session, body: Schema<'CreateTicketRequest'>) =>
  ok(await apiAs(session.token).POST('/tickets', { body }), 'create a ticket');

/** Read a ticket as `session`: its body. */
const readTicket = async (session: Session, ticketId: string) =>
  ok(await apiAs(session.token).GET('/tickets/{ticketId}', { params: { path: { ticketId } } }), 'read');

const patchTicket = (session: Session, ticketId: string, body: Schema<'UpdateTicketRequest'>) =>
  apiAs(session.token).PATCH('/tickets/{ticketId}', { params: { path: { ticketId } }, body });

const putTicket = (session: Session, ticketId: string, body: Schema<'ReplaceTicketRequest'>) =>
  apiAs(session.token).PUT('/tickets/{ticketId}', { params: { path: { ticketId } }, body });

/** `PATCH` with `If-Match: <etag>`: how an approval decision is made through the API (428 without). */
const patchIfMatch = (
  session: Session,
  ticketId: string,
  body: Schema<'UpdateTicketRequest'>,
  etag: string,
) =>
  apiAs(session.token).PATCH('/tickets/{ticketId}', {
    params: { path: { ticketId }, header: { 'if-match': etag } },
    body,
  });

/** The ETag of a ticket as `session` reads it now. */
const etagNow = async (session: Session, ticketId: string) =>
  (
    await apiAs(session.token).GET('/tickets/{ticketId}', { params: { path: { ticketId } } })
  ).response.headers.get('etag') ?? '';

/** The hidden `version` field of a confirmation page. */
const shownVersion = (page: string) => page.match(/name="version" value="(\d+)"/)?.[1];

/** The approval mail to `email` for ticket `number` whose subject matches `title`: its link. */
const linkFor = async (email: string, number: number, title: string) =>
  approvalLinkIn((await mailFor(email, new RegExp(`#${number}\\b.*${title}`))).body.text);

let admin: Session;
let agent: Session;

beforeAll(async () => {
  [admin, agent] = await Promise.all([
    logIn(accounts.admin.email, accounts.admin.password),
    logIn(accounts.agent.email, accounts.agent.password),
  ]);
});

describe('approved content is frozen', () => {
  it('refuses everyone an edit of the approved content after a decision, but the ticket is still worked', async () => {
    const requester = await newRequester('Frozen for all');
    const { ticketId } = await createTicket(requester, {
      title: 'USB mouse',
      description: 'One mouse',
      type: 'request',
      priority: 'medium',
      approverId: agent.userId,
    });
    const approve = { status: 'approved' } as const;
    expect(
      (await patchIfMatch(agent, ticketId, approve, await etagNow(agent, ticketId))).response.status,
    ).toBe(200);

    // The requester, through PATCH and PUT.
    const put = await putTicket(requester, ticketId, { title: '40 laptops', description: 'One mouse' });
    expect(put.response.status).toBe(409);
    expect(put.error).toMatchObject({ type: '/problems/conflict', detail: expect.stringMatching(/frozen/) });
    // An agent and an admin (canEditAll) neither: what was approved stays what was approved.
    const edits: Array<[Session, Schema<'UpdateTicketRequest'>]> = [
      [agent, { title: '40 laptops' }],
      [admin, { priority: 'urgent' }],
      [agent, { tags: ['laptops'] }],
    ];
    for (const [who, body] of edits) {
      const edit = await patchTicket(who, ticketId, body);
      expect([body, edit.response.status]).toEqual([body, 409]);
      expect(edit.error).toMatchObject({ detail: expect.stringMatching(/approved content .* is frozen/) });
    }
    // Working it goes on: taking it, moving it along the lifecycle.
    expect(
      (
        await apiAs(agent.token).POST('/tickets/{ticketId}/take', {
          params: { path: { ticketId } },
          body: {},
        })
      ).response.status,
    ).toBe(200);
    expect((await patchTicket(agent, ticketId, { status: 'in_progress' })).response.status).toBe(200);
    const frozenInProgress = await patchTicket(agent, ticketId, { description: 'Forty laptops' });
    expect(frozenInProgress.response.status).toBe(409);
    expect(await readTicket(requester, ticketId)).toMatchObject({
      title: 'USB mouse',
      description: 'One mouse',
      priority: 'medium',
      status: 'in_progress',
      assigneeId: agent.userId,
    });
  });

  it('changes a canceled ticket for nobody: neither its fields (PUT) nor its assignee', async () => {
    const requester = await newRequester('Canceled stays');
    const { ticketId } = await createTicket(requester, { title: 'Printer', description: 'Jammed' });
    expect((await patchTicket(requester, ticketId, { status: 'canceled' })).response.status).toBe(200);
    const put = await putTicket(requester, ticketId, { title: 'Printer', description: 'Still jammed' });
    expect(put.response.status).toBe(409);
    expect(put.error).toMatchObject({ detail: expect.stringMatching(/reopening/) });
    const assign = await patchTicket(admin, ticketId, { assigneeId: agent.userId });
    expect(assign.response.status).toBe(409);
    expect(await readTicket(requester, ticketId)).toMatchObject({
      description: 'Jammed',
      status: 'canceled',
    });
  });
});

describe('separation of duties and offboarding', () => {
  it('never lets the approver be the requester: not at creation, not by a change, not through a link', async () => {
    Object.assign(process.env, inject('env'));
    const own = await createTicket(admin, { title: 'Self approval', description: 'Mine', type: 'request' });
    // Naming oneself at creation is a 422; the approver is no field a change may set (a strict schema: 400).
    const selfNamed = await apiAs(admin.token).POST('/tickets', {
      body: { title: 'Self', description: 'Mine', approverId: admin.userId },
    });
    expect(selfNamed.response.status).toBe(422);
    const change = await apiAs(admin.token).PATCH('/tickets/{ticketId}', {
      params: { path: { ticketId: own.ticketId } },
      body: { approverId: admin.userId } as Schema<'UpdateTicketRequest'>,
    });
    expect(change.response.status).toBe(400);

    // A ticket whose approver is its requester (as stored data could say) and a link for them: it decides nothing.
    const created = await createTicket(admin, {
      title: 'Forged self approval',
      description: 'Mine',
      type: 'request',
      approverId: agent.userId,
    });
    await updateItem(ticketKey(created.ticketId), { set: { approverId: admin.userId } });
    const token = newApprovalToken();
    await putItem(
      approvalRecord({
        tokenHash: hashApprovalToken(token),
        ticketId: created.ticketId,
        approverId: admin.userId,
        createdAt: new Date().toISOString(),
        expiresAt: Math.floor(Date.now() / 1000) + 3600,
      }),
    );
    const page = await call(`/approvals/${token}`);
    expect(page.status).toBe(403);
    expect(page.text).toMatch(/can no longer decide/);
    const post = await call(`/approvals/${token}`, { form: { decision: 'approve' } });
    expect(post.status).toBe(403);
    expect((await readTicket(admin, created.ticketId)).status).toBe('pending_approval');
  });

  it('refuses a disabled approver at creation, and a link of an approver disabled or demoted since', async () => {
    const requester = await newRequester('Offboarded approvers');
    const users = apiAs(admin.token);
    const approverFor = async (name: string) => {
      const email = `approver-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.com`;
      const made = ok(await users.POST('/users', { body: { email, name, role: 'agent' } }), 'approver');
      return { userId: made.userId, email };
    };
    const disabled = await approverFor('Disabled Approver');
    const demoted = await approverFor('Demoted Approver');
    const ticketFor = (approverId: string) =>
      createTicket(requester, { title: 'New chair', description: 'Broken', type: 'request', approverId });
    const [first, second] = [await ticketFor(disabled.userId), await ticketFor(demoted.userId)];
    const firstLink = await linkFor(disabled.email, first.number, 'New chair');
    const secondLink = await linkFor(demoted.email, second.number, 'New chair');
    expect((await call(firstLink)).status).toBe(200);

    const patchUser = (userId: string, body: Schema<'UpdateUserRequest'>) =>
      users.PATCH('/users/{userId}', { params: { path: { userId } }, body });
    expect((await patchUser(disabled.userId, { disabled: true })).response.status).toBe(200);
    expect((await patchUser(demoted.userId, { role: 'requester' })).response.status).toBe(200);
    for (const [link, ticket] of [
      [firstLink, first],
      [secondLink, second],
    ] as const) {
      const page = await call(link);
      expect(page.status).toBe(403);
      expect(page.text).toMatch(/can no longer decide/);
      expect((await call(link, { form: { decision: 'approve' } })).status).toBe(403);
      expect((await readTicket(requester, ticket.ticketId)).status).toBe('pending_approval');
    }
    // A disabled user is no approver for a new ticket either (422 at /approverId).
    const refused = await apiAs(requester.token).POST('/tickets', {
      body: { title: 'Another chair', description: 'Broken', approverId: disabled.userId },
    });
    expect(refused.response.status).toBe(422);
    expect(refused.error).toMatchObject({ errors: [expect.objectContaining({ pointer: '/approverId' })] });
  });
});

describe('a decision binds to what the approver saw', () => {
  it('re-sends an edited request with a new link; the old link says the request changed and decides nothing', async () => {
    const requester = await newRequester('Edits while pending');
    const ticket = await createTicket(requester, {
      title: 'USB mouse',
      description: 'A mouse for the front desk',
      type: 'request',
      priority: 'low',
      approverId: agent.userId,
    });
    const oldLink = await linkFor(agent.email, ticket.number, 'USB mouse');
    const shown = await call(oldLink);
    expect(shown.status).toBe(200);
    expect(shown.text).toContain('USB mouse');
    expect(shownVersion(shown.text)).toBe(String(ticket.version));

    const edited = await patchTicket(requester, ticket.ticketId, { title: '40 laptops', priority: 'high' });
    expect(edited.response.status).toBe(200);

    // The old link, even posted from the page it showed: nothing decided, the page says the request changed.
    const late = await call(oldLink, { form: { decision: 'approve', version: String(ticket.version) } });
    expect(late.status).toBe(409);
    expect(late.text).toMatch(/The request changed/);
    expect(late.text).toMatch(/<del>USB mouse<\/del> → <ins>40 laptops<\/ins>/);
    expect(late.text).toMatch(/<del>low<\/del> → <ins>high<\/ins>/);
    expect((await call(oldLink)).status).toBe(409);
    expect((await readTicket(requester, ticket.ticketId)).status).toBe('pending_approval');

    // The request went out again, with the new content and a new link that works.
    const newMail = await mailFor(agent.email, new RegExp(`#${ticket.number}\\b.*40 laptops`));
    expect(newMail.body.text).toContain('40 laptops');
    const newLink = approvalLinkIn(newMail.body.text);
    expect(newLink).not.toBe(oldLink);
    const page = await call(newLink);
    expect(page.status).toBe(200);
    expect(page.text).toContain('40 laptops');
    const version = shownVersion(page.text);
    expect(version).toBe(String(ticket.version + 1));
    const decided = await call(newLink, { form: { decision: 'approve', version: version as string } });
    expect(decided.status).toBe(200);
    expect(await readTicket(requester, ticket.ticketId)).toMatchObject({
      status: 'approved',
      title: '40 laptops',
      decision: { by: agent.userId },
    });
  });

  it('decides nothing from a page that showed an older version, and shows what changed since', async () => {
    const requester = await newRequester('Stale page');
    const ticket = await createTicket(requester, {
      title: 'Docking station',
      description: 'For desk 7',
      type: 'request',
      approverId: agent.userId,
    });
    const link = await linkFor(agent.email, ticket.number, 'Docking station');
    const first = await call(link);
    const seen = shownVersion(first.text) as string;
    expect(seen).toBe(String(ticket.version));

    // Something besides the approved content changes while the page is open: the assignee.
    const taken = await apiAs(admin.token).POST('/tickets/{ticketId}/take', {
      params: { path: { ticketId: ticket.ticketId } },
      body: {},
    });
    expect(taken.response.status).toBe(200);

    const stale = await call(link, { form: { decision: 'approve', version: seen } });
    expect(stale.status).toBe(409);
    expect(stale.text).toMatch(/changed after this page was shown/);
    expect(stale.text).toMatch(/<strong>Assignee<\/strong>: <del>\(none\)<\/del> → <ins>/);
    expect(stale.text).toContain(admin.userId);
    expect(stale.text).toContain('value="approve"');
    const current = shownVersion(stale.text) as string;
    expect(current).toBe(String(ticket.version + 1));
    expect((await readTicket(requester, ticket.ticketId)).status).toBe('pending_approval');

    // A version that is no number re-shows the page (400); the version shown now decides.
    const junk = await call(link, { form: { decision: 'approve', version: 'latest' } });
    expect(junk.status).toBe(400);
    expect(junk.text).toMatch(/out of date/);
    const decided = await call(link, { form: { decision: 'reject', reason: 'Not now', version: current } });
    expect(decided.status).toBe(200);
    expect((await readTicket(requester, ticket.ticketId)).status).toBe('rejected');
  });
});

describe('a decision through the API names the version it decides on (If-Match)', () => {
  it('answers 428 to an approval or rejection without If-Match (or with *), 412 to a stale one, and decides with the current one', async () => {
    const requester = await newRequester('Decides by version');
    const ticket = await createTicket(requester, {
      title: 'Label printer',
      description: 'For the store room',
      type: 'request',
      approverId: agent.userId,
    });
    const approve = { status: 'approved' } as const;
    const reject = { status: 'rejected', reason: 'Not this quarter' } as const;
    for (const [body, header] of [
      [approve, undefined],
      [reject, undefined],
      [approve, '*'],
    ] as const) {
      const answer = await apiAs(agent.token).PATCH('/tickets/{ticketId}', {
        params: {
          path: { ticketId: ticket.ticketId },
          ...(header ? { header: { 'if-match': header } } : {}),
        },
        body,
      });
      expect([body.status, header, answer.response.status]).toEqual([body.status, header, 428]);
      expect(answer.error).toMatchObject({
        type: '/problems/precondition-required',
        status: 428,
        detail: expect.stringMatching(/If-Match/),
      });
    }
    // PUT decides the same way (status sent): 428 without If-Match.
    const put = await putTicket(agent, ticket.ticketId, {
      title: 'Label printer',
      description: 'For the store room',
      type: 'request',
      status: 'approved',
    });
    expect(put.response.status).toBe(428);
    expect(await readTicket(requester, ticket.ticketId)).toMatchObject({ status: 'pending_approval' });

    // The permission and the lifecycle come first: the requester learns 409 (not theirs to decide), not 428.
    const byRequester = await patchTicket(requester, ticket.ticketId, approve);
    expect(byRequester.response.status).toBe(409);
    // Other changes still need no If-Match (the convention of every other change: 412 only when sent and stale).
    const seen = await etagNow(agent, ticket.ticketId);
    expect((await patchTicket(agent, ticket.ticketId, { tags: ['printers'] })).response.status).toBe(200);
    const stale = await patchIfMatch(agent, ticket.ticketId, approve, seen);
    expect(stale.response.status).toBe(412);
    expect(await readTicket(requester, ticket.ticketId)).toMatchObject({ status: 'pending_approval' });

    const decided = await patchIfMatch(
      agent,
      ticket.ticketId,
      approve,
      await etagNow(agent, ticket.ticketId),
    );
    expect(decided.response.status).toBe(200);
    expect(decided.data).toMatchObject({ status: 'approved', decision: { by: agent.userId } });
  });

  it('decides nothing from a form without the version the page showed: the page again (400), then the page’s version decides', async () => {
    const requester = await newRequester('Form without version');
    const ticket = await createTicket(requester, {
      title: 'Standing desk',
      description: 'For room 2',
      type: 'request',
      approverId: agent.userId,
    });
    const link = await linkFor(agent.email, ticket.number, 'Standing desk');
    const withoutVersion: Record<string, string>[] = [
      { decision: 'approve' },
      { decision: 'approve', version: '' },
    ];
    for (const form of withoutVersion) {
      const posted = await call(link, { form });
      expect([form, posted.status, posted.headers.get('content-type')]).toEqual([
        form,
        400,
        expect.stringMatching(/^text\/html/),
      ]);
      expect(posted.text).toMatch(/out of date/);
      // The page shown again carries the version to decide on, and the link is still usable.
      expect(shownVersion(posted.text)).toBe(String(ticket.version));
      expect((await readTicket(requester, ticket.ticketId)).status).toBe('pending_approval');
    }
    const decided = await call(link, { form: { decision: 'approve', version: String(ticket.version) } });
    expect(decided.status).toBe(200);
    expect((await readTicket(requester, ticket.ticketId)).status).toBe('approved');
  });
});
