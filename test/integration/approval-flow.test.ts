/**
 * The approval workflow end to end, as a client and an approver would live it: a ticket with an approver, the
 * approval mail and SMS from the stream notifier, the link page (GET changes nothing), the decision by form POST,
 * the requester's notification, and links that are used, expired or unknown.
 */
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { approvalRecord } from '#shared/approvals/approval.entity.ts';
import { hashApprovalToken, newApprovalToken } from '#shared/approvals/token.ts';
import { putItem } from '#shared/platform/db.ts';
import type { Schema } from '../../client/index.ts';
import {
  apiAs,
  approvalLinkIn,
  call,
  eventually,
  logIn,
  mailFor,
  newRequester,
  ok,
  type Session,
  smsTo,
} from './support.ts';

/** Create a ticket as `session`: its body. @throws Error when it is not created */
const createTicket = async (session: Session, body: Schema<'CreateTicketRequest'>) =>
  ok(await apiAs(session.token).POST('/tickets', { body }), 'create a ticket');

/** Read a ticket as `session`: its body. @throws Error when it cannot be read */
const readTicket = async (session: Session, ticketId: string) =>
  ok(
    await apiAs(session.token).GET('/tickets/{ticketId}', { params: { path: { ticketId } } }),
    'read a ticket',
  );

/**
 * `PATCH /tickets/{ticketId}` as `session`: the typed result (data or error, and the response). `ifMatch`: the
 * ETag sent (an approval decision needs one: 428 without).
 */
const patchTicket = (
  session: Session,
  ticketId: string,
  body: Schema<'UpdateTicketRequest'>,
  ifMatch?: string,
) =>
  apiAs(session.token).PATCH('/tickets/{ticketId}', {
    params: { path: { ticketId }, ...(ifMatch ? { header: { 'if-match': ifMatch } } : {}) },
    body,
  });

/** The ETag of a ticket as `session` reads it now (`"<ticketId>.<version>"`). */
const etagOf = async (session: Session, ticketId: string) =>
  `"${ticketId}.${(await readTicket(session, ticketId)).version}"`;

/** The hidden `version` field of the confirmation page a link opens now. */
const versionOnPage = async (link: string) =>
  (await call(link)).text.match(/name="version" value="(\d+)"/)?.[1] ?? '';

const accounts = inject('demoAccounts');

