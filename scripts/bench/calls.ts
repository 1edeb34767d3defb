/**
 * The AWS calls of every request, one route after the other on a small table: DynamoDB calls and capacity,
 * Cognito, S3, SES and SNS calls per request, and the calls of the stream notifier and the S3 image check each
 * request sets off (counted until the event sources are drained). The expectations come from
 * `docs/data-model.md` (`data-model.ts`).
 *
 * Also returns, per function, a way to make requests of it ({@link HandlerRequests}), for the handler timings.
 */
import { randomUUID } from 'node:crypto';
import type { ApiResponse } from '../../test/support/api-client.ts';
import { pngBytes } from '../../test/support/sample-images.ts';
import type { SeededAccount } from '../local/demo-accounts.ts';
import type { LocalStack } from '../local/stack.ts';
import type { CallRecorder, RecordedCall } from './aws-calls.ts';
import { type AccessPattern, expectationFor, expectationForSource, type RequestRef } from './data-model.ts';
import type { BenchRequest, Invoker } from './invoke.ts';
import type { Measurement, MeasurementKind } from './report.ts';

/** Per route id: the i-th request of a series the bench can time (valid to repeat). */
export type HandlerRequests = Record<string, (i: number) => BenchRequest>;

export interface CallsContext {
  readonly stack: LocalStack;
  readonly recorder: CallRecorder;
  readonly invoker: Invoker;
  readonly patterns: readonly AccessPattern[];
  readonly repetitions: number;
  readonly requester: SeededAccount;
  readonly agent: SeededAccount;
  readonly tokens: { requester: string; agent: string; refresh: string };
  /** Called for every ticket the API created. */
  readonly onTicketCreated: () => void;
}

export interface CallsResult {
  readonly measurements: Measurement[];
  readonly listed: { requester: number; agent: number; requesterCursor: boolean; agentCursor: boolean };
  /** Handler calls made while no request was in flight (none expected), per measurement. */
  readonly unattributed: string[];
  readonly handlerRequests: HandlerRequests;
  /** Tickets the handler timings may read and change. */
  readonly tickets: { thread: string; changing: string; commented: string; pictured: string };
}

/** Tickets present when the listings are measured (the page size is 25). */
export const listedTickets = 30;

/** Fails a set-up step (not a measurement) with what the API answered. */
export function need(response: ApiResponse, status: number, what: string): ApiResponse {
  if (response.status !== status) {
    throw new Error(
      `bench set-up: ${what} answered ${response.status}, expected ${status}: ${response.text.slice(0, 300)}`,
    );
  }
  return response;
}

export async function uploadImage(
  target: { url: string; fields: Record<string, string> },
  bytes: Uint8Array,
) {
  const form = new FormData();
  for (const [name, value] of Object.entries(target.fields)) form.append(name, value);
  form.append('file', new Blob([bytes], { type: 'image/png' }), 'upload.png');
  const response = await fetch(target.url, {
    method: 'POST',
    body: form,
    signal: AbortSignal.timeout(30_000),
  });
  await response.arrayBuffer();
  if (response.status >= 300) throw new Error(`bench set-up: image upload to S3 answered ${response.status}`);
}

