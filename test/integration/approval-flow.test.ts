/**
 * The approval workflow end to end, as a client and an approver would live it: a ticket with an approver, the
 * approval mail and SMS from the stream notifier, the link page (GET changes nothing), the decision by form POST,
 * the requester's notification, and links that are used, expired or unknown.
 */
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { approvalRecord } from '#shared/approvals/approval.entity.ts';
import { hashApprovalToken, newApprovalToken } from '#shared/approvals/token.ts';
import { putItem } from '#shared/platform/db.ts';
import {
  approvalLinkIn,
  call,
  eventually,
  logIn,
  mailFor,
  newRequester,
  type Session,
  smsTo,
} from './support.ts';

const accounts = inject('demoAccounts');

describe('approval by link', () => {
  let requester: Session;
  let approver: Session;

  beforeAll(async () => {
    requester = await newRequester('Tina Technician');
    approver = await logIn(accounts.agent.email, accounts.agent.password);
  });

  async function ticketWithApprover(title: string) {
    const created = await call('/tickets', {
      token: requester.token,
      json: {
        title,
        description: '100 ft of Cat6 for the new office',
        type: 'request',
        priority: 'high',
        approverId: approver.userId,
      },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      status: 'pending_approval',
      approverId: approver.userId,
      requesterId: requester.userId,
    });
    return created.body as { ticketId: string; number: number };
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
    const unchanged = await call(`/tickets/${ticket.ticketId}`, { token: requester.token });
    expect(unchanged.body.status).toBe('pending_approval');

    const decided = await call(link, { form: { decision: 'approve', reason: '' } });
    expect(decided.status).toBe(200);
    expect(decided.text).toMatch(/approved/);

    const after = await call(`/tickets/${ticket.ticketId}`, { token: requester.token });
    expect(after.body).toMatchObject({ status: 'approved', decision: { by: approver.userId } });

    const notice = await mailFor(requester.email, new RegExp(`#${ticket.number}\\b.*approved`, 'i'));
    expect(notice.body.text).toContain('Cat6 cable for office 12');

    const again = await call(link, { form: { decision: 'reject', reason: 'changed my mind' } });
    expect(again.status).toBe(409);
    expect(again.text).toMatch(/already been used/);
    expect((await call(`/tickets/${ticket.ticketId}`, { token: requester.token })).body.status).toBe(
      'approved',
    );
  });

  it('needs a reason to reject, then rejects and tells the requester why', async () => {
    const ticket = await ticketWithApprover('Fibre patch leads');
    const link = approvalLinkIn(
      (await mailFor(approver.email, new RegExp(`#${ticket.number}\\b`))).body.text,
    );

    const noReason = await call(link, { form: { decision: 'reject' } });
    expect(noReason.status).toBe(400);
    expect(noReason.text).toContain('Give a reason to reject');
    expect((await call(`/tickets/${ticket.ticketId}`, { token: requester.token })).body.status).toBe(
      'pending_approval',
    );

    const rejected = await call(link, {
      form: { decision: 'reject', reason: 'Use the spare stock in room 4' },
    });
    expect(rejected.status).toBe(200);
    const after = await call(`/tickets/${ticket.ticketId}`, { token: requester.token });
    expect(after.body).toMatchObject({
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
    expect((await call(`/tickets/${ticket.ticketId}`, { token: requester.token })).body.status).toBe(
      'pending_approval',
    );
  });

  it('shows a clear page for unknown links and an approver can decide through the API instead', async () => {
    const unknown = await call(`/approvals/${'A'.repeat(43)}`);
    expect(unknown.status).toBe(404);
    expect(unknown.text).toMatch(/not valid/);
    expect((await call('/approvals/short')).status).toBe(404);

    const ticket = await ticketWithApprover('Monitor arm');
    const someoneElse = await newRequester();
    const hidden = await call(`/tickets/${ticket.ticketId}`, {
      method: 'PATCH',
      token: someoneElse.token,
      json: { status: 'approved' },
    });
    expect(hidden.status).toBe(404);
    // The approver got the request (mailed before anyone decided: a request decided while it waits is not sent).
    const link = approvalLinkIn(
      (await mailFor(approver.email, new RegExp(`#${ticket.number}\\b`))).body.text,
    );
    const byRequester = await call(`/tickets/${ticket.ticketId}`, {
      method: 'PATCH',
      token: requester.token,
      json: { status: 'approved' },
    });
    expect(byRequester.status).toBe(409);
    expect(byRequester.body.allowed).toEqual(['canceled']);
    const byApprover = await call(`/tickets/${ticket.ticketId}`, {
      method: 'PATCH',
      token: approver.token,
      json: { status: 'approved' },
    });
    expect(byApprover.status).toBe(200);
    expect(byApprover.body.status).toBe('approved');

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
    const made = await call('/users', {
      token: admin.token,
      json: { email, name: 'Leaving Agent', role: 'agent' },
    });
    expect(made.status).toBe(201);
    const approverId = made.body.userId as string;
    const created = await call('/tickets', {
      token: requester.token,
      json: { title: 'Before offboarding', description: 'A request', type: 'request', approverId },
    });
    expect(created.status).toBe(201);
    const mail = await mailFor(email, new RegExp(`#${created.body.number}\\b`));
    const link = approvalLinkIn(mail.body.text);
    expect((await call(link)).status).toBe(200);

    expect((await call(`/users/${approverId}`, { token: admin.token, method: 'DELETE' })).status).toBe(204);
    const page = await call(link);
    expect(page.status).toBe(403);
    expect(page.text).toMatch(/can no longer decide/);
    const post = await call(link, { form: { decision: 'approve' } });
    expect(post.status).toBe(403);
    const ticket = await call(`/tickets/${created.body.ticketId}`, { token: requester.token });
    expect(ticket.body.status).toBe('pending_approval');
  });

  it('lets nobody approve a ticket they requested, an admin neither', async () => {
    const admin = await logIn(accounts.admin.email, accounts.admin.password);
    const agent = await logIn(accounts.agent.email, accounts.agent.password);
    const created = await call('/tickets', {
      token: admin.token,
      json: { title: 'My own purchase', description: 'A request', type: 'request', approverId: agent.userId },
    });
    expect(created.status).toBe(201);
    const selfApproved = await call(`/tickets/${created.body.ticketId}`, {
      token: admin.token,
      method: 'PATCH',
      json: { status: 'approved' },
    });
    expect(selfApproved.status).toBe(409);
    expect(selfApproved.body.allowed).toEqual(['canceled']);
    const byApprover = await call(`/tickets/${created.body.ticketId}`, {
      token: agent.token,
      method: 'PATCH',
      json: { status: 'approved' },
    });
    expect(byApprover.status).toBe(200);
  });
});

describe('content frozen by status', () => {
  it('keeps the approved content for the requester, and changes a canceled ticket only by reopening', async () => {
    const agent = await logIn(accounts.agent.email, accounts.agent.password);
    const requester = await newRequester('Frozen content');
    const created = await call('/tickets', {
      token: requester.token,
      json: { title: 'USB mouse', description: 'One mouse', type: 'request', approverId: agent.userId },
    });
    expect(created.status).toBe(201);
    const path = `/tickets/${created.body.ticketId}`;
    const edit = (token: string, json: Record<string, unknown>) =>
      call(path, { token, method: 'PATCH', json });
    expect((await edit(requester.token, { priority: 'high' })).status).toBe(200);
    expect((await edit(agent.token, { status: 'approved' })).status).toBe(200);
    const afterDecision = await edit(requester.token, { title: '40 laptops' });
    expect(afterDecision.status).toBe(409);
    expect(afterDecision.body.detail).toMatch(/frozen/);
    expect((await call(path, { token: requester.token })).body.title).toBe('USB mouse');

    expect((await edit(requester.token, { status: 'canceled' })).status).toBe(200);
    const canceledEdit = await edit(agent.token, { priority: 'low' });
    expect(canceledEdit.status).toBe(409);
    expect(canceledEdit.body.detail).toMatch(/reopening/);
  });
});
