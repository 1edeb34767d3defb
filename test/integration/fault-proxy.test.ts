/**
 * The fault proxy (`scripts/local/fault-proxy.ts`) in front of its own SES emulator (aws-ses-v2-local, a child
 * process) and SNS endpoint (`sns-endpoint.ts`), on free ports (not the global stack's), driven by the real
 * `@aws-sdk/client-ses` and `@aws-sdk/client-sns` clients with their default retries: each fault surfaces with the
 * intended error name, and `isRetryableProviderError` (what the sender decides retries by) classifies it as meant.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import path from 'node:path';
import { MessageRejected, SESClient, type SESClientConfig, SendEmailCommand } from '@aws-sdk/client-ses';
import { PublishCommand, SNSClient, type SNSClientConfig } from '@aws-sdk/client-sns';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isRetryableProviderError } from '#shared/notifications/channels/outcome.ts';
import { bodyMatches, type FaultProxy, startFaultProxy } from '../../scripts/local/fault-proxy.ts';
import { repoRoot } from '../../scripts/local/paths.ts';
import { type SnsEndpoint, startSnsEndpoint } from '../../scripts/local/sns-endpoint.ts';

const region = 'us-east-1';
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

let sesEmulator: ChildProcess;
let sesUrl: string;
let sns: SnsEndpoint;
let sesProxy: FaultProxy;
let snsProxy: FaultProxy;
const clients: { destroy(): void }[] = [];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function eventually<T>(
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  what: string,
) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function sesClient(config: Partial<SESClientConfig> = {}): SESClient {
  const client = new SESClient({ endpoint: sesProxy.url, region, credentials, ...config });
  clients.push(client);
  return client;
}

function snsClient(config: Partial<SNSClientConfig> = {}): SNSClient {
  const client = new SNSClient({ endpoint: snsProxy.url, region, credentials, ...config });
  clients.push(client);
  return client;
}

/** A unique recipient, so the emulator's store tells this test's mails apart. */
const newAddress = (label: string) => `${label}-${randomUUID().slice(0, 8)}@example.com`;

function sendEmail(client: SESClient, to: string, init?: { abortSignal?: AbortSignal }) {
  return client.send(
    new SendEmailCommand({
      Source: 'helpdesk@example.com',
      Destination: { ToAddresses: [to] },
      Message: { Subject: { Data: 'Ticket update' }, Body: { Text: { Data: 'Hello' } } },
    }),
    init,
  );
}

function publish(client: SNSClient, phoneNumber: string) {
  return client.send(new PublishCommand({ PhoneNumber: phoneNumber, Message: 'Ticket update' }));
}

/** Mails the SES emulator stored for `to` (read directly, not through the proxy). */
async function mailsTo(to: string): Promise<unknown[]> {
  const store = (await (await fetch(`${sesUrl}/store`)).json()) as {
    emails: { destination: { to: string[] } }[];
  };
  return store.emails.filter((mail) => mail.destination.to.includes(to));
}

/** The error `promise` rejects with. */
async function failureOf(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error('Expected the call to fail');
}

const attemptsOf = (error: Record<string, unknown>) => (error.$metadata as { attempts?: number }).attempts;

beforeAll(async () => {
  const port = await freePort();
  sesUrl = `http://127.0.0.1:${port}`;
  sesEmulator = spawn(
    process.execPath,
    [
      path.join(repoRoot, 'node_modules', 'aws-ses-v2-local', 'dist', 'cli.js'),
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
    ],
    { stdio: 'ignore' },
  );
  await eventually(async () => {
    try {
      return (await fetch(`${sesUrl}/health-check`)).ok;
    } catch {
      return false;
    }
  }, 'the SES emulator');
  sns = await startSnsEndpoint(0);
  sesProxy = await startFaultProxy({ name: 'ses', target: sesUrl, port: 0 });
  snsProxy = await startFaultProxy({ name: 'sns', target: sns.url, port: 0 });
});

afterEach(() => {
  sesProxy.setFault({ mode: 'up' });
  snsProxy.setFault({ mode: 'up' });
  for (const client of clients.splice(0)) client.destroy();
});

afterAll(async () => {
  await sesProxy?.stop();
  await snsProxy?.stop();
  await sns?.close();
  sesEmulator?.kill();
});