export async function measureCalls(context: CallsContext): Promise<CallsResult> {
  const { stack, recorder, invoker, patterns, repetitions, tokens } = context;
  const http = async (request: BenchRequest) => {
    const response = await invoker.http(request);
    if (request.method === 'POST' && request.path === '/tickets' && response.status === 201) {
      context.onTicketCreated();
    }
    return response;
  };
  const newTicket = async (title: string) =>
    need(
      await http({
        method: 'POST',
        path: '/tickets',
        token: tokens.requester,
        json: { title, description: 'Measured by the request bench.' },
      }),
      201,
      'POST /tickets',
    ).body as { ticketId: string; number: number };

  const measurements: Measurement[] = [];
  const unattributed: string[] = [];

  /**
   * Runs `step` `repetitions` times, one request after the other; the calls made while each request is in flight
   * (except the notifier's and the image check's) are the request's. Drains stream and S3 events before and
   * after, so that the notifier's and the image check's calls caused by these requests, and only those, get
   * their own rows.
   */
  async function measureRoute(
    label: string,
    step: (i: number) => BenchRequest,
    ref: RequestRef,
    options: { note?: string; notifierLabel?: string; inspect?: (response: ApiResponse) => void } = {},
  ): Promise<ApiResponse[]> {
    await stack.drained(60_000);
    const phaseStart = recorder.mark();
    const statuses = new Map<number, number>();
    const latencies: number[] = [];
    const calls: RecordedCall[] = [];
    const callsPerRepetition: number[] = [];
    const responses: ApiResponse[] = [];
    let routeId: string | undefined;
    let first: BenchRequest | undefined;
    for (let i = 0; i < repetitions; i++) {
      const request = step(i);
      first ??= request;
      routeId ??= invoker.routeOf(request);
      const mark = recorder.mark();
      const response = await http(request);
      options.inspect?.(response);
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
      routeId,
      request: ref.request,
      count: repetitions,
      statuses,
      latencies,
      calls,
      callsPerRepetition,
      expectation: expectationFor(patterns, {
        ...ref,
        authenticated: first ? invoker.authenticated(first) : undefined,
      }),
      note: options.note,
    });
    await stack.drained(60_000);
    const phase = recorder.since(phaseStart);
    const stray = phase.filter((c) => c.source === 'other').length - calls.length;
    if (stray > 0) unattributed.push(`${label}: ${stray}`);
    addEventMeasurement(phase, 'notifier', options.notifierLabel ?? `stream notifier, per ${label}`);
    addEventMeasurement(phase, 'imageCheck', `S3 image check, per ${label}`);
    return responses;
  }

  function addEventMeasurement(
    phase: RecordedCall[],
    kind: Exclude<MeasurementKind, 'route'>,
    label: string,
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
      expectation: expectationForSource(
        patterns,
        kind === 'notifier' ? 'stream notifier' : 'S3 object-created',
      ),
    });
  }

  // Listings first, with exactly `listedTickets` tickets in the table.
  for (let i = 0; i < listedTickets; i++) await newTicket(`Bench listing ticket ${i + 1}`);
  const listed = { requester: 0, agent: 0, requesterCursor: false, agentCursor: false };
  await measureRoute(
    'GET /tickets?limit=25 (requester)',
    () => ({ method: 'GET', path: '/tickets?limit=25', token: tokens.requester }),
    { request: 'GET /tickets', audience: 'requesters' },
    {
      inspect: (response) => {
        listed.requester = response.body?.items?.length ?? 0;
        listed.requesterCursor = Boolean(response.body?.nextCursor);
      },
    },
  );
  await measureRoute(
    'GET /tickets?limit=25 (agent)',
    () => ({ method: 'GET', path: '/tickets?limit=25', token: tokens.agent }),
    { request: 'GET /tickets', audience: 'agents' },
    {
      inspect: (response) => {
        listed.agent = response.body?.items?.length ?? 0;
        listed.agentCursor = Boolean(response.body?.nextCursor);
      },
    },
  );

  const runId = randomUUID().slice(0, 8);
  const signUp = (i: number): BenchRequest => ({
    method: 'POST',
    path: '/auth/signup',
    json: { email: `bench-${runId}-${i}@example.com`, password: 'Bench-pass-1', name: `Bench User ${i}` },
  });
  let signUps = 0;
  await measureRoute('POST /auth/signup', () => signUp(signUps++), { request: 'POST /auth/signup' });
  const logIn = (): BenchRequest => ({
    method: 'POST',
    path: '/auth/login',
    json: { email: context.requester.email, password: context.requester.password },
  });
  await measureRoute('POST /auth/login', logIn, { request: 'POST /auth/login' });
  const refresh = (): BenchRequest => ({
    method: 'POST',
    path: '/auth/refresh',
    json: { refreshToken: tokens.refresh },
  });
  await measureRoute('POST /auth/refresh', refresh, { request: 'POST /auth/refresh' });
  const me = (): BenchRequest => ({ method: 'GET', path: '/me', token: tokens.requester });
  await measureRoute('GET /me', me, { request: 'GET /me' });
  const create = (i: number): BenchRequest => ({
    method: 'POST',
    path: '/tickets',
    token: tokens.requester,
    json: { title: `Bench ticket ${i}`, description: 'Measured by the request bench.' },
  });
  await measureRoute('POST /tickets', create, { request: 'POST /tickets' });
  const withApprover = await measureRoute(
    'POST /tickets with approverId',
    (i) => ({
      method: 'POST',
      path: '/tickets',
      token: tokens.requester,
      json: {
        title: `Bench approval ${i}`,
        description: 'Measured by the request bench.',
        type: 'request',
        approverId: context.agent.userId,
      },
    }),
    { request: 'POST /tickets', also: ['approver/assignee checks'] },
    { notifierLabel: 'stream notifier, per approval request (email + SMS to the approver)' },
  );

  // A ticket with 3 comments and 1 ready image.
  const thread = await newTicket('Bench thread');
  for (const [token, body] of [
    [tokens.requester, 'First details'],
    [tokens.agent, 'Looking into it'],
    [tokens.requester, 'Thanks'],
  ] as const) {
    need(
      await http({ method: 'POST', path: `/tickets/${thread.ticketId}/comments`, token, json: { body } }),
      201,
      'comment',
    );
  }
  const png = pngBytes();
  const asked = need(
    await http({
      method: 'POST',
      path: `/tickets/${thread.ticketId}/images`,
      token: tokens.requester,
      json: { contentType: 'image/png', fileName: 'screen.png' },
    }),
    201,
    'image upload request',
  );
  await uploadImage(asked.body.upload, png);
  await stack.drained(60_000);
  const shown = need(
    await http({ method: 'GET', path: `/tickets/${thread.ticketId}`, token: tokens.requester }),
    200,
    'GET ticket',
  );
  const threadNote = `${shown.body.comments?.length ?? '?'} comments, ${shown.body.images?.length ?? '?'} ready image`;
  const getTicket = (): BenchRequest => ({
    method: 'GET',
    path: `/tickets/${thread.ticketId}`,
    token: tokens.requester,
  });
  await measureRoute(
    'GET /tickets/{id} (3 comments, 1 image)',
    getTicket,
    { request: 'GET /tickets/{id}' },
    {
      note: threadNote,
    },
  );
  const listComments = (): BenchRequest => ({
    method: 'GET',
    path: `/tickets/${thread.ticketId}/comments`,
    token: tokens.requester,
  });
  await measureRoute('GET /tickets/{id}/comments (3 comments)', listComments, {
    request: 'GET /tickets/{id}/comments',
  });

  // Status changes by the agent: open → in_progress, then in_progress ↔ pending.
  const changing = await newTicket('Bench status changes');
  let changes = 0;
  const change = (): BenchRequest => ({
    method: 'PATCH',
    path: `/tickets/${changing.ticketId}`,
    token: tokens.agent,
    json: { status: changes++ % 2 === 0 ? 'in_progress' : 'pending' },
  });
  await measureRoute(
    'PATCH /tickets/{id} (status, agent)',
    change,
    { request: 'PATCH /tickets/{id}' },
    {
      notifierLabel: 'stream notifier, per status change (email to the requester)',
    },
  );

  const commented = await newTicket('Bench comments');
  const comment = (i: number): BenchRequest => ({
    method: 'POST',
    path: `/tickets/${commented.ticketId}/comments`,
    token: tokens.requester,
    json: { body: `Detail ${i}` },
  });
  await measureRoute('POST /tickets/{id}/comments (requester)', comment, {
    request: 'POST /tickets/{id}/comments',
  });
  await measureRoute(
    'POST /tickets/{id}/comments (agent response)',
    (i) => ({
      method: 'POST',
      path: `/tickets/${commented.ticketId}/comments`,
      token: tokens.agent,
      json: { body: `Answer ${i}` },
    }),
    { request: 'POST /tickets/{id}/comments' },
    { notifierLabel: 'stream notifier, per agent response (email to the requester)' },
  );

  const pictured = await newTicket('Bench images');
  const imageUpload = (i: number): BenchRequest => ({
    method: 'POST',
    path: `/tickets/${pictured.ticketId}/images`,
    token: tokens.requester,
    json: { contentType: 'image/png', fileName: `photo-${i}.png` },
  });
  const uploads = await measureRoute('POST /tickets/{id}/images', imageUpload, {
    request: 'POST /tickets/{id}/images',
  });
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
    uploaded,
  );

  // Approval links from the approver's mails, one per ticket created with an approver.
  const store = (await (await fetch(stack.sesStoreUrl, { signal: AbortSignal.timeout(30_000) })).json()) as {
    emails: { destination: { to: string[] }; subject: string; body: { text?: string } }[];
  };
  const links: string[] = [];
  for (const response of withApprover) {
    const number = response.body?.number as number | undefined;
    if (number === undefined) continue;
    const mail = store.emails.find(
      (email) =>
        email.destination.to.some((to) => to.includes(context.agent.email)) &&
        new RegExp(`#${number}\\b`).test(email.subject),
    );
    const link = mail?.body.text?.match(/https?:\/\/[^\s"<>]+\/approvals\/[A-Za-z0-9_-]{20,}/)?.[0];
    if (link) links.push(link);
  }
  if (links.length < repetitions) {
    throw new Error(`bench set-up: found ${links.length} approval links in the mails, need ${repetitions}`);
  }
  const showApproval = (): BenchRequest => ({ method: 'GET', path: links[0] as string });
  await measureRoute('GET /approvals/{token}', showApproval, { request: 'GET /approvals/{token}' });
  await measureRoute(
    'POST /approvals/{token} (approve)',
    (i) => ({ method: 'POST', path: links[i] as string, form: { decision: 'approve', reason: '' } }),
    { request: 'POST /approvals/{token}' },
    { notifierLabel: 'stream notifier, per approval decision (email + SMS to the requester)' },
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

  let timedSignUps = 0;
  const handlerRequests: HandlerRequests = {
    GetHealth: () => ({ method: 'GET', path: '/health' }),
    GetOpenApi: () => ({ method: 'GET', path: '/openapi.json' }),
    SignUp: () => signUp(1000 + timedSignUps++),
    LogIn: logIn,
    RefreshTokens: refresh,
    GetMe: me,
    CreateTicket: create,
    ListTickets: () => ({ method: 'GET', path: '/tickets?limit=25', token: tokens.agent }),
    GetTicket: getTicket,
    ListComments: listComments,
    UpdateTicket: change,
    CreateComment: comment,
    CreateImageUpload: imageUpload,
    ShowApproval: showApproval,
  };
  return {
    measurements: others.flat(),
    listed,
    unattributed,
    handlerRequests,
    tickets: {
      thread: thread.ticketId,
      changing: changing.ticketId,
      commented: commented.ticketId,
      pictured: pictured.ticketId,
    },
  };
}
