/**
 * Email change verification through the HTTP API on the local stack (docs/security.md, "Email change"):
 * - a new address (`PATCH`/`PUT /users/{userId}`, by the user or an admin) waits as `pendingEmail`: it gets the code
 *   and nothing else, and does not sign in; the verified `email` keeps signing in and getting every mail;
 * - `POST /me/email/verify` with the right code switches Cognito and the profile: the new address signs in and gets
 *   mail from then on, the old one no longer signs in;
 * - wrong codes are counted (five, then even the right one is refused), codes expire, one code a minute, the
 *   current address cancels a pending change;
 * - a taken address is a 409, at the change and at the code (taken meanwhile), and nothing changes.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { updateItem } from '#shared/platform/db.ts';
import {
  api,
  apiAs,
  confirmEmail,
  demoPassword,
  eventually,
  logIn,
  mailFor,
  mailsTo,
  newRequester,
  ok,
  type Session,
} from './support.ts';

const accounts = inject('demoAccounts');
const unique = () => randomUUID().slice(0, 8);
const drain = () => fetch(inject('drainUrl'), { method: 'POST' });
const codeSubject = 'Confirm your new email address';

let admin: Session;
let agent: Session;

beforeAll(async () => {
  // This worker moves a cooldown and a code's expiry in the stack's DynamoDB Local itself.
  Object.assign(process.env, inject('env'));
  [admin, agent] = await Promise.all([
    logIn(accounts.admin.email, accounts.admin.password),
    logIn(accounts.agent.email, accounts.agent.password),
  ]);
});

/** The codes mailed to `address` so far, oldest first. */
const codesTo = async (address: string) =>
  (await mailsTo(address))
    .filter((mail) => mail.subject === codeSubject)
    .map((mail) => mail.body.text?.match(/verification code is (\d{6})/)?.[1] as string);

/** The `count`-th code mailed to `address`, once it is there. */
const codeNumber = (address: string, count: number) =>
  eventually(async () => (await codesTo(address))[count - 1], `code ${count} to ${address}`);

const changeEmail = (session: Session, userId: string, email: string) =>
  apiAs(session.token).PATCH('/users/{userId}', { params: { path: { userId } }, body: { email } });

const verify = (session: Session, code: string) =>
  apiAs(session.token).POST('/me/email/verify', { body: { code } });

const logInStatus = async (email: string, password = demoPassword) =>
  (await api.POST('/auth/login', { body: { email, password } })).response.status;

/** A requester's ticket, and an agent's reply that mails the requester "New reply on ticket #n". */
async function ticketOf(requester: Session) {
  return ok(
    await apiAs(requester.token).POST('/tickets', {
      body: { title: `Mail route ${unique()}`, description: 'Where do my mails go?' },
    }),
    'create ticket',
  );
}
async function reply(ticketId: string, body: string) {
  ok(
    await apiAs(agent.token).POST('/tickets/{ticketId}/comments', {
      params: { path: { ticketId } },
      body: { body },
    }),
    'agent reply',
  );
}

/** Any other code than `code`. */
const otherThan = (code: string) => (code === '000000' ? '111111' : '000000');

/** Let the next code go out now: the one-a-minute cooldown item is moved back. */
const endCooldown = (userId: string) =>
  updateItem(
    { pk: `COOLDOWN#email-code#${userId.toLowerCase()}`, sk: 'COOLDOWN' },
    { set: { expiresAt: Math.floor(Date.now() / 1000) - 1 } },
  );

