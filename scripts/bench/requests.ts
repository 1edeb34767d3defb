/**
 * `npm run bench`: what each main request costs in AWS calls, DynamoDB capacity and local latency, and a rough
 * price per million requests. A measurement, not a test: it asserts nothing about the service.
 *
 * Boots the local stack ephemerally (free ports, in-memory DynamoDB Local), seeds the demo accounts, drives the
 * API over loopback with N repetitions per request, counts the SDK calls of the handlers (`aws-calls.ts`), drains
 * the stream notifier and the S3 image check to count theirs, prints Markdown tables and writes them into
 * `docs/benchmarks.md` (its own section only). Stops the stack at the end, on error, and after 5 minutes at most.
 *
 * Options: `--repetitions=N` (default 20), `--no-docs` (print only).
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { type ApiResponse, apiClient, type CallOptions } from '../../test/support/api-client.ts';
import { pngBytes } from '../../test/support/sample-images.ts';
import { type SeededAccount, seedDemoAccounts } from '../local/demo-accounts.ts';
import { repoRoot } from '../local/paths.ts';
import { type LocalStack, startLocalStack } from '../local/stack.ts';
import { CallRecorder, type RecordedCall } from './aws-calls.ts';
import {
  callsTable,
  costTable,
  docDifferences,
  type Measurement,
  type MeasurementKind,
  num,
  section,
  summarize,
  writeSection,
} from './report.ts';

const args = process.argv.slice(2);
const repetitions = Math.max(
  1,
  Math.min(200, Number(args.find((arg) => arg.startsWith('--repetitions='))?.split('=')[1] ?? 20) || 20),
);
const writeDocs = !args.includes('--no-docs');
const requestTimeoutMs = 30_000;
const overallTimeoutMs = 5 * 60_000;
/** Tickets present when the listings are measured (the page size is 25). */
const listedTickets = 30;

/** The shared API client with the bench's timeout, called as `call(method, path, options)`. */
function client(apiUrl: string) {
  const call = apiClient(apiUrl, requestTimeoutMs);
  return (method: string, path: string, options: Omit<CallOptions, 'method'> = {}) =>
    call(path, { ...options, method });
}

/** Fails a set-up step (not a measurement) with what the API answered. */
function need(response: ApiResponse, status: number, what: string): ApiResponse {
  if (response.status !== status) {
    throw new Error(
      `bench set-up: ${what} answered ${response.status}, expected ${status}: ${response.text.slice(0, 300)}`,
    );
  }
  return response;
}

function gitDescription(): string {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: repoRoot,
      encoding: 'utf8',
    }).trim();
    const dirty = execFileSync(
      'git',
      ['status', '--porcelain', '--', 'functions', 'shared', 'scripts/local'],
      {
        cwd: repoRoot,
        encoding: 'utf8',
      },
    ).trim();
    return dirty ? `${commit} plus uncommitted changes in functions/, shared/ or scripts/local/` : commit;
  } catch {
    return 'unknown';
  }
}

interface Listed {
  requester: number;
  agent: number;
  requesterCursor: boolean;
  agentCursor: boolean;
}