describe('approval by link', () => {
  let requester: Session;
  let approver: Session;

  beforeAll(async () => {
    requester = await newRequester('Tina Technician');
    approver = await logIn(accounts.agent.email, accounts.agent.password);
  });

  async function ticketWithApprover(title: string) {
    const created = await createTicket(requester, {
      title,
      description: '100 ft of Cat6 for the new office',
      type: 'request',
      priority: 'high',
      approverId: approver.userId,
    });
    expect(created).toMatchObject({
      status: 'pending_approval',
      approverId: approver.userId,
      requesterId: requester.userId,
    });
    return created;
  }

  it('mails the approver a link whose page changes nothing, and approves by POST', async () => {
    const ticket = await ticketWithApprover('Cat6 cable for office 12');

    const mail = await mailFor(approver.email, new RegExp(`#${ticket.number}\\b`));
    expect(mail.subject).toMatch(/approv/i);
    const link = approvalLinkIn(mail.body.text);
    expect(mail.body.html).toContain(link);

    const sms = await eventually(
      async () =>
        (await smsTo(accounts.agent.phone)).find((message) => message.message.includes(`#${ticket.number}`)),
      'approval SMS',
    );
    expect(approvalLinkIn(sms.message)).not.toBe('');

    const page = await call(link);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.text).toContain('Cat6 cable for office 12');
    expect(page.text).toContain('value="approve"');
    // Fetching the link again (a mail scanner, a preview) still changes nothing.
    expect((await call(link)).status).toBe(200);
    expect((await readTicket(requester, ticket.ticketId)).status).toBe('pending_approval');

    const decided = await call(link, {
      form: { decision: 'approve', reason: '', version: await versionOnPage(link) },
    });
    expect(decided.status).toBe(200);
    expect(decided.text).toMatch(/approved/);

    expect(await readTicket(requester, ticket.ticketId)).toMatchObject({
      status: 'approved',
      decision: { by: approver.userId },
    });

    const notice = await mailFor(requester.email, new RegExp(`#${ticket.number}\\b.*approved`, 'i'));
    expect(notice.body.text).toContain('Cat6 cable for office 12');

    const again = await call(link, { form: { decision: 'reject', reason: 'changed my mind' } });
    expect(again.status).toBe(409);
    expect(again.text).toMatch(/already been used/);
    expect((await readTicket(requester, ticket.ticketId)).status).toBe('approved');
  });

  it('needs a reason to reject, then rejects and tells the requester why', async () => {
    const ticket = await ticketWithApprover('Fibre patch leads');
    const link = approvalLinkIn(
      (await mailFor(approver.email, new RegExp(`#${ticket.number}\\b`))).body.text,
    );

    // The form's rules are the document's (a reason to reject; a decision): broken, the page is shown again.
    const withoutReason: Record<string, string>[] = [
      { decision: 'reject' },
      { decision: 'reject', reason: '   ' },
    ];
    for (const form of withoutReason) {
      const noReason = await call(link, { form });
      expect([form, noReason.status, noReason.headers.get('content-type')]).toEqual([
        form,
        400,
        expect.stringMatching(/^text\/html/),
      ]);
      expect(noReason.text).toContain('Give a reason to reject.');
      expect(noReason.text).toContain('value="reject"');
    }
    const noDecision = await call(link, { form: { reason: 'Maybe' } });
    expect(noDecision.status).toBe(400);
    expect(noDecision.text).toContain('Choose Approve or Reject.');
    // Only a form is read: JSON is refused as problem+json, and decides nothing.
    const json = await call(link, { json: { decision: 'approve' } });
    expect([json.status, json.headers.get('content-type'), json.body?.type]).toEqual([
      415,
      'application/problem+json',
      '/problems/unsupported-media-type',
    ]);
    expect((await readTicket(requester, ticket.ticketId)).status).toBe('pending_approval');

    const rejected = await call(link, {
      form: {
        decision: 'reject',
        reason: 'Use the spare stock in room 4',
        version: await versionOnPage(link),
      },
    });
    expect(rejected.status).toBe(200);
    expect(await readTicket(requester, ticket.ticketId)).toMatchObject({
      status: 'rejected',
      decision: { reason: 'Use the spare stock in room 4' },
    });
    const notice = await mailFor(requester.email, new RegExp(`#${ticket.number}\\b.*rejected`, 'i'));
    expect(notice.body.text).toContain('Use the spare stock in room 4');
  });

  it('shows an expired link as expired and decides nothing with it', async () => {
    const ticket = await ticketWithApprover('Expired request');
    // A link whose expiry has passed (DynamoDB TTL deletes lazily, so the item may still be there).
    Object.assign(process.env, inject('env'));
    const token = newApprovalToken();
    await putItem(
      approvalRecord({
        tokenHash: hashApprovalToken(token),
        ticketId: ticket.ticketId,
        approverId: approver.userId,
        createdAt: new Date(Date.now() - 4 * 86_400_000).toISOString(),
        expiresAt: Math.floor(Date.now() / 1000) - 60,
      }),
    );
    const page = await call(`/approvals/${token}`);
    expect(page.status).toBe(410);
    expect(page.text).toMatch(/expired/);
    const post = await call(`/approvals/${token}`, { form: { decision: 'approve' } });
    expect(post.status).toBe(410);
    expect((await readTicket(requester, ticket.ticketId)).status).toBe('pending_approval');
  });

  it('shows a clear page for unknown links and an approver can decide through the API instead', async () => {
    const unknown = await call(`/approvals/${'A'.repeat(43)}`);
    expect(unknown.status).toBe(404);
    expect(unknown.text).toMatch(/not valid/);
    // Any token that is not 43 base64url characters is a link that is not valid: a page, never problem+json.
    for (const token of ['short', 'x'.repeat(256), `${'A'.repeat(42)}!`]) {
      for (const form of [undefined, { decision: 'approve' }]) {
        const page = await call(`/approvals/${encodeURIComponent(token)}`, form ? { form } : {});
        expect([token.slice(0, 10), form, page.status, page.headers.get('content-type')]).toEqual([
          token.slice(0, 10),
          form,
          404,
          expect.stringMatching(/^text\/html/),
        ]);
        expect(page.text).toMatch(/not valid/);
      }
    }
    // Past the documented 256 characters the path breaks its schema: the wrapper's 400 problem.
    const tooLong = await call(`/approvals/${'x'.repeat(257)}`);
    expect([tooLong.status, tooLong.headers.get('content-type')]).toEqual([400, 'application/problem+json']);

    const ticket = await ticketWithApprover('Monitor arm');
    const someoneElse = await newRequester();
    const hidden = await patchTicket(someoneElse, ticket.ticketId, { status: 'approved' });
    expect(hidden.response.status).toBe(404);
    // The approver got the request (mailed before anyone decided: a request decided while it waits is not sent).
    const link = approvalLinkIn(
      (await mailFor(approver.email, new RegExp(`#${ticket.number}\\b`))).body.text,
    );
    const byRequester = await patchTicket(requester, ticket.ticketId, { status: 'approved' });
    expect(byRequester.response.status).toBe(409);
    expect(byRequester.error).toMatchObject({ allowed: ['canceled'] });
    const byApprover = await patchTicket(
      approver,
      ticket.ticketId,
      { status: 'approved' },
      await etagOf(approver, ticket.ticketId),
    );
    expect(byApprover.response.status).toBe(200);
    expect(byApprover.data?.status).toBe('approved');

    // The emailed link for that ticket no longer decides anything.
    const late = await call(link, { form: { decision: 'reject', reason: 'late' } });
    expect(late.status).toBe(409);
    expect(late.text).toMatch(/no longer waiting/);
  });
});

