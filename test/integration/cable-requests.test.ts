/**
 * Cable requests through the API, as a requester and the inventory team live them: request details validated
 * and shown; a request without approver goes to the cable approver group (the local stack's `role:inventory`),
 * every member mailed (and texted) a link of their own with the cable details; the first decision wins and the
 * other links say who decided; a member who left the role, and the requester themself, cannot decide.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { problemOf, type Schema } from '../../client/index.ts';
import { demoAccounts as seededAccounts } from '../../scripts/local/demo-accounts.ts';
import {
  api,
  apiAs,
  approvalLinkIn,
  call,
  demoPassword,
  eventually,
  logIn,
  mailFor,
  mailsTo,
  newRequester,
  ok,
  type Session,
  smsTo,
} from './support.ts';

const accounts = inject('demoAccounts');
const as = (session: Session) => apiAs(session.token);

let admin: Session;
let requester: Session;
let ivy: Session;
let ira: Session;

/** An account of `role` made by the admin, signed in with its own password. */
async function staff(role: string, name: string): Promise<Session> {
  const email = `cable-${randomUUID().slice(0, 8)}@example.com`;
  const made = ok(await as(admin).POST('/users', { body: { email, name, role } }), `user ${role}`);
  const first = await api.POST('/auth/login', { body: { email, password: made.temporaryPassword } });
  const session = String(problemOf(first)?.session);
  ok(await api.POST('/auth/password', { body: { session, newPassword: demoPassword } }), 'password');
  return logIn(email, demoPassword);
}

/** `PATCH /users/{userId}` as the admin: give the user another role. */
const giveRole = async (userId: string, role: string) =>
  ok(await as(admin).PATCH('/users/{userId}', { params: { path: { userId } }, body: { role } }), 'role');

const details = {
  cableType: 'Cat6',
  length: { value: 100, unit: 'ft' },
  quantity: 2,
  gauge: '23AWG',
  location: 'Building A, room 12',
} as const satisfies Schema<'CableRequestDetails'>;

/** Open a cable request as `session`, without approver unless given. */
const cableRequest = async (
  session: Session,
  title: string,
  extra: Partial<Schema<'CreateTicketRequest'>> = {},
) =>
  ok(
    await as(session).POST('/tickets', {
      body: {
        title,
        description: 'New desks arrive Monday',
        type: 'request',
        requestDetails: details,
        ...extra,
      },
    }),
    'cable request',
  );

/** The approval mail of ticket `number` to `email`, once it is there. */
const approvalMail = (email: string, number: number) =>
  mailFor(email, new RegExp(`^Approval needed: #${number}\\b`));

/** The hidden `version` field of the confirmation page a link opens now. */
const versionOnPage = async (link: string) =>
  (await call(link)).text.match(/name="version" value="(\d+)"/)?.[1] ?? '';

/** Read a ticket as `session`. */
const readTicket = async (session: Session, ticketId: string) =>
  ok(await as(session).GET('/tickets/{ticketId}', { params: { path: { ticketId } } }), 'read ticket');

/** The enabled members of the inventory role now, as the admin lists them (at most 100 of them). */
async function inventoryMembers(): Promise<string[]> {
  const page = ok(
    await as(admin).GET('/users', { params: { query: { role: 'inventory', limit: 100 } } }),
    'users',
  );
  return page.items.filter((user) => !user.disabled).map((user) => user.userId);
}

beforeAll(async () => {
  admin = await logIn(accounts.admin.email, accounts.admin.password);
  requester = await newRequester('Tina Technician');
  [ivy, ira] = [await staff('inventory', 'Ivy Stores'), await staff('inventory', 'Ira Stores')];
});

describe('cable request details', () => {
  const body = (requestDetails: unknown, type = 'request') => ({
    title: 'Cable',
    description: 'For room 12',
    type,
    requestDetails,
  });

  it('refuses a unit other than ft or m and a length that is not positive (400, field details)', async () => {
    const badUnit = await call('/tickets', {
      token: requester.token,
      json: body({ cableType: 'Cat6', length: { value: 10, unit: 'yd' } }),
    });
    expect(badUnit.status).toBe(400);
    expect(badUnit.body.type).toBe('/problems/validation-error');
    expect(badUnit.body.errors.map((error: { pointer: string }) => error.pointer)).toContain(
      '/requestDetails/length/unit',
    );
    const negative = await call('/tickets', {
      token: requester.token,
      json: body({ cableType: 'Cat6', length: { value: -5, unit: 'm' } }),
    });
    expect(negative.status).toBe(400);
    expect(negative.body.errors.map((error: { pointer: string }) => error.pointer)).toContain(
      '/requestDetails/length/value',
    );
  });

  it('refuses details on another type than request (422), and on a ticket that never waited for approval', async () => {
    const incident = await call('/tickets', { token: requester.token, json: body(details, 'incident') });
    expect(incident.status).toBe(422);
    expect(incident.body.errors).toEqual([expect.objectContaining({ pointer: '/requestDetails' })]);

    const plain = ok(
      await as(requester).POST('/tickets', {
        body: { title: 'Cable?', description: 'Later', type: 'request' },
      }),
      'plain request',
    );
    expect(plain).toMatchObject({ status: 'open', requestDetails: null, approverIds: [] });
    const added = await as(requester).PATCH('/tickets/{ticketId}', {
      params: { path: { ticketId: plain.ticketId } },
      body: { requestDetails: details },
    });
    expect(added.response.status).toBe(422);
  });
});

