/**
 * The local SQS (`scripts/local/sqs.ts`) and the local SQS event source mapping (`scripts/local/queue-poller.ts`,
 * `function-worker.ts`), against their own fauxqs on a free port (not the global stack's), with the fixture
 * consumer `test/support/queue-handler.ts`. Visibility timeouts of 1 s keep retries to seconds.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { repoRoot } from '../../scripts/local/paths.ts';
import {
  judgeBatchResponse,
  type QueuePollerOptions,
  type RunningQueuePoller,
  startQueuePoller,
} from '../../scripts/local/queue-poller.ts';
import {
  type DeliveryQueues,
  ensureDeliveryQueues,
  type LocalSqs,
  startLocalSqs,
} from '../../scripts/local/sqs.ts';

const region = 'us-east-1';
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const handlerEntry = 'test/support/queue-handler.ts';

let sqs: LocalSqs;
let client: SQSClient;
let workDir: string;
let logFile: string;
const savedEnv: Record<string, string | undefined> = {};
const pollers: RunningQueuePoller[] = [];
const errors: string[] = [];

/** What the fixture wrote per invocation. */
interface Invocation {
  pid: number;
  remainingMs: number;
  functionName: string;
  records: SQSRecord[];
  /** The matching `end` line, when the invocation returned. */
  end?: { pid: number; messageIds: string[]; visibility: Record<string, string> };
}

function invocationsOf(ids: readonly string[]): Invocation[] {
  if (!existsSync(logFile)) return [];
  const lines = readFileSync(logFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { phase: 'start' | 'end' } & Record<string, unknown>);
  const result: Invocation[] = [];
  for (const line of lines) {
    if (line.phase === 'start') {
      const invocation = line as unknown as Invocation;
      if (invocation.records.some((r) => ids.includes(r.messageId))) result.push(invocation);
    } else {
      const end = line as unknown as NonNullable<Invocation['end']>;
      // The latest invocation of this batch in this process (an earlier one may have thrown).
      const open = result.findLast(
        (i) => i.pid === end.pid && i.records.map((r) => r.messageId).join() === end.messageIds.join(),
      );
      if (open) open.end = end;
    }
  }
  return result;
}

async function eventually<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  what: string,
  timeoutMs = 10_000,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

let queueNumber = 0;
function newQueues(spec: { visibilityTimeoutSeconds?: number; maxReceiveCount?: number } = {}) {
  const name = `local-queue-test-${process.pid}-${++queueNumber}`;
  return ensureDeliveryQueues(client, {
    queueName: name,
    deadLetterQueueName: `${name}-dlq`,
    visibilityTimeoutSeconds: spec.visibilityTimeoutSeconds ?? 1,
    maxReceiveCount: spec.maxReceiveCount ?? 5,
  });
}

function poll(queues: DeliveryQueues, options: Partial<QueuePollerOptions> = {}): RunningQueuePoller {
  const poller = startQueuePoller({
    queueUrl: queues.queueUrl,
    queueArn: queues.queueArn,
    handlerEntry,
    functionName: 'QueueFixture',
    batchSize: 10,
    region,
    endpoint: sqs.url,
    credentials,
    functionTimeoutMs: 10_000,
    isolated: false,
    log: () => {},
    logError: (line) => errors.push(line),
    ...options,
  });
  pollers.push(poller);
  return poller;
}

/** Sends the bodies in one `SendMessageBatch` (so one receive gets them all); returns the message ids in order. */
async function send(queueUrl: string, bodies: readonly object[]): Promise<string[]> {
  const result = await client.send(
    new SendMessageBatchCommand({
      QueueUrl: queueUrl,
      Entries: bodies.map((body, index) => ({ Id: `e${index}`, MessageBody: JSON.stringify(body) })),
    }),
  );
  expect(result.Failed ?? []).toEqual([]);
  return bodies.map((_, index) => result.Successful?.find((s) => s.Id === `e${index}`)?.MessageId ?? '');
}

