/**
 * Identity rules against the whole local stack (issue 9, "close what hostile clients found"), each `it` named after
 * the rule it checks (docs/security.md, "Identity"):
 * - the user pool asks 12+ characters, locally as deployed (cognito-local stores the policy; the API's schema
 *   enforces it with the other rules: `users.test.ts` and `test/unit/password-rules.test.ts`);
 * - an ID token passes the JWT authorizer (same app client) but the API refuses it: only access tokens count;
 * - sign-up answers the same for an email that has an account and a new one; the owner gets a mail instead, and no
 *   account is created twice.
 */
import { randomUUID } from 'node:crypto';
import {
  CognitoIdentityProviderClient,
  DescribeUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { api, apiAs, call, demoPassword, logIn, mailFor, mailsTo, ok, type Session } from './support.ts';

const accounts = inject('demoAccounts');
const unique = () => randomUUID().slice(0, 8);

let admin: Session;

beforeAll(async () => {
  admin = await logIn(accounts.admin.email, accounts.admin.password);
});

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
    expect(await mailsTo(email)).toEqual([]);

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

    // Nothing changed: the first password still signs in, the second does not; one account of that email.
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