async function run(
  stack: LocalStack,
  recorder: CallRecorder,
): Promise<{ measurements: Measurement[]; listed: Listed; unattributed: string[] }> {
  const call = client(stack.apiUrl);
  const accounts = await seedDemoAccounts();
  const account = (role: SeededAccount['role']) => {
    const found = accounts.find((a) => a.role === role);
    if (!found) throw new Error(`no demo ${role}`);
    return found;
  };
  const requesterAccount = account('requester');
  const agentAccount = account('agent');
  const logIn = async (who: SeededAccount) =>
    need(
      await call('POST', '/auth/login', { json: { email: who.email, password: who.password } }),
      200,
      'log-in',
    ).body.accessToken as string;
  const requester = await logIn(requesterAccount);
  const agent = await logIn(agentAccount);
  const newTicket = async (title: string) =>
    need(
      await call('POST', '/tickets', {
        token: requester,
        json: { title, description: 'Measured by the request bench.' },
      }),
      201,
      'POST /tickets',
    ).body as { ticketId: string; number: number };

  const measurements: Measurement[] = [];
  /** Handler calls made while no request was in flight (none expected), per measurement. */
  const unattributed: string[] = [];

  /**
   * Runs `step` `repetitions` times, one request after the other; the calls made while each request is in flight
   * (except the notifier's and the image check's) are the request's. Drains stream and S3 events before and
   * after, so that the notifier's and the image check's calls caused by these requests, and only those, get
   * their own rows (per request of this route).
   */
  async function measureRoute(
    label: string,
    step: (i: number) => Promise<ApiResponse>,
    expectation: { expected?: Record<string, number>; from?: string; note?: string } = {},
    follow?: { notifierLabel?: string; expected?: Record<string, number>; from?: string; note?: string },
  ): Promise<ApiResponse[]> {
    await stack.drained(60_000);
    const phaseStart = recorder.mark();
    const statuses = new Map<number, number>();
    const latencies: number[] = [];
    const calls: RecordedCall[] = [];
    const callsPerRepetition: number[] = [];
    const responses: ApiResponse[] = [];
    for (let i = 0; i < repetitions; i++) {
      const mark = recorder.mark();
      const response = await step(i);
      const own = recorder.since(mark).filter((c) => c.source === 'other');
      calls.push(...own);
      callsPerRepetition.push(own.filter((c) => !c.presigned).length);
      latencies.push(response.ms);
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      responses.push(response);
    }
    measurements.push({
      label,
      kind: 'route',
      count: repetitions,
      statuses,
      latencies,
      calls,
      callsPerRepetition,
      expected: expectation.expected,
      expectedFrom: expectation.from,
      note: expectation.note,
    });
    await stack.drained(60_000);
    const phase = recorder.since(phaseStart);
    const stray = phase.filter((c) => c.source === 'other').length - calls.length;
    if (stray > 0) unattributed.push(`${label}: ${stray}`);
    addEventMeasurement(phase, 'notifier', follow?.notifierLabel ?? `stream notifier, per ${label}`, follow);
    addEventMeasurement(phase, 'imageCheck', `S3 image check, per ${label}`, follow);
    return responses;
  }

  function addEventMeasurement(
    phase: RecordedCall[],
    kind: Exclude<MeasurementKind, 'route'>,
    label: string,
    follow: { expected?: Record<string, number>; from?: string; note?: string } | undefined,
    count = repetitions,
  ): void {
    const calls = phase.filter((c) => c.source === kind);
    if (calls.length === 0) return;
    measurements.push({
      label,
      kind,
      count,
      statuses: new Map(),
      latencies: [],
      calls,
      callsPerRepetition: [],
      expected: follow?.expected,
      expectedFrom: follow?.from,
      note: follow?.note,
    });
  }

  // Listings first, with exactly `listedTickets` tickets in the table.
  for (let i = 0; i < listedTickets; i++) await newTicket(`Bench listing ticket ${i + 1}`);
  const listed: Listed = { requester: 0, agent: 0, requesterCursor: false, agentCursor: false };
  await measureRoute(
    'GET /tickets?limit=25 (requester)',
    async () => {
      const response = await call('GET', '/tickets?limit=25', { token: requester });
      listed.requester = response.body?.items?.length ?? 0;
      listed.requesterCursor = Boolean(response.body?.nextCursor);
      return response;
    },
    { expected: { Query: 1 }, from: '#5' },
  );
  await measureRoute(
    'GET /tickets?limit=25 (agent)',
    async () => {
      const response = await call('GET', '/tickets?limit=25', { token: agent });
      listed.agent = response.body?.items?.length ?? 0;
      listed.agentCursor = Boolean(response.body?.nextCursor);
      return response;
    },
    { expected: { Query: 1 }, from: '#4' },
  );

  const runId = randomUUID().slice(0, 8);
  await measureRoute(
    'POST /auth/signup',
    (i) =>
      call('POST', '/auth/signup', {
        json: { email: `bench-${runId}-${i}@example.com`, password: 'Bench-pass-1', name: `Bench User ${i}` },
      }),
    { from: 'not listed' },
  );
  await measureRoute(
    'POST /auth/login',
    () =>
      call('POST', '/auth/login', {
        json: { email: requesterAccount.email, password: requesterAccount.password },
      }),
    { expected: {}, from: 'no row' },
  );
  await measureRoute('GET /me', () => call('GET', '/me', { token: requester }), {
    expected: { GetItem: 1 },
    from: '#1',
  });
  await measureRoute(
    'POST /tickets',
    (i) =>
      call('POST', '/tickets', {
        token: requester,
        json: { title: `Bench ticket ${i}`, description: 'Measured by the request bench.' },
      }),
    { expected: { UpdateItem: 1, TransactWriteItems: 1 }, from: '#2, #3' },
  );
  const withApprover = await measureRoute(
    'POST /tickets with approverId',
    (i) =>
      call('POST', '/tickets', {
        token: requester,
        json: {
          title: `Bench approval ${i}`,
          description: 'Measured by the request bench.',
          type: 'request',
          approverId: agentAccount.userId,
        },
      }),
    { expected: { GetItem: 1, UpdateItem: 1, TransactWriteItems: 1 }, from: '#1, #2, #3' },
    {
      notifierLabel: 'stream notifier, per approval request (email + SMS to the approver)',
      from: '#1 profiles, #13 log + idempotency record per send, the link item',
    },
  );

  // A ticket with 3 comments and 1 ready image.
  const thread = await newTicket('Bench thread');
  need(
    await call('POST', `/tickets/${thread.ticketId}/comments`, {
      token: requester,
      json: { body: 'First details' },
    }),
    201,
    'comment',
  );
  need(
    await call('POST', `/tickets/${thread.ticketId}/comments`, {
      token: agent,
      json: { body: 'Looking into it' },
    }),
    201,
    'comment',
  );
  need(
    await call('POST', `/tickets/${thread.ticketId}/comments`, {
      token: requester,
      json: { body: 'Thanks' },
    }),
    201,
    'comment',
  );
  const png = pngBytes();
  const asked = need(
    await call('POST', `/tickets/${thread.ticketId}/images`, {
      token: requester,
      json: { contentType: 'image/png', fileName: 'screen.png' },
    }),
    201,
    'image upload request',
  );
  await uploadImage(asked.body.upload, png);
  await stack.drained(60_000);
  const shown = need(
    await call('GET', `/tickets/${thread.ticketId}`, { token: requester }),
    200,
    'GET ticket',
  );
  const threadNote = `${shown.body.comments?.length ?? '?'} comments, ${shown.body.images?.length ?? '?'} ready image`;
  await measureRoute(
    'GET /tickets/{id} (3 comments, 1 image)',
    () => call('GET', `/tickets/${thread.ticketId}`, { token: requester }),
    { expected: { Query: 1 }, from: '#6', note: threadNote },
  );

  // Status changes by the agent: open → in_progress, then in_progress ↔ pending.
  const changing = await newTicket('Bench status changes');
  await measureRoute(
    'PATCH /tickets/{id} (status, agent)',
    (i) =>
      call('PATCH', `/tickets/${changing.ticketId}`, {
        token: agent,
        json: { status: i % 2 === 0 ? 'in_progress' : 'pending' },
      }),
    { expected: { GetItem: 1, TransactWriteItems: 1 }, from: '#8' },
    {
      notifierLabel: 'stream notifier, per status change (email to the requester)',
      from: '#7 ticket, #1 profile, #13 log + idempotency record per send',
    },
  );

  const commented = await newTicket('Bench comments');
  await measureRoute(
    'POST /tickets/{id}/comments (requester)',
    (i) =>
      call('POST', `/tickets/${commented.ticketId}/comments`, {
        token: requester,
        json: { body: `Detail ${i}` },
      }),
    { expected: { GetItem: 1, TransactWriteItems: 1 }, from: '#9' },
  );
  await measureRoute(
    'POST /tickets/{id}/comments (agent response)',
    (i) =>
      call('POST', `/tickets/${commented.ticketId}/comments`, {
        token: agent,
        json: { body: `Answer ${i}` },
      }),
    { expected: { GetItem: 1, TransactWriteItems: 1 }, from: '#9' },
    {
      notifierLabel: 'stream notifier, per agent response (email to the requester)',
      from: '#7 ticket, #1 profiles, #13 log + idempotency record per send',
    },
  );

  const pictured = await newTicket('Bench images');
  const uploads = await measureRoute(
    'POST /tickets/{id}/images',
    (i) =>
      call('POST', `/tickets/${pictured.ticketId}/images`, {
        token: requester,
        json: { contentType: 'image/png', fileName: `photo-${i}.png` },
      }),
    { expected: { GetItem: 1, PutItem: 1 }, from: '#12' },
  );
  // Each presigned POST used once: the object-created check's calls per image.
  const uploadStart = recorder.mark();
  let uploaded = 0;
  for (const response of uploads) {
    if (response.status !== 201) continue;
    await uploadImage(response.body.upload, png);
    uploaded++;
  }
  await stack.drained(60_000);
  addEventMeasurement(
    recorder.since(uploadStart),
    'imageCheck',
    'S3 image check, per uploaded image',
    { expected: { GetItem: 1, UpdateItem: 1 }, from: '#12b' },
    uploaded,
  );

  // Approval links from the approver's mails, one per ticket created with an approver.
  const store = (await (
    await fetch(stack.sesStoreUrl, { signal: AbortSignal.timeout(requestTimeoutMs) })
  ).json()) as {
    emails: { destination: { to: string[] }; subject: string; body: { text?: string } }[];
  };
  const links: string[] = [];
  for (const response of withApprover) {
    const number = response.body?.number as number | undefined;
    if (number === undefined) continue;
    const mail = store.emails.find(
      (email) =>
        email.destination.to.some((to) => to.includes(agentAccount.email)) &&
        new RegExp(`#${number}\\b`).test(email.subject),
    );
    const link = mail?.body.text?.match(/https?:\/\/[^\s"<>]+\/approvals\/[A-Za-z0-9_-]{43}/)?.[0];
    if (link) links.push(link);
  }
  if (links.length < repetitions) {
    throw new Error(`bench set-up: found ${links.length} approval links in the mails, need ${repetitions}`);
  }
  await measureRoute('GET /approvals/{token}', () => call('GET', links[0] as string), {
    expected: { GetItem: 3 },
    from: '#10, #1',
  });
  await measureRoute(
    'POST /approvals/{token} (approve)',
    (i) => call('POST', links[i] as string, { form: { decision: 'approve', reason: '' } }),
    { expected: { GetItem: 2, TransactWriteItems: 1 }, from: '#10, #11' },
    {
      notifierLabel: 'stream notifier, per approval decision (email + SMS to the requester)',
      from: '#1 profile, #13 log + idempotency record per send',
    },
  );

  // Measured first (with exactly `listedTickets` tickets), shown after ticket creation like the other reads.
  const groups: Measurement[][] = [];
  for (const measurement of measurements) {
    const current = groups.at(-1);
    if (measurement.kind === 'route' || !current) groups.push([measurement]);
    else current.push(measurement);
  }
  const isListing = (group: Measurement[]) => group[0]?.label.startsWith('GET /tickets?') ?? false;
  const others = groups.filter((group) => !isListing(group));
  const at = others.findIndex((group) => group[0]?.label === 'POST /tickets with approverId') + 1;
  others.splice(at, 0, ...groups.filter(isListing));
  return { measurements: others.flat(), listed, unattributed };

  async function uploadImage(target: { url: string; fields: Record<string, string> }, bytes: Uint8Array) {
    const form = new FormData();
    for (const [name, value] of Object.entries(target.fields)) form.append(name, value);
    form.append('file', new Blob([bytes], { type: 'image/png' }), 'upload.png');
    const response = await fetch(target.url, {
      method: 'POST',
      body: form,
      signal: AbortSignal.timeout(requestTimeoutMs),
    });
    await response.arrayBuffer();
    if (response.status >= 300)
      throw new Error(`bench set-up: image upload to S3 answered ${response.status}`);
  }
}

async function main(): Promise<void> {
  const started = performance.now();
  let stack: LocalStack | undefined;
  const watchdog = setTimeout(() => {
    console.error(`bench: still running after ${overallTimeoutMs / 60_000} minutes; stopping the stack.`);
    void (stack?.stop() ?? Promise.resolve()).finally(() => process.exit(1));
  }, overallTimeoutMs);
  watchdog.unref();
  try {
    console.log(
      `bench: starting the local stack (ephemeral, free ports); ${repetitions} repetitions per request ...`,
    );
    stack = await startLocalStack({ ports: 'free', quiet: true });
    // The shared clients read the environment the stack has just set: import them only now.
    const clients = await import('#shared/platform/aws-clients.ts');
    const recorder = new CallRecorder();
    recorder.install('DynamoDB', clients.dynamoClient());
    recorder.install('Cognito', clients.cognitoClient());
    recorder.install('S3', clients.s3Client());
    recorder.install('SES', clients.sesClient());
    recorder.install('SNS', clients.snsClient());

    const { measurements, listed: listedFacts, unattributed } = await run(stack, recorder);
    const failures = { stream: stack.failures.stream.length, s3: stack.failures.s3.length };
    const summaries = measurements.map(summarize);
    const seconds = (performance.now() - started) / 1000;
    const scans = summaries.reduce((total, s) => total + s.scans, 0);
    const errors = summaries.flatMap((s) =>
      [...s.errors.entries()].map(([error, count]) => `${s.measurement.label}: ${count}× ${error}`),
    );
    const notes = [
      scans === 0
        ? 'No Scan: none of the measured requests, nor the notifier or the image check, called Scan.'
        : `**Scan was called ${scans} time(s)**: see the Scan column.`,
      ...(() => {
        const differing = summaries
          .map((s) => ({ label: s.measurement.label, differences: docDifferences(s) }))
          .filter((d) => d.differences.length > 0);
        return differing.length === 0
          ? ['Every request made the DynamoDB calls docs/data-model.md states for it (where it states them).']
          : [
              `Different from docs/data-model.md's access-pattern table: ${differing
                .map((d) => `${d.label} (${d.differences.join(', ')})`)
                .join('; ')}.`,
            ];
      })(),
      `Listings: ${listedTickets} tickets present (all the requester's); the requester got ${listedFacts.requester} items` +
        `${listedFacts.requesterCursor ? ' and a next cursor' : ''}, the agent ${listedFacts.agent}` +
        `${listedFacts.agentCursor ? ' and a next cursor' : ''}.`,
      ...summaries
        .filter((s) => s.measurement.note)
        .map((s) => `${s.measurement.label}: ${s.measurement.note}.`),
      ...summaries
        .filter((s) => s.presigned > 0)
        .map(
          (s) =>
            `${s.measurement.label}: ${num(s.presigned)} URL(s) presigned per request with \`getSignedUrl\`, which runs` +
            ' the client middleware but sends nothing: not counted as an S3 call.',
        ),
      unattributed.length === 0
        ? 'Every handler call fell inside a request window or carried a notifier or image-check stack.'
        : `Handler calls made while no request was in flight (not counted above): ${unattributed.join('; ')}.`,
      errors.length === 0
        ? 'No SDK call failed.'
        : `SDK calls that failed (counted above; AWS bills failed conditional writes too): ${errors.join('; ')}.`,
      `Event sources: ${failures.stream} stream batches and ${failures.s3} S3 events exhausted their retries.`,
      'The gateway checks JWTs itself with a cached JWKS (as the HTTP API authorizer does): no Cognito call per' +
        ' request. Presigned POSTs and GET URLs are signed locally: no S3 call.',
    ];
    const date = new Date().toISOString().slice(0, 10);
    const machine = `Node ${process.version}, ${os.cpus().length} CPUs, load average ${os.loadavg()[0]?.toFixed(1)} at the end`;
    console.log(`\n${callsTable(summaries)}\n\n${costTable(summaries)}\n`);
    for (const note of notes) console.log(`- ${note}`);
    const content = section(summaries, {
      date,
      commit: gitDescription(),
      repetitions,
      seconds,
      machine,
      notes,
    });
    if (writeDocs) {
      const file = path.join(repoRoot, 'docs', 'benchmarks.md');
      writeSection(file, content);
      console.log(
        `\nbench: wrote its section of ${path.relative(process.cwd(), file)} (${seconds.toFixed(0)} s).`,
      );
    } else {
      console.log(`\nbench: done in ${seconds.toFixed(0)} s (--no-docs: docs/benchmarks.md left alone).`);
    }
  } finally {
    clearTimeout(watchdog);
    await stack?.stop();
  }
}

main().catch((error: unknown) => {
  console.error('bench failed:', error);
  process.exitCode = 1;
});