describe('approval by the inventory team', () => {
  let ticket: Schema<'Ticket'>;

  it('sends a request without approver to the inventory role’s members, less the requester, and shows its details', async () => {
    const expected = (await inventoryMembers()).filter((id) => id !== requester.userId);
    ticket = await cableRequest(requester, 'Cat6 for room 12');
    expect(ticket).toMatchObject({
      status: 'pending_approval',
      approverId: null,
      approverGroup: 'role:inventory',
      requestDetails: {
        cableType: 'Cat6',
        length: { value: 100, unit: 'ft' },
        lengthMm: 30_480,
        quantity: 2,
        gauge: '23AWG',
        location: 'Building A, room 12',
        notes: null,
      },
    });
    expect([...ticket.approverIds].sort()).toEqual(expected.sort().slice(0, 20));
    expect(ticket.approverIds).toEqual(expect.arrayContaining([ivy.userId, ira.userId]));
    expect(await readTicket(requester, ticket.ticketId)).toMatchObject({
      requestDetails: ticket.requestDetails,
      approverIds: ticket.approverIds,
    });
  });

  it('mails each member a link of their own with the cable details, and texts the demo team', async () => {
    const [ivyMail, iraMail] = await Promise.all([
      approvalMail(ivy.email, ticket.number),
      approvalMail(ira.email, ticket.number),
    ]);
    for (const mail of [ivyMail, iraMail]) {
      expect(mail.body.text).toContain('Cable type: Cat6');
      expect(mail.body.text).toContain('Length: 100 ft (30.48 m)');
      expect(mail.body.text).toContain('Quantity: 2');
      expect(mail.body.text).toContain('Gauge: 23AWG');
      expect(mail.body.text).toContain('Location: Building A, room 12');
      expect(mail.body.html).toContain('100 ft (30.48 m)');
    }
    expect(approvalLinkIn(ivyMail.body.text)).not.toBe(approvalLinkIn(iraMail.body.text));

    const demoMember = seededAccounts.find((account) => account.role === 'inventory' && account.phone);
    const sms = await eventually(
      async () =>
        (await smsTo(demoMember?.phone ?? '')).find((message) =>
          message.message.includes(`#${ticket.number}`),
        ),
      'approval SMS to the demo inventory team',
    );
    expect(sms.message).toContain('Cat6 100 ft (30.48 m) x2');
    expect(approvalLinkIn(sms.message)).not.toBe('');
  });

  it('takes the first decision; the other member’s link then shows who decided and decides nothing', async () => {
    const ivyLink = approvalLinkIn((await approvalMail(ivy.email, ticket.number)).body.text);
    const iraLink = approvalLinkIn((await approvalMail(ira.email, ticket.number)).body.text);

    const page = await call(ivyLink);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Cat6');
    expect(page.text).toContain('100 ft (30.48 m)');
    const iraVersion = await versionOnPage(iraLink);

    const approved = await call(ivyLink, {
      form: { decision: 'approve', reason: '', version: await versionOnPage(ivyLink) },
    });
    expect(approved.status).toBe(200);
    expect(await readTicket(requester, ticket.ticketId)).toMatchObject({
      status: 'approved',
      decision: { by: ivy.userId },
    });

    const late = await call(iraLink);
    expect(late.status).toBe(409);
    expect(late.text).toContain('Already decided by <strong>Ivy Stores</strong>: approved');
    const overruled = await call(iraLink, {
      form: { decision: 'reject', reason: 'Out of stock', version: iraVersion },
    });
    expect(overruled.status).toBe(409);
    expect(overruled.text).toContain('Already decided by <strong>Ivy Stores</strong>');
    expect(await readTicket(requester, ticket.ticketId)).toMatchObject({
      status: 'approved',
      decision: { by: ivy.userId, reason: null },
    });
    await mailFor(requester.email, new RegExp(`#${ticket.number}\\b.*approved`, 'i'));

    // Decided: the details are frozen, for the requester as for the team.
    const frozen = await as(requester).PATCH('/tickets/{ticketId}', {
      params: { path: { ticketId: ticket.ticketId } },
      body: { requestDetails: { ...details, quantity: 3 } },
    });
    expect(frozen.response.status).toBe(409);
  });

  it('re-sends the request when the requester changes the details while it waits', async () => {
    const pending = await cableRequest(requester, 'Coax for the lab');
    await approvalMail(ivy.email, pending.number);
    const changed = ok(
      await as(requester).PATCH('/tickets/{ticketId}', {
        params: { path: { ticketId: pending.ticketId } },
        body: { requestDetails: { ...details, cableType: 'coax', length: { value: 30, unit: 'm' } } },
      }),
      'change details',
    );
    expect(changed.requestDetails).toMatchObject({ cableType: 'coax', lengthMm: 30_000, quantity: 2 });
    const again = await eventually(async () => {
      const mails = (await mailsTo(ivy.email)).filter((mail) => mail.subject.includes(`#${pending.number} `));
      return mails.length >= 2 ? mails.at(-1) : undefined;
    }, 'the approval request sent again');
    expect(again.body.text).toContain('Cable type: coax');
    expect(again.body.text).toContain('Length: 98.43 ft (30 m)');
  });

  it('lets no member who left the role decide, by link or by the API; a member still in it decides by the API', async () => {
    const pending = await cableRequest(requester, 'Fiber for rack 4');
    const iraLink = approvalLinkIn((await approvalMail(ira.email, pending.number)).body.text);
    await giveRole(ira.userId, 'agent');
    try {
      const page = await call(iraLink);
      expect(page.status).toBe(403);
      const posted = await call(iraLink, {
        form: { decision: 'approve', reason: '', version: String(pending.version) },
      });
      expect(posted.status).toBe(403);
      const etag = `"${pending.ticketId}.${pending.version}"`;
      const byApi = await as(ira).PATCH('/tickets/{ticketId}', {
        params: { path: { ticketId: pending.ticketId }, header: { 'if-match': etag } },
        body: { status: 'approved' },
      });
      expect(byApi.response.status).toBe(409);
      expect((await readTicket(requester, pending.ticketId)).status).toBe('pending_approval');

      const decided = ok(
        await as(ivy).PATCH('/tickets/{ticketId}', {
          params: { path: { ticketId: pending.ticketId }, header: { 'if-match': etag } },
          body: { status: 'rejected', reason: 'Use the spare in stores' },
        }),
        'decide by the API',
      );
      expect(decided).toMatchObject({ status: 'rejected', decision: { by: ivy.userId } });
    } finally {
      await giveRole(ira.userId, 'inventory');
    }
  });

  it('leaves a requester who is in the group out of it', async () => {
    const own = await cableRequest(ivy, 'Cat6a for my own desk');
    expect(own.status).toBe('pending_approval');
    expect(own.approverIds).not.toContain(ivy.userId);
    expect(own.approverIds).toContain(ira.userId);
    await approvalMail(ira.email, own.number);
    expect((await mailsTo(ivy.email)).some((mail) => mail.subject.includes(`#${own.number} `))).toBe(false);
    const selfApproval = await as(ivy).PATCH('/tickets/{ticketId}', {
      params: {
        path: { ticketId: own.ticketId },
        header: { 'if-match': `"${own.ticketId}.${own.version}"` },
      },
      body: { status: 'approved' },
    });
    expect(selfApproval.response.status).toBe(409);
  });

  it('refuses a request that nobody but its requester could approve (422 on approverId), and opens nothing', async () => {
    const others = (await inventoryMembers()).filter((userId) => userId !== ivy.userId);
    expect(others.length).toBeGreaterThan(0);
    for (const userId of others) await giveRole(userId, 'agent');
    try {
      const mine = async () =>
        ok(await as(ivy).GET('/tickets', { params: { query: { limit: 100 } } }), 'own tickets').items.length;
      const before = await mine();
      const refused = await call('/tickets', {
        token: ivy.token,
        json: {
          title: 'Cat6 for nobody',
          description: 'Alone in stores',
          type: 'request',
          requestDetails: details,
        },
      });
      expect(refused.status).toBe(422);
      expect(refused.body.errors).toEqual([
        expect.objectContaining({
          pointer: '/approverId',
          detail: expect.stringMatching(/no enabled member/),
        }),
      ]);
      expect(await mine()).toBe(before);
      // Naming an approver still works while the group is empty.
      const named = await cableRequest(ivy, 'Cat6 with a named approver', {
        approverId: accounts.admin.userId,
      });
      expect(named).toMatchObject({ status: 'pending_approval', approverId: accounts.admin.userId });
    } finally {
      for (const userId of others) await giveRole(userId, 'inventory');
    }
    expect((await inventoryMembers()).length).toBe(others.length + 1);
  });
});
