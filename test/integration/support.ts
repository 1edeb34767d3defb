/**
 * What the integration tests use to act like a client: typed calls (the generated client, `apiAs`) and untyped
 * ones (`call`) against the local API, every response checked against openapi.json; the SES emulator's mail store
 * and the local SNS endpoint's SMS log; polling instead of sleeps.
 */
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import {
  createHelpdeskClient,
  type HelpdeskClient,
  type ResponseBody,
  type Schema,
} from '../../client/index.ts';
import { apiClient } from '../support/api-client.ts';
import { contractMiddleware } from '../support/contract.ts';

export const stack = {
  apiUrl: inject('apiUrl'),
  sesStoreUrl: inject('sesStoreUrl'),
  smsUrl: inject('smsUrl'),
};

/**
 * One untyped HTTP call to the local API (or any absolute URL), for what the typed client cannot send: requests
 * off the contract on purpose (another content type, an unknown path, a forged token) and approval links. Every
 * response of the API (approval links included) is checked against `openapi.json`; a violation throws.
 */
export const call = apiClient(stack.apiUrl, undefined, { contract: true });

/** Checks every response the typed client gets against `openapi.json`; a violation throws (so the call fails). */
const contractCheck = contractMiddleware(stack.apiUrl);

const clients = new Map<string, HelpdeskClient>();
/**
 * The typed client (`client/`, generated from openapi.json) for the local API, sending `token` as the Bearer
 * token (none: anonymous). Every response is checked against the document; a violation throws. A contract
 * change that breaks clients breaks these tests' type check.
 */
export function apiAs(token?: string): HelpdeskClient {
  const key = token ?? '';
  let client = clients.get(key);
  if (!client) {
    client = createHelpdeskClient({ baseUrl: stack.apiUrl, token: () => token });
    client.use(contractCheck);
    clients.set(key, client);
  }
  return client;
}

/** The typed client without a token. */
export const api = apiAs();

/**
 * The data of a typed call that must succeed with a body (not for 204s: check `response.status`).
 * @throws Error with the status and the error body when it did not
 */
export function ok<Data>(
  result: { data?: Data; error?: unknown; response: Response },
  what: string,
): NonNullable<Data> {
  if (!result.response.ok || result.data === undefined || result.data === null) {
    throw new Error(`${what}: ${result.response.status} ${JSON.stringify(result.error)}`);
  }
  return result.data as NonNullable<Data>;
}

/** A signed-in user: their id (from `GET /me`), email and tokens (from `POST /auth/login`). */
export interface Session {
  userId: ResponseBody<'get', '/me'>['userId'];
  email: string;
  token: ResponseBody<'post', '/auth/login'>['accessToken'];
  refreshToken: ResponseBody<'post', '/auth/login'>['refreshToken'];
}

export const demoPassword = 'Str0ng-pass-word';

/** Log in and read `/me`. @throws Error when either call fails */
export async function logIn(email: string, password: string): Promise<Session> {
  const login = ok(await api.POST('/auth/login', { body: { email, password } }), `login ${email}`);
  const me = ok(await apiAs(login.accessToken).GET('/me'), `GET /me of ${email}`);
  return { userId: me.userId, email, token: login.accessToken, refreshToken: login.refreshToken };
}

/** The 6-digit code in a verification mail or SMS text, or `undefined`. */
const codeIn = (text: string | undefined) => text?.match(/verification code is (\d{6})/)?.[1];

/**
 * The latest confirmation code Cognito mailed to `email` ("Your verification code", as cognito-local delivers it
 * through the SES emulator locally: `scripts/local/cognito-local.mjs`), once one is there.
 * @param after only a code that differs from this one (a resent code)
 */
export const confirmationCodeFor = (email: string, after?: string) =>
  eventually(async () => {
    const mails = (await mailsTo(email)).filter((mail) => mail.subject === 'Your verification code');
    const code = codeIn(mails.at(-1)?.body.text);
    return code !== undefined && code !== after ? code : undefined;
  }, `confirmation code for ${email}`);

/** Confirm a signed-up address through the API with the code from its mail (`POST /auth/confirm`). */
export async function confirmEmail(email: string): Promise<void> {
  const code = await confirmationCodeFor(email);
  const confirmed = await api.POST('/auth/confirm', { body: { email, code } });
  if (confirmed.response.status !== 204) {
    throw new Error(`confirm ${email}: ${confirmed.response.status} ${JSON.stringify(confirmed.error)}`);
  }
}

/**
 * Verify the caller's phone number through the API: `POST /me/phone/code`, the code from the SMS the local SNS
 * endpoint received, `POST /me/phone/verify`.
 */
export async function verifyPhone(session: Session, phone: string): Promise<void> {
  const before = await phoneCodesTo(phone);
  ok(await apiAs(session.token).POST('/me/phone/code', { body: {} }), `phone code for ${phone}`);
  const code = await eventually(async () => {
    const codes = await phoneCodesTo(phone);
    return codes.length > before.length ? codeIn(codes.at(-1)?.message) : undefined;
  }, `SMS code to ${phone}`);
  ok(await apiAs(session.token).POST('/me/phone/verify', { body: { code } }), `verify ${phone}`);
}

/**
 * Sign up a fresh requester with a unique email, confirm the email with the mailed code, log in, and with a `phone`
 * verify it with the SMS code (all through the API, as a client would). @throws Error when a step fails
 */
export async function newRequester(
  name = 'Test Requester',
  extra: Partial<Omit<Schema<'SignUpRequest'>, 'email' | 'password' | 'name'>> = {},
): Promise<Session> {
  const email = `requester-${randomUUID().slice(0, 8)}@example.com`;
  ok(await api.POST('/auth/signup', { body: { email, password: demoPassword, name, ...extra } }), 'signup');
  await confirmEmail(email);
  const session = await logIn(email, demoPassword);
  if (extra.phone) await verifyPhone(session, extra.phone);
  return session;
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

/** Every SMS the local SNS endpoint received for a number. */
async function allSmsTo(phone: string): Promise<Sms[]> {
  const response = await fetch(stack.smsUrl);
  const log = (await response.json()) as { messages: Sms[] };
  return log.messages.filter((sms) => sms.phoneNumber === phone);
}

const isPhoneCode = (sms: Sms) => codeIn(sms.message) !== undefined;

/**
 * The notifications the local SNS endpoint received for a number: every SMS but the phone verification codes
 * ({@link phoneCodesTo}), which `newRequester` with a phone number sends on the way.
 */
export async function smsTo(phone: string): Promise<Sms[]> {
  return (await allSmsTo(phone)).filter((sms) => !isPhoneCode(sms));
}

/** The phone verification codes (`POST /me/phone/code`) the local SNS endpoint received for a number. */
export async function phoneCodesTo(phone: string): Promise<Sms[]> {
  return (await allSmsTo(phone)).filter(isPhoneCode);
}

/** The approval link in a mail or SMS text. */
export function approvalLinkIn(text: string | undefined): string {
  const match = text?.match(/https?:\/\/[^\s"<>]+\/approvals\/[A-Za-z0-9_-]{43}/);
  if (!match) throw new Error(`no approval link in: ${text}`);
  return match[0];
}