beforeAll(async () => {
  sqs = await startLocalSqs({ port: 0, region });
  client = new SQSClient({ endpoint: sqs.url, region, credentials });
  workDir = mkdtempSync(path.join(tmpdir(), 'local-queue-test-'));
  logFile = path.join(workDir, 'invocations.jsonl');
  const env = {
    QUEUE_FIXTURE_LOG: logFile,
    AWS_ENDPOINT_URL_SQS: sqs.url,
    AWS_REGION: region,
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
  };
  for (const [name, value] of Object.entries(env)) {
    savedEnv[name] = process.env[name];
    process.env[name] = value;
  }
});

afterEach(async () => {
  await Promise.all(pollers.splice(0).map((poller) => poller.stop()));
  errors.length = 0;
});

afterAll(async () => {
  await sqs?.stop();
  client?.destroy();
  for (const [name, value] of Object.entries(savedEnv)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe('local SQS', () => {
  it('creates the delivery queues with loopback URLs, the redrive policy and the visibility timeout', async () => {
    const queues = await ensureDeliveryQueues(client, {
      queueName: 'deliveries-a',
      deadLetterQueueName: 'deliveries-a-dlq',
      visibilityTimeoutSeconds: 2,
      maxReceiveCount: 3,
      retentionSeconds: 3600,
      deadLetterRetentionSeconds: 7200,
    });
    expect(queues).toEqual({
      queueUrl: `${sqs.url}/000000000000/deliveries-a`,
      queueArn: `arn:aws:sqs:${region}:000000000000:deliveries-a`,
      deadLetterQueueUrl: `${sqs.url}/000000000000/deliveries-a-dlq`,
      deadLetterQueueArn: `arn:aws:sqs:${region}:000000000000:deliveries-a-dlq`,
    });
    expect(sqs.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const attributes = async (url: string) =>
      (await client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] })))
        .Attributes;
    expect(await attributes(queues.queueUrl)).toMatchObject({
      VisibilityTimeout: '2',
      MessageRetentionPeriod: '3600',
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: queues.deadLetterQueueArn, maxReceiveCount: 3 }),
    });
    expect(await attributes(queues.deadLetterQueueUrl)).toMatchObject({ MessageRetentionPeriod: '7200' });

    // Idempotent; other settings are applied to the existing queue.
    const again = await ensureDeliveryQueues(client, {
      queueName: 'deliveries-a',
      deadLetterQueueName: 'deliveries-a-dlq',
      visibilityTimeoutSeconds: 5,
      maxReceiveCount: 4,
    });
    expect(again).toEqual(queues);
    expect(await attributes(queues.queueUrl)).toMatchObject({
      VisibilityTimeout: '5',
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: queues.deadLetterQueueArn, maxReceiveCount: 4 }),
    });
  });

  it('serves a client configured from the environment only, as the functions are, without redirects', async () => {
    const queues = await newQueues();
    const warn = vi.spyOn(console, 'warn');
    // `AWS_ENDPOINT_URL_SQS` is set (beforeAll): the client follows the queue URL's host when it differs.
    const envClient = new SQSClient({});
    try {
      await envClient.send(new SendMessageCommand({ QueueUrl: queues.queueUrl, MessageBody: 'from env' }));
      expect(warn).not.toHaveBeenCalled();
      // A `localhost` spelling of the URL finds the same queue.
      await client.send(
        new SendMessageCommand({
          QueueUrl: queues.queueUrl.replace('127.0.0.1', 'localhost'),
          MessageBody: 'via localhost',
        }),
      );
    } finally {
      warn.mockRestore();
      envClient.destroy();
    }
    const received = await client.send(
      new ReceiveMessageCommand({ QueueUrl: queues.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    expect(received.Messages?.map((m) => m.Body).sort()).toEqual(['from env', 'via localhost']);
  });

  it('refuses requests that are not SQS (S3, SNS)', async () => {
    const sns = await fetch(`${sqs.url}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=ListTopics',
    });
    expect(sns.status).toBe(400);
    expect((await fetch(`${sqs.url}/some-bucket/key`, { method: 'PUT', body: 'x' })).status).toBe(400);
    expect((await fetch(`${sqs.url}/health`)).status).toBe(200);
  });
});

describe('judgeBatchResponse (ReportBatchItemFailures)', () => {
  const ids = ['a', 'b'];
  it.each([
    ['a null response', null],
    ['no response', undefined],
    ['an empty response', {}],
    ['a null list', { batchItemFailures: null }],
    ['an empty list', { batchItemFailures: [] }],
  ])('counts %s as a complete success', (_what, response) => {
    expect(judgeBatchResponse(response, ids)).toEqual({ kind: 'ok' });
  });
  it('names the failed messages', () => {
    expect(judgeBatchResponse({ batchItemFailures: [{ itemIdentifier: 'b' }] }, ids)).toEqual({
      kind: 'partial',
      failed: new Set(['b']),
    });
  });
  it.each([
    ['an empty itemIdentifier', { batchItemFailures: [{ itemIdentifier: '' }] }],
    ['a null itemIdentifier', { batchItemFailures: [{ itemIdentifier: null }] }],
    ['a bad key name', { batchItemFailures: [{ itemId: 'a' }] }],
    ['an unknown message id', { batchItemFailures: [{ itemIdentifier: 'c' }] }],
    ['a list that is not a list', { batchItemFailures: 'a' }],
  ])('counts %s as a complete failure', (_what, response) => {
    expect(judgeBatchResponse(response, ids)).toMatchObject({ kind: 'failed', failure: 'invalid-response' });
  });
});

describe('queue poller (in process)', () => {
  it('delivers a batch shaped as Lambda does and deletes every message of a success', async () => {
    const queues = await newQueues();
    const sent = await client.send(
      new SendMessageCommand({
        QueueUrl: queues.queueUrl,
        MessageBody: JSON.stringify({ action: 'ok', n: 1 }),
        MessageAttributes: {
          kind: { DataType: 'String', StringValue: 'intent' },
          blob: { DataType: 'Binary', BinaryValue: new Uint8Array([1, 2, 3]) },
        },
      }),
    );
    const others = await send(queues.queueUrl, [
      { action: 'ok', n: 2 },
      { action: 'ok', n: 3 },
    ]);
    const ids = [sent.MessageId ?? '', ...others];
    const poller = poll(queues);
    await poller.drained(10_000);

    const invocations = invocationsOf(ids);
    expect(invocations).toHaveLength(1);
    const [invocation] = invocations;
    expect(invocation?.pid).toBe(process.pid);
    expect(invocation?.functionName).toBe('QueueFixture');
    expect(invocation?.remainingMs).toBeGreaterThan(9_000);
    expect(invocation?.records.map((r) => r.messageId)).toEqual(ids);
    const first = invocation?.records[0] as SQSRecord;
    expect(Object.keys(first).sort()).toEqual(
      [
        'attributes',
        'awsRegion',
        'body',
        'eventSource',
        'eventSourceARN',
        'md5OfBody',
        'md5OfMessageAttributes',
        'messageAttributes',
        'messageId',
        'receiptHandle',
      ].sort(),
    );
    expect(first).toMatchObject({
      body: JSON.stringify({ action: 'ok', n: 1 }),
      md5OfBody: createHash('md5')
        .update(JSON.stringify({ action: 'ok', n: 1 }))
        .digest('hex'),
      eventSource: 'aws:sqs',
      eventSourceARN: queues.queueArn,
      awsRegion: region,
      messageAttributes: {
        kind: { stringValue: 'intent', stringListValues: [], binaryListValues: [], dataType: 'String' },
        blob: { binaryValue: 'AQID', stringListValues: [], binaryListValues: [], dataType: 'Binary' },
      },
    });
    expect(first.receiptHandle).not.toBe('');
    expect(first.attributes).toEqual({
      ApproximateReceiveCount: '1',
      SentTimestamp: expect.stringMatching(/^\d{13}$/),
      SenderId: expect.any(String),
      ApproximateFirstReceiveTimestamp: expect.stringMatching(/^\d{13}$/),
    });
    const second = invocation?.records[1] as SQSRecord;
    expect(second.messageAttributes).toEqual({});
    expect(second).not.toHaveProperty('md5OfMessageAttributes');

    expect(await poller.stats()).toEqual({ visible: 0, notVisible: 0, delayed: 0, deadLetters: 0 });
    expect(poller.failures).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('leaves exactly the messages named in batchItemFailures; past maxReceiveCount one lands in the DLQ', async () => {
    const queues = await newQueues({ visibilityTimeoutSeconds: 1, maxReceiveCount: 2 });
    const ids = await send(queues.queueUrl, [{ action: 'ok' }, { action: 'fail' }, { action: 'ok' }]);
    const [okA, failed, okB] = ids as [string, string, string];
    const poller = poll(queues);
    await poller.drained(10_000);
    expect(invocationsOf(ids)).toHaveLength(1);
    // The two others were deleted; the failed one waits out its visibility timeout.
    expect(await poller.stats()).toMatchObject({ visible: 0, notVisible: 1, deadLetters: 0 });

    // Received twice (maxReceiveCount), then SQS moves it to the dead-letter queue at the next receive.
    await eventually(async () => (await poller.stats()).deadLetters === 1, 'the message in the DLQ');
    const deliveries = invocationsOf([failed]).map((i) => i.records.map((r) => r.messageId));
    expect(deliveries).toEqual([ids, [failed]]);
    expect(invocationsOf([failed])[1]?.records[0]?.attributes.ApproximateReceiveCount).toBe('2');
    expect(invocationsOf([okA])).toHaveLength(1);
    expect(invocationsOf([okB])).toHaveLength(1);
    const dead = await client.send(
      new ReceiveMessageCommand({ QueueUrl: queues.deadLetterQueueUrl, MaxNumberOfMessages: 10 }),
    );
    expect(dead.Messages?.map((m) => [m.MessageId, m.Body])).toEqual([
      [failed, JSON.stringify({ action: 'fail' })],
    ]);
    expect(await poller.stats()).toMatchObject({ visible: 0, notVisible: 0 });
    // A partial failure is not a failed invocation.
    expect(poller.failures).toEqual([]);
  });

  it('deletes nothing when the function throws; the whole batch comes back', async () => {
    const queues = await newQueues({ visibilityTimeoutSeconds: 1 });
    const ids = await send(queues.queueUrl, [{ action: 'throw', times: 1 }, { action: 'ok' }]);
    const poller = poll(queues);
    await eventually(() => invocationsOf(ids).length === 2 || undefined, 'the second delivery');
    await poller.drained(10_000);
    const invocations = invocationsOf(ids);
    expect(invocations.map((i) => i.records.map((r) => r.messageId))).toEqual([ids, ids]);
    expect(invocations[1]?.records.map((r) => r.attributes.ApproximateReceiveCount)).toEqual(['2', '2']);
    expect(invocations[0]?.end).toBeUndefined();
    expect(invocations[1]?.end).toBeDefined();
    expect(poller.failures).toEqual([
      {
        functionName: 'QueueFixture',
        messageIds: ids,
        kind: 'error',
        reason: `Error: fixture: throw ${ids[0]}`,
        failedAt: expect.any(String),
      },
    ]);
    expect(await poller.stats()).toMatchObject({ visible: 0, notVisible: 0, deadLetters: 0 });
  });

  it('fails the whole batch when batchItemFailures names an unknown message', async () => {
    const queues = await newQueues({ visibilityTimeoutSeconds: 1 });
    const ids = await send(queues.queueUrl, [{ action: 'bogus', times: 1 }, { action: 'ok' }]);
    const poller = poll(queues);
    await eventually(() => invocationsOf(ids).length === 2 || undefined, 'the second delivery');
    await poller.drained(10_000);
    expect(invocationsOf(ids).map((i) => i.records.length)).toEqual([2, 2]);
    expect(poller.failures).toMatchObject([{ kind: 'invalid-response', messageIds: ids }]);
  });

  it('ends an invocation that runs past the function timeout; the batch comes back', async () => {
    const queues = await newQueues({ visibilityTimeoutSeconds: 1 });
    const ids = await send(queues.queueUrl, [{ action: 'hang', times: 1 }]);
    const poller = poll(queues, { functionTimeoutMs: 800 });
    await eventually(() => invocationsOf(ids).length === 2 || undefined, 'the second delivery');
    await poller.drained(10_000);
    expect(poller.failures).toMatchObject([
      {
        kind: 'timeout',
        messageIds: ids,
        reason: 'FunctionTimeoutError: QueueFixture: task timed out after 800 ms',
      },
    ]);
    expect(invocationsOf(ids)[1]?.end).toBeDefined();
  });
});

describe('drained()', () => {
  it('resolves at once when the queue is empty', async () => {
    const poller = poll(await newQueues());
    const started = Date.now();
    await poller.drained(5_000);
    expect(Date.now() - started).toBeLessThan(500);
  });

  it('covers messages sent just before the call', async () => {
    const queues = await newQueues();
    const poller = poll(queues);
    const ids = await send(queues.queueUrl, [{ action: 'sleep', ms: 300 }]);
    await poller.drained(5_000);
    expect(invocationsOf(ids)[0]?.end).toBeDefined();
  });

  it('waits for the running invocation', async () => {
    const queues = await newQueues();
    const ids = await send(queues.queueUrl, [{ action: 'sleep', ms: 700 }]);
    const poller = poll(queues);
    await eventually(() => poller.runningInvocation(), 'the invocation');
    expect(poller.runningInvocation()).toEqual({ startedAt: expect.any(Number), messageIds: ids });
    expect(invocationsOf(ids)[0]?.end).toBeUndefined();
    await poller.drained(5_000);
    expect(invocationsOf(ids)[0]?.end).toBeDefined();
    expect(poller.runningInvocation()).toBeUndefined();
  });

  it('is not held up by a message the function hid for a long retry delay', async () => {
    const queues = await newQueues({ visibilityTimeoutSeconds: 1 });
    const ids = await send(queues.queueUrl, [{ action: 'delay', seconds: 600 }]);
    const poller = poll(queues);
    await eventually(() => invocationsOf(ids)[0]?.end, 'the invocation');
    const started = Date.now();
    await poller.drained(5_000);
    expect(Date.now() - started).toBeLessThan(2_500);
    // The function's own client (endpoint from the environment) changed the visibility of its message.
    expect(invocationsOf(ids)[0]?.end?.visibility).toEqual({ [ids[0] as string]: 'changed' });
    expect(await poller.stats()).toMatchObject({ visible: 0, notVisible: 1 });
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // past the queue's 1 s visibility timeout
    expect(invocationsOf(ids)).toHaveLength(1);
  });

  it('rejects after timeoutMs while an invocation runs, and at once when stopped', async () => {
    const queues = await newQueues({ visibilityTimeoutSeconds: 1 });
    const ids = await send(queues.queueUrl, [{ action: 'hang', times: 1 }]);
    const poller = poll(queues, { functionTimeoutMs: 1_500 });
    await eventually(() => poller.runningInvocation(), 'the invocation');
    await expect(poller.drained(300)).rejects.toThrow('did not drain within 300 ms');
    await eventually(() => invocationsOf(ids)[1]?.end, 'the retry');
    await poller.stop();
    await expect(poller.drained(1_000)).rejects.toThrow('stopped');
  });
});

describe('queue poller (isolated worker)', () => {
  it('runs invocations in one warm worker process, ended by stop()', async () => {
    const queues = await newQueues();
    const poller = poll(queues, { isolated: true });
    const first = await send(queues.queueUrl, [{ action: 'ok' }]);
    await poller.drained(20_000);
    const second = await send(queues.queueUrl, [{ action: 'ok' }]);
    await poller.drained(10_000);
    const pids = [...invocationsOf(first), ...invocationsOf(second)].map((i) => i.pid);
    expect(pids).toHaveLength(2);
    expect(pids[0]).not.toBe(process.pid);
    expect(pids[1]).toBe(pids[0]);
    expect(poller.workerPid()).toBe(pids[0]);
    await poller.stop();
    expect(isAlive(pids[0] as number)).toBe(false);
  });

  it('crash() kills the worker mid-invocation; the message comes back with ApproximateReceiveCount 2', async () => {
    const queues = await newQueues({ visibilityTimeoutSeconds: 1 });
    const ids = await send(queues.queueUrl, [{ action: 'hang', times: 1 }]);
    const poller = poll(queues, { isolated: true });
    expect(poller.crash()).toBeUndefined(); // nothing runs yet
    await eventually(() => poller.runningInvocation(), 'the invocation', 20_000);
    await eventually(() => invocationsOf(ids)[0], 'the handler to start');
    const pid = poller.crash();
    expect(pid).toBe(invocationsOf(ids)[0]?.pid);
    await eventually(() => !isAlive(pid as number) || undefined, 'the worker to die');
    await eventually(() => poller.failures[0], 'the failure');
    expect(poller.failures).toMatchObject([{ kind: 'crash', messageIds: ids }]);
    expect(poller.failures[0]?.reason).toMatch(/^RuntimeExitError: .*SIGKILL/);

    const retry = await eventually(
      () => invocationsOf(ids)[1]?.end && invocationsOf(ids)[1],
      'the retry',
      20_000,
    );
    expect(retry.records[0]?.attributes.ApproximateReceiveCount).toBe('2');
    expect(retry.pid).not.toBe(pid);
    await poller.drained(10_000);
    expect(await poller.stats()).toMatchObject({ visible: 0, notVisible: 0 });
  });

  it('a timeout ends the worker; the next invocation starts a fresh one', async () => {
    const queues = await newQueues({ visibilityTimeoutSeconds: 1 });
    const poller = poll(queues, { isolated: true, functionTimeoutMs: 1_000 });
    const warm = await send(queues.queueUrl, [{ action: 'ok' }]);
    await poller.drained(20_000);
    const warmPid = invocationsOf(warm)[0]?.pid as number;
    const ids = await send(queues.queueUrl, [{ action: 'hang', times: 1 }]);
    await eventually(() => poller.failures[0], 'the timeout', 10_000);
    expect(poller.failures).toMatchObject([{ kind: 'timeout', messageIds: ids }]);
    await eventually(() => !isAlive(warmPid) || undefined, 'the worker to die');
    const retry = await eventually(
      () => invocationsOf(ids)[1]?.end && invocationsOf(ids)[1],
      'the retry',
      20_000,
    );
    expect(retry.pid).not.toBe(warmPid);
  });

  it('the worker dies with its parent', async () => {
    const tsx = createRequire(import.meta.url).resolve('tsx');
    const parent = spawn(
      process.execPath,
      ['--import', tsx, path.join(repoRoot, 'test/support/worker-parent.ts')],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
        env: { ...process.env, QUEUE_FIXTURE_LOG: '' },
      },
    );
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let output = '';
        parent.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString('utf8');
          if (output.includes('\n')) resolve(output.split('\n')[0] as string);
        });
        parent.once('exit', (code) => reject(new Error(`the parent exited early (${code})`)));
      });
      const { workerPid } = JSON.parse(line) as { workerPid: number };
      expect(isAlive(workerPid)).toBe(true);
      parent.kill('SIGKILL');
      await eventually(() => !isAlive(workerPid) || undefined, 'the orphaned worker to exit', 5_000);
    } finally {
      parent.kill('SIGKILL');
    }
  });
});
