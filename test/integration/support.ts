/**
 * What the integration tests use to act like a client: HTTP calls against the local API, the SES emulator's mail
 * store and the local SNS endpoint's SMS log, with polling instead of sleeps.
 */
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { createHelpdeskClient, type HelpdeskClient } from '../../client/index.ts';
import { apiClient } from '../support/api-client.ts';

export const stack = {
  apiUrl: inject('apiUrl'),
  sesStoreUrl: inject('sesStoreUrl'),
  smsUrl: inject('smsUrl'),
};

/** One HTTP call to the local API (or any absolute URL). */
export const call = apiClient(stack.apiUrl);

const clients = new Map<string, HelpdeskClient>();
/**
 * The typed client (`client/`, generated from openapi.json) for the local API, sending `token` as the Bearer
 * token (none: anonymous). A contract change that breaks clients breaks these tests' type check.
 */
export function apiAs(token?: string): HelpdeskClient {
  const key = token ?? '';
  let client = clients.get(key);
  if (!client) {
    client = createHelpdeskClient({ baseUrl: stack.apiUrl, token: () => token });
    clients.set(key, client);
  }
  return client;
}

/** The typed client without a token. */
export const api = apiAs();

export interface Session {
  userId: string;
  email: string;
  token: string;
  refreshToken: string;
}

export const demoPassword = 'Str0ng-pass-word';

/** Log in and read `/me`. */
export async function logIn(email: string, password: string): Promise<Session> {
  const login = await call('/auth/login', { json: { email, password } });
  if (login.status !== 200) throw new Error(`login ${email}: ${login.status} ${login.text}`);
  const me = await call('/me', { token: login.body.accessToken });
  return {
    userId: me.body.userId,
    email,
    token: login.body.accessToken,
    refreshToken: login.body.refreshToken,
  };
}

/** Sign up a fresh requester with a unique email and log in. */
export async function newRequester(
  name = 'Test Requester',
  extra: Record<string, unknown> = {},
): Promise<Session> {
  const email = `requester-${randomUUID().slice(0, 8)}@example.com`;
  const signup = await call('/auth/signup', { json: { email, password: demoPassword, name, ...extra } });
  if (signup.status !== 201) throw new Error(`signup: ${signup.status} ${signup.text}`);
  return logIn(email, demoPassword);
}

/** Poll until `probe` returns a value (not undefined), or fail after `timeoutMs`. */
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export interface Mail {
  from: string;
  destination: { to: string[] };
  subject: string;
  body: { text?: string; html?: string };
}

/** The mails the SES emulator received for an address. */
export async function mailsTo(address: string): Promise<Mail[]> {
  const response = await fetch(stack.sesStoreUrl);
  const store = (await response.json()) as { emails: Mail[] };
  return store.emails.filter((mail) => mail.destination.to.some((to) => to.includes(address)));
}

/** Wait for a mail to `address` whose subject matches. */
export const mailFor = (address: string, subject: RegExp) =>
  eventually(
    async () => (await mailsTo(address)).find((mail) => subject.test(mail.subject)),
    `mail to ${address} ${subject}`,
  );

export interface Sms {
  phoneNumber: string;
  message: string;
}

/** The SMS the local SNS endpoint received for a number. */
export async function smsTo(phone: string): Promise<Sms[]> {
  const response = await fetch(stack.smsUrl);
  const log = (await response.json()) as { messages: Sms[] };
  return log.messages.filter((sms) => sms.phoneNumber === phone);
}

/** The approval link in a mail or SMS text. */
export function approvalLinkIn(text: string | undefined): string {
  const match = text?.match(/https?:\/\/[^\s"<>]+\/approvals\/[A-Za-z0-9_-]{43}/);
  if (!match) throw new Error(`no approval link in: ${text}`);
  return match[0];
}