describe('approvals that cannot be gamed', () => {
  it("decides nothing through an offboarded approver's link", async () => {
    const admin = await logIn(accounts.admin.email, accounts.admin.password);
    const requester = await newRequester('Offboarding requester');
    const email = `leaving-${Date.now()}@example.com`;
    const made = await apiAs(admin.token).POST('/users', {
      body: { email, name: 'Leaving Agent', role: 'agent' },
    });
    const approverId = ok(made, 'create the approver').userId;
    expect(made.response.status).toBe(201);
    const created = await createTicket(requester, {
      title: 'Before offboarding',
      description: 'A request',
      type: 'request',
      priority: 'medium',
      approverId,
    });
    const mail = await mailFor(email, new RegExp(`#${created.number}\\b`));
    const link = approvalLinkIn(mail.body.text);
    expect((await call(link)).status).toBe(200);

    const removed = await apiAs(admin.token).DELETE('/users/{userId}', {
      params: { path: { userId: approverId } },
    });
    expect(removed.response.status).toBe(204);
    const page = await call(link);
    expect(page.status).toBe(403);
    expect(page.text).toMatch(/can no longer decide/);
    const post = await call(link, { form: { decision: 'approve' } });
    expect(post.status).toBe(403);
    expect((await readTicket(requester, created.ticketId)).status).toBe('pending_approval');
  });

  it('lets nobody approve a ticket they requested, an admin neither', async () => {
    const admin = await logIn(accounts.admin.email, accounts.admin.password);
    const agent = await logIn(accounts.agent.email, accounts.agent.password);
    const created = await createTicket(admin, {
      title: 'My own purchase',
      description: 'A request',
      type: 'request',
      priority: 'medium',
      approverId: agent.userId,
    });
    const selfApproved = await patchTicket(admin, created.ticketId, { status: 'approved' });
    expect(selfApproved.response.status).toBe(409);
    expect(selfApproved.error).toMatchObject({ allowed: ['canceled'] });
    const byApprover = await patchTicket(
      agent,
      created.ticketId,
      { status: 'approved' },
      await etagOf(agent, created.ticketId),
    );
    expect(byApprover.response.status).toBe(200);
  });
});

describe('content frozen by status', () => {
  it('keeps the approved content for the requester, and changes a canceled ticket only by reopening', async () => {
    const agent = await logIn(accounts.agent.email, accounts.agent.password);
    const requester = await newRequester('Frozen content');
    const { ticketId } = await createTicket(requester, {
      title: 'USB mouse',
      description: 'One mouse',
      type: 'request',
      priority: 'medium',
      approverId: agent.userId,
    });
    const edit = (session: Session, body: Schema<'UpdateTicketRequest'>) =>
      patchTicket(session, ticketId, body);
    expect((await edit(requester, { priority: 'high' })).response.status).toBe(200);
    const approve = { status: 'approved' } as const;
    expect((await patchTicket(agent, ticketId, approve, await etagOf(agent, ticketId))).response.status).toBe(
      200,
    );
    const afterDecision = await edit(requester, { title: '40 laptops' });
    expect(afterDecision.response.status).toBe(409);
    expect(afterDecision.error).toMatchObject({ detail: expect.stringMatching(/frozen/) });
    expect((await readTicket(requester, ticketId)).title).toBe('USB mouse');

    expect((await edit(requester, { status: 'canceled' })).response.status).toBe(200);
    const canceledEdit = await edit(agent, { priority: 'low' });
    expect(canceledEdit.response.status).toBe(409);
    expect(canceledEdit.error).toMatchObject({ detail: expect.stringMatching(/reopening/) });
  });
});
