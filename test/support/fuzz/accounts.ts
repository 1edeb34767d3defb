/**
 * The fuzz's own accounts and data on the local API, made with plain HTTP calls (no contract check: a setup call
 * must not fail on a finding the fuzz itself is there to report). Every account is new (fresh sign-ups, or staff
 * created by an admin and signed in once), so the fuzz never changes the demo accounts other test files use.
 */
import { randomUUID } from 'node:crypto';

/** A signed-in user: id, email, password and tokens. */
export interface Account {
  readonly userId: string;
  readonly email: string;
  readonly password: string;
  token: string;
  refreshToken: string;
}

export interface RawResponse {
  readonly status: number;
  readonly text: string;
  // biome-ignore lint/suspicious/noExplicitAny: setup reads a few fields of known responses
  readonly body: any;
}

/** One JSON call without any check; `token` as the Bearer token. */
export async function raw(
  apiUrl: string,
  path: string,
  options: { method?: string; token?: string; json?: unknown } = {},
): Promise<RawResponse> {
  const response = await fetch(`${apiUrl}${path}`, {
    method: options.method ?? (options.json === undefined ? 'GET' : 'POST'),
    headers: {
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.json === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: options.json === undefined ? undefined : JSON.stringify(options.json),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: response.status, text, body };
}

/**
 * @throws Error naming the step, the status and the body when the call did not answer `status`
 */
export async function expectStatus(
  what: string,
  status: number,
  pending: Promise<RawResponse>,
): Promise<RawResponse> {
  const response = await pending;
  if (response.status !== status)
    throw new Error(`${what}: ${response.status} ${response.text.slice(0, 300)}`);
  return response;
}

/** The password of every fuzz account (meets the pool policy). */
export const fuzzPassword = 'Fuzz-pass-w0rd';

/** A unique email under example.com. */
export const uniqueEmail = (label: string) => `fuzz-${label}-${randomUUID().slice(0, 8)}@example.com`;

/** Log in; the user id from `GET /me`. */
export async function logIn(apiUrl: string, email: string, password = fuzzPassword): Promise<Account> {
  const login = await expectStatus('login', 200, raw(apiUrl, '/auth/login', { json: { email, password } }));
  const me = await expectStatus('me', 200, raw(apiUrl, '/me', { token: login.body.accessToken }));
  return {
    userId: me.body.userId,
    email,
    password,
    token: login.body.accessToken,
    refreshToken: login.body.refreshToken,
  };
}

/**
 * Confirm a self sign-up with the code Cognito mailed: locally it is in the SES emulator's store
 * (`scripts/local/cognito-local.mjs`), `sesStoreUrl` default the stack's (vitest `inject`).
 */
export async function confirmSignUp(apiUrl: string, email: string, sesStoreUrl?: string): Promise<void> {
  const store = sesStoreUrl ?? (await import('vitest')).inject('sesStoreUrl');
  let code: string | undefined;
  for (let tries = 0; code === undefined && tries < 50; tries++) {
    if (tries > 0) await new Promise((resolve) => setTimeout(resolve, 200));
    const mails = (await (await fetch(store)).json()) as {
      emails: { destination: { to: string[] }; body: { text?: string } }[];
    };
    code = mails.emails
      .filter((mail) => mail.destination.to.some((to) => to.includes(email)))
      .map((mail) => mail.body.text?.match(/verification code is (\d{6})/)?.[1])
      .findLast((found) => found !== undefined);
  }
  await expectStatus('confirm', 204, raw(apiUrl, '/auth/confirm', { json: { email, code } }));
}

/** Sign up a requester, confirm the email with the mailed code, and log in. */
export async function signUp(apiUrl: string, label: string): Promise<Account> {
  const email = uniqueEmail(label);
  await expectStatus(
    `sign-up ${label}`,
    201,
    raw(apiUrl, '/auth/signup', { json: { email, password: fuzzPassword, name: `Fuzz ${label}` } }),
  );
  await confirmSignUp(apiUrl, email);
  return logIn(apiUrl, email);
}

/**
 * A user of `role` created by an admin; signed in (temporary password replaced) unless `signIn` is false, in
 * which case the `session` of the NEW_PASSWORD_REQUIRED challenge is returned for `POST /auth/password`.
 */
export async function staff(apiUrl: string, admin: Account, role: string, label: string): Promise<Account>;
export async function staff(
  apiUrl: string,
  admin: Account,
  role: string,
  label: string,
  signIn: false,
): Promise<{ session: string; email: string }>;
export async function staff(
  apiUrl: string,
  admin: Account,
  role: string,
  label: string,
  signIn = true,
): Promise<Account | { session: string; email: string }> {
  const email = uniqueEmail(label);
  const created = await expectStatus(
    `create ${role} ${label}`,
    201,
    raw(apiUrl, '/users', { token: admin.token, json: { email, name: `Fuzz ${label}`, role } }),
  );
  const challenge = await expectStatus(
    `first login ${label}`,
    409,
    raw(apiUrl, '/auth/login', { json: { email, password: created.body.temporaryPassword } }),
  );
  if (!signIn) return { session: challenge.body.session, email };
  await expectStatus(
    `new password ${label}`,
    200,
    raw(apiUrl, '/auth/password', { json: { session: challenge.body.session, newPassword: fuzzPassword } }),
  );
  return logIn(apiUrl, email);
}

/**
 * Accounts that log themselves out (`POST /auth/logout` revokes every token of the caller): each request takes the
 * member revoked longest ago, logging it in again first when a logout revoked it. Tokens carry whole seconds, so a
 * new sign-in waits until the second after the revocation.
 */
export class LogoutPool {
  private readonly revokedAt = new Map<Account, number>();

  constructor(
    private readonly apiUrl: string,
    readonly members: readonly Account[],
  ) {}

  /** A member with a working token. */
  async take(): Promise<Account> {
    let best = this.members[0] as Account;
    for (const member of this.members) {
      if ((this.revokedAt.get(member) ?? 0) < (this.revokedAt.get(best) ?? 0)) best = member;
    }
    const revoked = this.revokedAt.get(best);
    if (revoked !== undefined) {
      const wait = Math.floor(revoked / 1000) * 1000 + 1100 - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const fresh = await logIn(this.apiUrl, best.email, best.password);
      best.token = fresh.token;
      best.refreshToken = fresh.refreshToken;
      this.revokedAt.delete(best);
    }
    return best;
  }

  /** The member's tokens were revoked (now). */
  revoked(member: Account): void {
    this.revokedAt.set(member, Date.now());
  }
}