describe('fault proxy', () => {
  it('up: forwards API calls and pages unchanged', async () => {
    const before = sesProxy.stats();
    const to = newAddress('up');
    const sent = await sendEmail(sesClient(), to);
    expect(sent.MessageId).toEqual(expect.any(String));
    expect(await mailsTo(to)).toHaveLength(1);
    // A GET page and a JSON document through the proxy are the emulator's own.
    const [viaProxy, direct] = await Promise.all([fetch(`${sesProxy.url}/`), fetch(`${sesUrl}/`)]);
    expect(viaProxy.status).toBe(200);
    expect(viaProxy.headers.get('content-type')).toBe(direct.headers.get('content-type'));
    expect(await viaProxy.text()).toBe(await direct.text());
    const store = (await (await fetch(`${sesProxy.url}/store`)).json()) as { emails: unknown[] };
    expect(store.emails.length).toBeGreaterThan(0);
    expect(sesProxy.stats()).toEqual({ ...before, forwarded: before.forwarded + 3 });

    const published = await publish(snsClient(), '+15555550100');
    expect(sns.messages.map((sms) => sms.messageId)).toContain(published.MessageId);
    // The emulator's own errors pass through too.
    const invalid = await failureOf(publish(snsClient(), '12345'));
    expect(invalid.name).toBe('InvalidParameterException');
    expect(isRetryableProviderError(invalid)).toBe(false);
  });

  it('down: the SDK sees a dropped connection (retryable), retries it, and nothing is sent', async () => {
    sesProxy.setFault({ mode: 'down' });
    const before = sesProxy.stats();
    const to = newAddress('down');
    const error = await failureOf(sendEmail(sesClient(), to));
    expect(['ECONNRESET', 'EPIPE']).toContain(error.code);
    expect(isRetryableProviderError(error)).toBe(true);
    expect(attemptsOf(error)).toBe(3);
    expect(sesProxy.stats().failed).toBe(before.failed + 3);
    expect(sesProxy.stats().forwarded).toBe(before.forwarded);
    expect(await mailsTo(to)).toEqual([]);

    snsProxy.setFault({ mode: 'down' });
    const smsError = await failureOf(publish(snsClient(), '+15555550101'));
    expect(['ECONNRESET', 'EPIPE']).toContain(smsError.code);
    expect(isRetryableProviderError(smsError)).toBe(true);
  });

  it('unavailable: 503 ServiceUnavailable (retryable)', async () => {
    sesProxy.setFault({ mode: 'unavailable' });
    snsProxy.setFault({ mode: 'unavailable' });
    for (const error of [
      await failureOf(sendEmail(sesClient(), newAddress('unavailable'))),
      await failureOf(publish(snsClient(), '+15555550102')),
    ]) {
      expect(error.name).toBe('ServiceUnavailable');
      expect(error.$metadata).toMatchObject({ httpStatusCode: 503, attempts: 3 });
      expect(isRetryableProviderError(error)).toBe(true);
    }
  });

  it('throttle: 400 Throttling, which the SDK retries as throttling (retryable)', async () => {
    sesProxy.setFault({ mode: 'throttle' });
    const before = sesProxy.stats();
    const error = await failureOf(sendEmail(sesClient(), newAddress('throttle')));
    expect(error.name).toBe('Throttling');
    expect(error.$metadata).toMatchObject({ httpStatusCode: 400, attempts: 3 });
    expect(sesProxy.stats().failed).toBe(before.failed + 3);
    expect(isRetryableProviderError(error)).toBe(true);
  });

  it('reject: a permanent error with its code, not retried', async () => {
    sesProxy.setFault({ mode: 'reject', code: 'MessageRejected', message: 'Email address is not verified.' });
    const error = await failureOf(sendEmail(sesClient(), newAddress('reject')));
    expect(error).toBeInstanceOf(MessageRejected);
    expect(error.name).toBe('MessageRejected');
    expect(error.message).toBe('Email address is not verified.');
    expect(error.$metadata).toMatchObject({ httpStatusCode: 400, attempts: 1 });
    expect(isRetryableProviderError(error)).toBe(false);

    snsProxy.setFault({ mode: 'reject', code: 'InvalidParameter' });
    const smsError = await failureOf(publish(snsClient(), '+15555550103'));
    expect(smsError.name).toBe('InvalidParameterException');
    expect(isRetryableProviderError(smsError)).toBe(false);

    // SNS's own throttling answer, and a 5xx code: retryable.
    snsProxy.setFault({ mode: 'reject', code: 'Throttled', status: 429 });
    const throttled = await failureOf(publish(snsClient(), '+15555550104'));
    expect(throttled.$metadata).toMatchObject({ httpStatusCode: 429, attempts: 3 });
    expect(isRetryableProviderError(throttled)).toBe(true);
    sesProxy.setFault({ mode: 'reject', code: 'InternalFailure', status: 500 });
    const internal = await failureOf(sendEmail(sesClient(), newAddress('internal')));
    expect(internal.name).toBe('InternalFailure');
    expect(isRetryableProviderError(internal)).toBe(true);
  });

  it('hang: holds requests until the fault changes, then drops them (never forwarded late)', async () => {
    sesProxy.setFault({ mode: 'hang' });
    const before = sesProxy.stats();
    const to = newAddress('hang');
    const pending = failureOf(sendEmail(sesClient({ maxAttempts: 1 }), to));
    await eventually(() => sesProxy.stats().holding === 1, 'the request to be held');
    sesProxy.setFault({ mode: 'hang', match: 'nothing-matches' }); // another hang keeps it held
    expect(sesProxy.stats().holding).toBe(1);
    sesProxy.setFault({ mode: 'up' });
    const error = await pending;
    expect(error.code).toBe('ECONNRESET');
    expect(isRetryableProviderError(error)).toBe(true);
    expect(sesProxy.stats()).toMatchObject({
      held: before.held + 1,
      holding: 0,
      forwarded: before.forwarded,
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await mailsTo(to)).toEqual([]);

    // With the SDK's retries, the dropped attempt is retried once the provider is back: sent exactly once.
    sesProxy.setFault({ mode: 'hang' });
    const retried = newAddress('hang-retried');
    const sending = sendEmail(sesClient(), retried);
    await eventually(() => sesProxy.stats().holding === 1, 'the request to be held');
    sesProxy.setFault({ mode: 'up' });
    expect((await sending).MessageId).toEqual(expect.any(String));
    expect(await mailsTo(retried)).toHaveLength(1);
  });

  it('hang: a client that gives up is no longer held', async () => {
    sesProxy.setFault({ mode: 'hang' });
    const abort = new AbortController();
    const pending = failureOf(
      sendEmail(sesClient({ maxAttempts: 1 }), newAddress('abort'), { abortSignal: abort.signal }),
    );
    await eventually(() => sesProxy.stats().holding === 1, 'the request to be held');
    abort.abort();
    expect((await pending).name).toBe('AbortError');
    await eventually(() => sesProxy.stats().holding === 0, 'the held request to be released');
  });

  it('match: the fault applies only to requests whose (form-encoded) body contains the text', async () => {
    const blocked = newAddress('blocked');
    const allowed = newAddress('allowed');
    sesProxy.setFault({ mode: 'reject', code: 'MessageRejected', match: blocked });
    expect((await failureOf(sendEmail(sesClient(), blocked))).name).toBe('MessageRejected');
    await sendEmail(sesClient(), allowed);
    expect(await mailsTo(allowed)).toHaveLength(1);
    expect(await mailsTo(blocked)).toEqual([]);

    snsProxy.setFault({ mode: 'down', match: '+15555550199' });
    const error = await failureOf(publish(snsClient(), '+15555550199'));
    expect(isRetryableProviderError(error)).toBe(true);
    const other = await publish(snsClient(), '+15555550198');
    expect(sns.messages.map((sms) => sms.messageId)).toContain(other.MessageId);
    expect(sns.messages.map((sms) => sms.phoneNumber)).not.toContain('+15555550199');

    expect(bodyMatches(Buffer.from('Destination.ToAddresses.member.1=a%40b.com'), 'a@b.com')).toBe(true);
    expect(bodyMatches(Buffer.from('PhoneNumber=%2B15555550199'), '+15555550199')).toBe(true);
    expect(bodyMatches(Buffer.from('Message=Hello+there'), 'Hello there')).toBe(true);
    expect(bodyMatches(Buffer.from('PhoneNumber=%2B15555550199'), '+15555550198')).toBe(false);
  });

  it('refuses invalid faults', () => {
    expect(() => sesProxy.setFault({ mode: 'reject', code: '' })).toThrow(TypeError);
    expect(() => sesProxy.setFault({ mode: 'reject', code: 'X', status: 200 })).toThrow(TypeError);
    expect(() => sesProxy.setFault({ mode: 'sideways' } as never)).toThrow(TypeError);
    expect(sesProxy.fault()).toEqual({ mode: 'up' });
  });
});
