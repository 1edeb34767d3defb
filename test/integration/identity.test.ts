/**
 * Identity rules against the whole local stack (issue 9, "close what hostile clients found"), each `it` named after
 * the rule it checks (docs/security.md, "Identity"):
 * - the user pool asks 12+ characters, locally as deployed (cognito-local stores the policy; the API's schema
 *   enforces it with the other rules: `users.test.ts` and `test/unit/password-rules.test.ts`);
 * - an ID token passes the JWT authorizer (same app client) but the API refuses it: only access tokens count;
 * - sign-up answers the same for an email that has an account and a new one; the owner gets a mail instead (at most
 *   one an hour), and no account is created twice;
 * - a self sign-up signs in only once its email is confirmed with the code Cognito mailed (locally:
 *   `scripts/local/cognito-local.mjs` mails it through the SES emulator); until then nothing else reaches it;
 * - a phone number gets SMS only once verified with an SMS code (wrong, expired and used-up codes refused).
 */
import { randomUUID } from 'node:crypto';
import {
  CognitoIdentityProviderClient,
  DescribeUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import type { NotificationItem } from '#shared/notifications/notification.entity.ts';
import { queryPage, updateItem } from '#shared/platform/db.ts';
import {
  api,
  apiAs,
  call,
  confirmationCodeFor,
  confirmEmail,
  demoPassword,
  eventually,
  logIn,
  mailFor,
  mailsTo,
  newRequester,
  ok,
  phoneCodesTo,
  type Session,
  smsTo,
  verifyPhone,
} from './support.ts';

const accounts = inject('demoAccounts');
const unique = () => randomUUID().slice(0, 8);

let admin: Session;

beforeAll(async () => {
  // This worker reads and writes the stack's DynamoDB Local itself (log rows, a code's expiry).
  Object.assign(process.env, inject('env'));
  admin = await logIn(accounts.admin.email, accounts.admin.password);
});

/**
 * Wait until every stream record and queued delivery so far was handled, as far as the stack can tell (on a busy
 * machine a sender whose start timed out is retried later: the checks poll for what they expect as well).
 */
const drain = async () => {
  await fetch(inject('drainUrl'), { method: 'POST' });
};

/** Poll the notification log of a ticket until `count` rows for `recipientId` are final (not `retrying`). */
const finalRowsFor = (ticketId: string, recipientId: string, count: number) =>
  eventually(
    async () => {
      const rows = (await logOf(ticketId)).filter(
        (row) => row.recipientId === recipientId && row.status !== 'retrying',
      );
      return rows.length >= count ? rows : undefined;
    },
    `${count} log rows to ${recipientId}`,
    90_000,
  );

/** The notification log rows of a ticket. */
async function logOf(ticketId: string): Promise<NotificationItem[]> {
  const { items } = await queryPage<NotificationItem>({
    partition: { pk: `TICKET#${ticketId}` },
    beginsWith: ['sk', 'NOTIFICATION#'],
    limit: 100,
    consistent: true,
  });
  return items;
}

/** A fresh E.164 number of the 555 range. */
const newPhone = () => `+1555${String(Math.floor(Math.random() * 10_000_000)).padStart(7, '0')}`;

describe('passwords', () => {
  it('the local user pool asks 12+ characters with lower case, upper case and digits, as the deployed one', async () => {
    const cognito = new CognitoIdentityProviderClient({
      endpoint: inject('cognitoUrl'),
      region: inject('region'),
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const pool = await cognito.send(new DescribeUserPoolCommand({ UserPoolId: inject('userPoolId') }));
    expect(pool.UserPool?.Policies?.PasswordPolicy).toMatchObject({
      MinimumLength: 12,
      RequireLowercase: true,
      RequireUppercase: true,
      RequireNumbers: true,
    });
    cognito.destroy();
  });

  it('the demo accounts’ password meets the new-password rules (a sign-up with it is accepted)', async () => {
    const email = `demo-pw-${unique()}@example.com`;
    const signup = await api.POST('/auth/signup', {
      body: { email, password: inject('demoPassword'), name: 'Demo Pw' },
    });
    expect(signup.response.status).toBe(201);
  });
});

describe('tokens', () => {
  it('refuses the ID token of /auth/login on /me with a 401, while its access token works', async () => {
    const email = `tokens-${unique()}@example.com`;
    ok(
      await api.POST('/auth/signup', { body: { email, password: demoPassword, name: 'Token User' } }),
      'signup',
    );
    await confirmEmail(email);
    const login = ok(await api.POST('/auth/login', { body: { email, password: demoPassword } }), 'login');
    // The access token: the caller.
    const me = ok(await apiAs(login.accessToken).GET('/me'), 'GET /me with the access token');
    expect(me.email).toBe(email);
    // The ID token passes the JWT authorizer (its aud is the app client), so the function answers: 401 problem+json.
    const withId = await call('/me', { token: login.idToken });
    expect(withId.status).toBe(401);
    expect(withId.headers.get('content-type')).toBe('application/problem+json');
    expect(withId.body.detail).toMatch(/not the idToken/);
    // And on another route: the same.
    const tickets = await call('/tickets', { token: login.idToken });
    expect(tickets.status).toBe(401);
  });
});

describe('sign-up does not reveal who has an account', () => {
  /** What a client can see of a sign-up's answer, with the values that differ by nature (id, name) as types. */
  const visible = (result: { data?: unknown; error?: unknown; response: Response }) => ({
    status: result.response.status,
    location: result.response.headers.get('location'),
    contentType: result.response.headers.get('content-type'),
    keys: Object.keys((result.data ?? result.error ?? {}) as object).sort(),
    userId: typeof (result.data as { userId?: unknown } | undefined)?.userId,
    role: (result.data as { role?: unknown } | undefined)?.role,
  });

  it('answers a taken email as a new one; the owner is mailed; no account is created twice', async () => {
    const email = `owner-${unique()}@example.com`;
    const firstName = `Owner ${unique()}`;
    const secondName = `Intruder ${unique()}`;
    const first = await api.POST('/auth/signup', {
      body: { email, password: demoPassword, name: firstName },
    });
    expect(first.response.status).toBe(201);
    // The new address gets its code, nothing else.
    await confirmationCodeFor(email);
    expect((await mailsTo(email)).map((mail) => mail.subject)).toEqual(['Your verification code']);

    const again = await api.POST('/auth/signup', {
      body: { email: email.toUpperCase(), password: 'Other-pass-word-2', name: secondName },
    });
    expect(visible(again)).toEqual(visible(first));
    expect(again.data).toEqual({ userId: expect.any(String), email, name: secondName, role: 'requester' });
    expect(again.data?.userId).not.toBe(first.data?.userId);

    // The owner learns of it; the mail carries nothing the stranger typed but the address.
    const notice = await mailFor(email, /Someone tried to sign up with your address/);
    expect(notice.body.text).toContain(email);
    expect(JSON.stringify(notice)).not.toContain(secondName);
    // No new code for the taken address: the one of the first sign-up is still the only one.
    expect((await mailsTo(email)).filter((mail) => mail.subject === 'Your verification code')).toHaveLength(
      1,
    );

    // Nothing changed: the first password signs in (once confirmed), the second does not; one account of that email.
    await confirmEmail(email);
    expect((await api.POST('/auth/login', { body: { email, password: demoPassword } })).response.status).toBe(
      200,
    );
    const intruder = await api.POST('/auth/login', { body: { email, password: 'Other-pass-word-2' } });
    expect(intruder.response.status).toBe(401);
    const byFirst = ok(
      await apiAs(admin.token).GET('/users', { params: { query: { name: firstName } } }),
      'GET /users?name=',
    );
    expect(byFirst.items.map((user) => user.email)).toEqual([email]);
    const bySecond = ok(
      await apiAs(admin.token).GET('/users', { params: { query: { name: secondName } } }),
      'GET /users?name=',
    );
    expect(bySecond.items).toEqual([]);
  });

  it('answers the email of a demo account like any other, and leaves that account as it was', async () => {
    const email = accounts.requester.email;
    const fresh = await api.POST('/auth/signup', {
      body: { email: `fresh-${unique()}@example.com`, password: demoPassword, name: 'Fresh' },
    });
    const taken = await api.POST('/auth/signup', { body: { email, password: demoPassword, name: 'Taken' } });
    expect(visible(taken)).toEqual(visible(fresh));
    await mailFor(email, /Someone tried to sign up with your address/);
    const login = await api.POST('/auth/login', { body: { email, password: accounts.requester.password } });
    expect(login.response.status).toBe(200);
    const me = ok(await apiAs(login.data?.accessToken).GET('/me'), 'GET /me');
    expect(me).toMatchObject({ userId: accounts.requester.userId, role: 'requester' });
  });
});

describe('sign-up notices have a cooldown', () => {
  it('mails the owner of a taken address at most once an hour, however often it is signed up with', async () => {
    const owner = await newRequester('Notice Owner');
    const attempts = await Promise.all(
      [1, 2, 3].map((n) =>
        api.POST('/auth/signup', {
          body: { email: owner.email, password: demoPassword, name: `Flood ${n}` },
        }),
      ),
    );
    expect(attempts.map((attempt) => attempt.response.status)).toEqual([201, 201, 201]);
    await mailFor(owner.email, /Someone tried to sign up with your address/);
    const again = await api.POST('/auth/signup', {
      body: { email: owner.email, password: demoPassword, name: 'Flood 4' },
    });
    expect(again.response.status).toBe(201);
    const notices = (await mailsTo(owner.email)).filter((mail) =>
      /Someone tried to sign up/.test(mail.subject),
    );
    expect(notices).toHaveLength(1);
  });
});

describe('email verification', () => {
  it('leaves a sign-up unconfirmed until the mailed code comes back: login answers as for a wrong password before', async () => {
    const email = `confirm-${unique()}@example.com`;
    ok(
      await api.POST('/auth/signup', { body: { email, password: demoPassword, name: 'Connie Confirm' } }),
      'signup',
    );
    // Cognito's own mail (locally through the SES emulator): a 6-digit code.
    const mail = await mailFor(email, /^Your verification code$/);
    expect(mail.from).toContain('no-reply@verificationemail.com');
    const code = await confirmationCodeFor(email);

    // The right password of the unconfirmed account and a wrong one get one and the same answer: whoever signed up
    // with someone else's address learns nothing from logging in (a taken address answers the same, below).
    const early = await api.POST('/auth/login', { body: { email, password: demoPassword } });
    const wrongPassword = await api.POST('/auth/login', { body: { email, password: 'Wrong-pass-word-9' } });
    const taken = await api.POST('/auth/login', {
      body: { email: 'agent@example.com', password: 'Wrong-pass-word-9' },
    });
    for (const answer of [early, wrongPassword, taken]) expect(answer.response.status).toBe(401);
    expect(early.error).toMatchObject({
      type: '/problems/unauthorized',
      detail: expect.stringContaining('/auth/confirm'),
    });
    expect(wrongPassword.error).toEqual(early.error);
    expect(taken.error).toEqual(early.error);

    const wrong = await api.POST('/auth/confirm', {
      body: { email, code: code === '000000' ? '111111' : '000000' },
    });
    expect(wrong.response.status).toBe(422);
    expect(wrong.error).toMatchObject({
      errors: [expect.objectContaining({ in: 'body', pointer: '/code' })],
    });
    // An unknown address answers exactly as a wrong code: confirming reveals no account.
    const unknown = await api.POST('/auth/confirm', {
      body: { email: `nobody-${unique()}@example.com`, code },
    });
    expect(unknown.response.status).toBe(422);
    expect(unknown.error).toEqual(wrong.error);
    // Off the contract on purpose: a code that is not 6 digits is a 400.
    expect((await call('/auth/confirm', { json: { email, code: '12ab' } })).status).toBe(400);

    const confirmed = await api.POST('/auth/confirm', { body: { email, code } });
    expect(confirmed.response.status).toBe(204);
    const session = await logIn(email, demoPassword);
    expect(ok(await apiAs(session.token).GET('/me'), 'GET /me')).toMatchObject({ email, role: 'requester' });
    // A code is good once.
    expect((await api.POST('/auth/confirm', { body: { email, code } })).response.status).toBe(422);
  });

  it('mails a new code on request, at most one a minute per address, and answers an unknown address alike', async () => {
    const email = `resend-${unique()}@example.com`;
    ok(
      await api.POST('/auth/signup', { body: { email, password: demoPassword, name: 'Rene Resend' } }),
      'signup',
    );
    const first = await confirmationCodeFor(email);
    const resent = await api.POST('/auth/confirm/resend', { body: { email } });
    expect(resent.response.status).toBe(204);
    const second = await confirmationCodeFor(email, first);
    expect(second).not.toBe(first);
    // Within the minute: refused, nothing mailed.
    const flood = await api.POST('/auth/confirm/resend', { body: { email } });
    expect(flood.response.status).toBe(429);
    expect(flood.response.headers.get('retry-after')).toBeTruthy();
    expect((await mailsTo(email)).filter((mail) => mail.subject === 'Your verification code')).toHaveLength(
      2,
    );
    // Only the latest code confirms.
    expect((await api.POST('/auth/confirm', { body: { email, code: first } })).response.status).toBe(422);
    expect((await api.POST('/auth/confirm', { body: { email, code: second } })).response.status).toBe(204);
    // A confirmed address and an unknown one: the same 204, no mail.
    expect(
      (await api.POST('/auth/confirm/resend', { body: { email: accounts.agent.email } })).response.status,
    ).toBe(204);
    const stranger = `stranger-${unique()}@example.com`;
    expect((await api.POST('/auth/confirm/resend', { body: { email: stranger } })).response.status).toBe(204);
    expect(await mailsTo(stranger)).toEqual([]);
  });

  it('sends an unconfirmed account nothing but its code, even when it is made an agent and assigned a ticket', {
    timeout: 240_000,
  }, async () => {
    const email = `unconfirmed-${unique()}@example.com`;
    const signup = ok(
      await api.POST('/auth/signup', { body: { email, password: demoPassword, name: 'Ursula Unconfirmed' } }),
      'signup',
    );
    const userId = signup.userId;
    ok(
      await apiAs(admin.token).PATCH('/users/{userId}', {
        params: { path: { userId } },
        body: { role: 'agent' },
      }),
      'make the unconfirmed account an agent',
    );
    const requester = await newRequester('Assigning Requester');
    const ticket = ok(
      await apiAs(requester.token).POST('/tickets', {
        body: {
          title: `Unconfirmed ${unique()}`,
          description: 'for an unconfirmed assignee',
          type: 'incident',
        },
      }),
      'create a ticket',
    );
    ok(
      await apiAs(admin.token).PATCH('/tickets/{ticketId}', {
        params: { path: { ticketId: ticket.ticketId } },
        body: { assigneeId: userId },
      }),
      'assign the ticket',
    );
    await drain();
    const rows = await finalRowsFor(ticket.ticketId, userId, 1);
    expect(rows.map((row) => [row.type, row.channel, row.status, row.error])).toEqual([
      ['assigned', 'email', 'skipped', 'The recipient has not confirmed their email address yet.'],
    ]);
    expect((await mailsTo(email)).map((mail) => mail.subject)).toEqual(['Your verification code']);
  });
});

describe('phone verification', () => {
  /** A ticket of `requester` approved by the demo agent: the decision goes to the requester by email and SMS. */
  async function approvedTicket(requester: Session, title: string) {
    const agent = await logIn(accounts.agent.email, accounts.agent.password);
    const ticket = ok(
      await apiAs(requester.token).POST('/tickets', {
        body: { title, description: 'needs a decision', type: 'request', approverId: agent.userId },
      }),
      'create a ticket',
    );
    await drain();
    // A decision names the version it decides on (If-Match, from a read).
    const read = await apiAs(agent.token).GET('/tickets/{ticketId}', {
      params: { path: { ticketId: ticket.ticketId } },
    });
    const etag = read.response.headers.get('etag') ?? '';
    ok(
      await apiAs(agent.token).PATCH('/tickets/{ticketId}', {
        params: { path: { ticketId: ticket.ticketId }, header: { 'if-match': etag } },
        body: { status: 'approved' },
      }),
      'approve',
    );
    await drain();
    return ticket;
  }

  it('sends no SMS to an unverified number (logged skipped), and does once it is verified with the SMS code', {
    timeout: 240_000,
  }, async () => {
    const phone = newPhone();
    const email = `phone-${unique()}@example.com`;
    ok(
      await api.POST('/auth/signup', {
        body: { email, password: demoPassword, name: 'Phoebe Phone', phone, smsOptIn: true },
      }),
      'signup',
    );
    await confirmEmail(email);
    const session = await logIn(email, demoPassword);
    expect(ok(await apiAs(session.token).GET('/me'), 'GET /me')).toMatchObject({
      phone,
      phoneVerified: false,
    });

    const before = await approvedTicket(session, `Unverified ${unique()}`);
    const rows = await finalRowsFor(before.ticketId, session.userId, 2);
    expect(rows.map((row) => [row.channel, row.status, row.error]).sort()).toEqual([
      ['email', 'sent', undefined],
      ['sms', 'skipped', 'The recipient phone number is not verified.'],
    ]);
    expect(await smsTo(phone)).toEqual([]);

    await verifyPhone(session, phone);
    expect(ok(await apiAs(session.token).GET('/me'), 'GET /me')).toMatchObject({
      phone,
      phoneVerified: true,
    });
    const after = await approvedTicket(session, `Verified ${unique()}`);
    const texts = await eventually(
      async () => {
        const received = await smsTo(phone);
        return received.length > 0 ? received : undefined;
      },
      `an SMS to ${phone}`,
      90_000,
    );
    expect(texts).toHaveLength(1);
    expect(texts[0]?.message).toContain(`#${after.number}`);
  });

  it('refuses a wrong code, a code after five wrong ones, and a code once it expired; one code a minute', async () => {
    const phone = newPhone();
    const user = await newRequester('Wanda Wrong');
    ok(
      await apiAs(user.token).PATCH('/users/{userId}', {
        params: { path: { userId: user.userId } },
        body: { phone, smsOptIn: true },
      }),
      'set a phone number',
    );
    const me = () => apiAs(user.token).GET('/me');
    expect(ok(await me(), 'GET /me').phoneVerified).toBe(false);
    const codeOf = async (count: number) => {
      const codes = await phoneCodesTo(phone);
      expect(codes).toHaveLength(count);
      return codes.at(-1)?.message.match(/(\d{6})/)?.[1] as string;
    };

    // Nothing sent yet: no code to check.
    const none = await apiAs(user.token).POST('/me/phone/verify', { body: { code: '123456' } });
    expect(none.response.status).toBe(422);

    const sent = await apiAs(user.token).POST('/me/phone/code', { body: {} });
    expect(sent.response.status).toBe(202);
    expect(sent.data).toMatchObject({ phone, expiresAt: expect.any(String) });
    const code = await codeOf(1);
    const other = code === '000000' ? '111111' : '000000';
    expect((await apiAs(user.token).POST('/me/phone/code', { body: {} })).response.status).toBe(429);

    for (let attempt = 1; attempt <= 5; attempt++) {
      const wrong = await apiAs(user.token).POST('/me/phone/verify', { body: { code: other } });
      expect(wrong.response.status).toBe(422);
      expect(wrong.error).toMatchObject({
        errors: [{ in: 'body', pointer: '/code', detail: 'The code is wrong.' }],
      });
    }
    const usedUp = await apiAs(user.token).POST('/me/phone/verify', { body: { code } });
    expect(usedUp.response.status).toBe(422);
    expect(usedUp.error).toMatchObject({
      errors: [{ pointer: '/code', detail: expect.stringMatching(/Too many/) }],
    });

    // A new code (after the minute: the cooldown item is moved back here), then its 10 minutes pass.
    await updateItem(
      { pk: `COOLDOWN#phone-code#${user.userId.toLowerCase()}`, sk: 'COOLDOWN' },
      {
        set: { expiresAt: Math.floor(Date.now() / 1000) - 1 },
      },
    );
    expect((await apiAs(user.token).POST('/me/phone/code', { body: {} })).response.status).toBe(202);
    const fresh = await codeOf(2);
    await updateItem(
      { pk: `USER#${user.userId}`, sk: 'PHONE_CODE' },
      {
        set: { expiresAt: Math.floor(Date.now() / 1000) - 1 },
      },
    );
    const expired = await apiAs(user.token).POST('/me/phone/verify', { body: { code: fresh } });
    expect(expired.response.status).toBe(422);
    expect(expired.error).toMatchObject({
      errors: [{ pointer: '/code', detail: 'The code expired: ask for a new one.' }],
    });
    expect(ok(await me(), 'GET /me').phoneVerified).toBe(false);
  });

  it('validates the body of a code request first: a malformed body is a 400, a form a 415, and no code is sent', async () => {
    const user = await newRequester('Phone body');
    const malformed = await call('/me/phone/code', {
      token: user.token,
      headers: { 'content-type': 'application/json' },
      json: { phone: '+15555550199' },
    });
    expect(malformed.status).toBe(400);
    const form = await call('/me/phone/code', { token: user.token, form: { phone: '+15555550199' } });
    expect(form.status).toBe(415);
  });

  it('makes a changed number unverified again; seeded demo numbers are verified', async () => {
    const phone = newPhone();
    const user = await newRequester('Chuck Change', { phone, smsOptIn: true });
    expect(ok(await apiAs(user.token).GET('/me'), 'GET /me')).toMatchObject({ phone, phoneVerified: true });
    const verifiedAgain = await apiAs(user.token).POST('/me/phone/code', { body: {} });
    expect(verifiedAgain.response.status).toBe(409);
    const changed = ok(
      await apiAs(user.token).PATCH('/users/{userId}', {
        params: { path: { userId: user.userId } },
        body: { phone: newPhone() },
      }),
      'change the number',
    );
    expect(changed.phoneVerified).toBe(false);
    const agent = await logIn(accounts.agent.email, accounts.agent.password);
    expect(ok(await apiAs(agent.token).GET('/me'), 'GET /me')).toMatchObject({
      phone: accounts.agent.phone,
      phoneVerified: true,
    });
  });
});