describe('email change', () => {
  it('keeps the verified address until the code comes back; then the new one signs in and gets the mail', {
    timeout: 120_000,
  }, async () => {
    const user = await newRequester('Ella Email');
    const newEmail = `ella-new-${unique()}@example.com`;
    const changed = ok(await changeEmail(user, user.userId, newEmail.toUpperCase()), 'change email');
    expect(changed).toMatchObject({ userId: user.userId, email: user.email, pendingEmail: newEmail });
    expect(ok(await apiAs(user.token).GET('/me'), 'GET /me')).toMatchObject({
      email: user.email,
      pendingEmail: newEmail,
    });
    // Not switched: the new address does not sign in, the old one does.
    expect(await logInStatus(newEmail)).toBe(401);
    expect(await logInStatus(user.email)).toBe(200);

    // Mail keeps going to the verified address; the new one has the code and nothing else.
    const ticket = await ticketOf(user);
    await reply(ticket.ticketId, 'Before the switch');
    const before = await mailFor(user.email, new RegExp(`^New reply on ticket #${ticket.number}:`));
    expect(before.body.text).toContain('Before the switch');
    await drain();
    const code = await codeNumber(newEmail, 1);
    expect((await mailsTo(newEmail)).map((mail) => mail.subject)).toEqual([codeSubject]);
    const codeMail = await mailFor(newEmail, new RegExp(`^${codeSubject}$`));
    expect(codeMail.body.text).not.toContain('Ella');

    const wrong = await verify(user, otherThan(code));
    expect(wrong.response.status).toBe(422);
    expect(wrong.error).toMatchObject({
      errors: [{ in: 'body', pointer: '/code', detail: 'The code is wrong.' }],
    });
    const switched = ok(await verify(user, code), 'verify email');
    expect(switched).toMatchObject({ userId: user.userId, email: newEmail, pendingEmail: null });
    expect(ok(await apiAs(user.token).GET('/me'), 'GET /me')).toMatchObject({
      email: newEmail,
      pendingEmail: null,
    });

    // The new address signs in, as the same account; the old one no longer does.
    const again = await logIn(newEmail, demoPassword);
    expect(again.userId).toBe(user.userId);
    expect(await logInStatus(user.email)).toBe(401);
    // A used code does not switch twice.
    expect((await verify(user, code)).response.status).toBe(409);

    await reply(ticket.ticketId, 'After the switch');
    const after = await eventually(
      async () => (await mailsTo(newEmail)).find((mail) => mail.body.text?.includes('After the switch')),
      'the reply at the new address',
    );
    expect(after.subject).toMatch(new RegExp(`^New reply on ticket #${ticket.number}:`));
    expect(
      (await mailsTo(user.email)).filter((mail) => mail.body.text?.includes('After the switch')),
    ).toEqual([]);
  });

  it('counts wrong codes (five, then even the right one is refused), lets codes expire, sends one a minute', {
    timeout: 120_000,
  }, async () => {
    const user = await newRequester('Wes Wrong');
    const first = `wes-a-${unique()}@example.com`;
    const second = `wes-b-${unique()}@example.com`;
    // Nothing waits yet: no code to check.
    expect((await verify(user, '123456')).response.status).toBe(409);

    ok(await changeEmail(user, user.userId, first), 'change email');
    const code = await codeNumber(first, 1);
    // One code a minute: a second change now is a 429 and changes nothing.
    const tooSoon = await changeEmail(user, user.userId, second);
    expect(tooSoon.response.status).toBe(429);
    expect(ok(await apiAs(user.token).GET('/me'), 'GET /me').pendingEmail).toBe(first);
    expect(await mailsTo(second)).toEqual([]);

    for (let attempt = 1; attempt <= 5; attempt++) {
      const wrong = await verify(user, otherThan(code));
      expect(wrong.response.status).toBe(422);
      expect(wrong.error).toMatchObject({ errors: [{ pointer: '/code', detail: 'The code is wrong.' }] });
    }
    const usedUp = await verify(user, code);
    expect(usedUp.response.status).toBe(422);
    expect(usedUp.error).toMatchObject({
      errors: [{ pointer: '/code', detail: expect.stringMatching(/Too many/) }],
    });

    // Sending the pending address again mails a new code; its 10 minutes pass (the expiry is moved back here).
    await endCooldown(user.userId);
    ok(await changeEmail(user, user.userId, first), 'change email again');
    const fresh = await codeNumber(first, 2);
    await updateItem(
      { pk: `USER#${user.userId}`, sk: 'EMAIL_CODE' },
      { set: { expiresAt: Math.floor(Date.now() / 1000) - 1 } },
    );
    const expired = await verify(user, fresh);
    expect(expired.response.status).toBe(422);
    expect(expired.error).toMatchObject({
      errors: [{ pointer: '/code', detail: expect.stringMatching(/expired/) }],
    });

    // Sending the current address cancels the pending change: nothing waits, the code is void.
    await endCooldown(user.userId);
    ok(await changeEmail(user, user.userId, second), 'change to the second address');
    const secondCode = await codeNumber(second, 1);
    const canceled = ok(await changeEmail(user, user.userId, user.email), 'cancel the change');
    expect(canceled).toMatchObject({ email: user.email, pendingEmail: null });
    expect((await verify(user, secondCode)).response.status).toBe(409);
    expect(ok(await apiAs(user.token).GET('/me'), 'GET /me')).toMatchObject({
      email: user.email,
      pendingEmail: null,
    });
    expect(await logInStatus(user.email)).toBe(200);
    expect(await logInStatus(second)).toBe(401);
  });

  it("makes an admin's change of someone's email wait for that user's code as well (PUT too)", {
    timeout: 120_000,
  }, async () => {
    const user = await newRequester('Ada Admin-Moved');
    const newEmail = `ada-new-${unique()}@example.com`;
    const put = ok(
      await apiAs(admin.token).PUT('/users/{userId}', {
        params: { path: { userId: user.userId } },
        body: { name: 'Ada Admin-Moved', email: newEmail, smsOptIn: false },
      }),
      'admin PUT',
    );
    expect(put).toMatchObject({ email: user.email, pendingEmail: newEmail });
    expect(await logInStatus(newEmail)).toBe(401);
    // The admin gets no code: it went to the new address, and only the user may send it back.
    const code = await codeNumber(newEmail, 1);
    expect((await verify(admin, code)).response.status).toBe(409);
    ok(await verify(user, code), 'the user verifies');
    expect(await logInStatus(newEmail)).toBe(200);
    expect(await logInStatus(user.email)).toBe(401);
  });

  it('refuses a taken address: 409 at the change, and 409 at the code when it was taken meanwhile; nothing changes', {
    timeout: 120_000,
  }, async () => {
    const user = await newRequester('Tara Taken');
    expect((await changeEmail(user, user.userId, accounts.agent.email)).response.status).toBe(409);
    expect(
      await mailsTo(accounts.agent.email).then((mails) => mails.filter((m) => m.subject === codeSubject)),
    ).toEqual([]);

    const wanted = `tara-new-${unique()}@example.com`;
    ok(await changeEmail(user, user.userId, wanted), 'change email');
    const code = await codeNumber(wanted, 1);
    // Someone else signs up with the address and confirms it before the code comes back.
    const stranger = ok(
      await api.POST('/auth/signup', {
        body: { email: wanted, password: 'Strang3r-pass-word', name: 'Stranger' },
      }),
      'stranger signs up',
    );
    await confirmEmail(wanted);

    const taken = await verify(user, code);
    expect(taken.response.status).toBe(409);
    expect(ok(await apiAs(user.token).GET('/me'), 'GET /me')).toMatchObject({
      userId: user.userId,
      email: user.email,
      pendingEmail: wanted,
    });
    expect(await logInStatus(user.email)).toBe(200);
    const strangerSession = await logIn(wanted, 'Strang3r-pass-word');
    expect(strangerSession.userId).toBe(stranger.userId);
  });
});
