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

/**
 * Per route id: the i-th request of a series the bench can time (valid to repeat). A request that changes or
 * deletes an object creates that object first (through the API, before it is timed), so each one finds it fresh.
 */
export type HandlerRequests = Record<string, (i: number) => BenchRequest | Promise<BenchRequest>>;

export interface CallsContext {
  readonly stack: LocalStack;
  readonly recorder: CallRecorder;
  readonly invoker: Invoker;
  readonly patterns: readonly AccessPattern[];
  readonly repetitions: number;
  readonly requester: SeededAccount;
  readonly agent: SeededAccount;
  readonly admin: SeededAccount;
  readonly tokens: { requester: string; agent: string; admin: string; refresh: string };
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
    addEventMeasurement(phase, 'ticketCleanup', `table maintenance, per ${label}`);
    return responses;
  }

  /** What the Request column of `docs/data-model.md` calls each event handler. */
  const sourcePhrases: Record<Exclude<MeasurementKind, 'route'>, string> = {
    notifier: 'stream notifier',
    imageCheck: 'S3 object-created',
    ticketCleanup: 'table-maintenance stream consumer',
  };

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
      expectation: expectationForSource(patterns, sourcePhrases[kind]),
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
  // An admin sees every part: their own counters, the global counter shards, the cable balances (#DS1).
  const dashboard = (): BenchRequest => ({ method: 'GET', path: '/dashboard/stats', token: tokens.admin });
  await measureRoute('GET /dashboard/stats (admin)', dashboard, { request: 'GET /dashboard/stats' });
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
  const threadComments: string[] = [];
  for (const [token, body] of [
    [tokens.requester, 'First details'],
    [tokens.agent, 'Looking into it'],
    [tokens.requester, 'Thanks'],
  ] as const) {
    const posted = need(
      await http({ method: 'POST', path: `/tickets/${thread.ticketId}/comments`, token, json: { body } }),
      201,
      'comment',
    );
    threadComments.push(posted.body.commentId as string);
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

  // A ticket holds at most 20 images waiting for their upload (shared/images/rules.ts): one ticket per 20 requests.
  const pictured: { ticketId: string }[] = [];
  for (let i = 0; i < Math.ceil(repetitions / 20); i++) pictured.push(await newTicket(`Bench images ${i}`));
  const imageUpload = (i: number): BenchRequest => ({
    method: 'POST',
    path: `/tickets/${pictured[Math.floor(i / 20)]?.ticketId}/images`,
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
    // `version`: the page's hidden field (required); these tickets are fresh, at version 1.
    (i) => ({
      method: 'POST',
      path: links[i] as string,
      form: { decision: 'approve', reason: '', version: '1' },
    }),
    { request: 'POST /approvals/{token}' },
    { notifierLabel: 'stream notifier, per approval decision (email + SMS to the requester)' },
  );

  // ---- People, roles, and the newer ticket and comment routes ----

  /**
   * Measures a request that changes or deletes an object: `repetitions` fresh objects first (drained before the
   * series by `measureRoute`), one per request; returns the handler timings' maker, which makes its own object.
   */
  async function measureFresh<T>(
    label: string,
    fresh: () => Promise<T>,
    request: (object: T, i: number) => BenchRequest,
    ref: RequestRef,
    options: { notifierLabel?: string } = {},
  ): Promise<(i: number) => Promise<BenchRequest>> {
    const objects: T[] = [];
    for (let i = 0; i < repetitions; i++) objects.push(await fresh());
    await measureRoute(label, (i) => request(objects[i] as T, i), ref, options);
    return async (i) => request(await fresh(), i);
  }
  let serial = 0;
  const setUp = async (request: BenchRequest, status: number, what: string) =>
    need(await http(request), status, what).body;

  const customRole = `b${runId}-role`;
  await setUp(
    {
      method: 'POST',
      path: '/roles',
      token: tokens.admin,
      json: { name: customRole, description: 'Bench role', permissions: { canCreateTickets: true } },
    },
    201,
    'POST /roles',
  );
  const newRole = async () => {
    const name = `b${runId}-r${serial++}`;
    await setUp(
      {
        method: 'POST',
        path: '/roles',
        token: tokens.admin,
        json: { name, permissions: { canViewAll: true } },
      },
      201,
      'POST /roles',
    );
    return name;
  };
  const newUser = async () => {
    const n = serial++;
    const email = `bench-${runId}-u${n}@example.com`;
    const body = await setUp(
      {
        method: 'POST',
        path: '/users',
        token: tokens.admin,
        json: { email, name: `Bench Person ${n}`, role: 'requester' },
      },
      201,
      'POST /users',
    );
    return { userId: body.userId as string, email, temporaryPassword: body.temporaryPassword as string };
  };

  // Users.
  const createUser = (i: number): BenchRequest => ({
    method: 'POST',
    path: '/users',
    token: tokens.admin,
    json: { email: `bench-${runId}-c${serial++}@example.com`, name: `Bench Staff ${i}`, role: customRole },
  });
  await measureRoute('POST /users (custom role)', createUser, { request: 'POST /users' });
  const listUsers = (): BenchRequest => ({ method: 'GET', path: '/users?limit=25', token: tokens.admin });
  await measureRoute('GET /users?limit=25', listUsers, { request: 'GET /users' });
  const getUser = (): BenchRequest => ({
    method: 'GET',
    path: `/users/${context.requester.userId}`,
    token: tokens.admin,
  });
  await measureRoute('GET /users/{id} (the requester)', getUser, { request: 'GET /users/{id}' });
  const updateUser = await measureFresh(
    'PATCH /users/{id} (name, admin)',
    newUser,
    (user, i) => ({
      method: 'PATCH',
      path: `/users/${user.userId}`,
      token: tokens.admin,
      json: { name: `Renamed Person ${i}` },
    }),
    { request: 'PATCH /users/{id}' },
  );
  const replaceUser = await measureFresh(
    'PUT /users/{id} (admin)',
    newUser,
    (user, i) => ({
      method: 'PUT',
      path: `/users/${user.userId}`,
      token: tokens.admin,
      json: { name: `Replaced Person ${i}`, email: user.email, smsOptIn: false },
    }),
    { request: 'PUT /users/{id}' },
  );
  const deleteUser = await measureFresh(
    'DELETE /users/{id}',
    newUser,
    (user) => ({ method: 'DELETE', path: `/users/${user.userId}`, token: tokens.admin }),
    { request: 'DELETE /users/{id}' },
  );
  const setNewPassword = await measureFresh(
    'POST /auth/password (first sign-in)',
    async () => {
      const user = await newUser();
      const challenge = await setUp(
        {
          method: 'POST',
          path: '/auth/login',
          json: { email: user.email, password: user.temporaryPassword },
        },
        409,
        'POST /auth/login (temporary password)',
      );
      return challenge.session as string;
    },
    (session) => ({
      method: 'POST',
      path: '/auth/password',
      json: { session, newPassword: 'Bench-pass-2' },
    }),
    { request: 'POST /auth/password' },
  );
  const logOut = await measureFresh(
    'POST /auth/logout',
    async () => {
      const n = serial++;
      const email = `bench-${runId}-s${n}@example.com`;
      await setUp(
        {
          method: 'POST',
          path: '/auth/signup',
          json: { email, password: 'Bench-pass-1', name: `Bench Out ${n}` },
        },
        201,
        'POST /auth/signup',
      );
      // A self sign-up signs in once confirmed: the code Cognito mailed (locally in the SES emulator's store).
      const store = (await (await fetch(context.stack.sesStoreUrl)).json()) as {
        emails: { destination: { to: string[] }; body: { text?: string } }[];
      };
      const code = store.emails
        .filter((mail) => mail.destination.to.some((to) => to.includes(email)))
        .map((mail) => mail.body.text?.match(/verification code is (\d{6})/)?.[1])
        .findLast((found) => found !== undefined);
      await setUp(
        { method: 'POST', path: '/auth/confirm', json: { email, code } },
        204,
        'POST /auth/confirm',
      );
      const session = await setUp(
        { method: 'POST', path: '/auth/login', json: { email, password: 'Bench-pass-1' } },
        200,
        'POST /auth/login',
      );
      return { accessToken: session.accessToken as string, refreshToken: session.refreshToken as string };
    },
    (session) => ({
      method: 'POST',
      path: '/auth/logout',
      token: session.accessToken,
      json: { refreshToken: session.refreshToken },
    }),
    { request: 'POST /auth/logout' },
  );
  const listApprovers = (): BenchRequest => ({
    method: 'GET',
    path: '/approvers?name=A',
    token: tokens.requester,
  });
  await measureRoute('GET /approvers?name=A', listApprovers, { request: 'GET /approvers?name=A' });

  // Roles.
  const listRoles = (): BenchRequest => ({ method: 'GET', path: '/roles', token: tokens.admin });
  await measureRoute('GET /roles', listRoles, { request: 'GET /roles' });
  const createRole = (): BenchRequest => ({
    method: 'POST',
    path: '/roles',
    token: tokens.admin,
    json: { name: `b${runId}-n${serial++}`, description: 'Bench role', permissions: { canViewAll: true } },
  });
  await measureRoute('POST /roles', createRole, { request: 'POST /roles' });
  const getRole = (): BenchRequest => ({ method: 'GET', path: `/roles/${customRole}`, token: tokens.admin });
  await measureRoute('GET /roles/{name} (custom role)', getRole, { request: 'GET /roles/{name}' });
  const updateRole = await measureFresh(
    'PATCH /roles/{name}',
    newRole,
    (name, i) => ({
      method: 'PATCH',
      path: `/roles/${name}`,
      token: tokens.admin,
      json: { description: `Changed ${i}` },
    }),
    { request: 'PATCH /roles/{name}' },
  );
  const replaceRole = await measureFresh(
    'PUT /roles/{name}',
    newRole,
    (name) => ({
      method: 'PUT',
      path: `/roles/${name}`,
      token: tokens.admin,
      json: {
        description: 'Replaced',
        permissions: {
          canViewAll: true,
          canEditAll: false,
          canDeleteAll: false,
          canManageUsers: false,
          canManageTickets: true,
          canAssignTickets: false,
          canCreateTickets: true,
        },
      },
    }),
    { request: 'PUT /roles/{name}' },
  );
  const deleteRole = await measureFresh(
    'DELETE /roles/{name}',
    newRole,
    (name) => ({ method: 'DELETE', path: `/roles/${name}`, token: tokens.admin }),
    { request: 'DELETE /roles/{name}' },
  );

  // Tickets.
  const freshTicket = async () => (await newTicket(`Bench fresh ticket ${serial++}`)).ticketId;
  const replaceTicket = await measureFresh(
    'PUT /tickets/{id} (agent)',
    freshTicket,
    (ticketId, i) => ({
      method: 'PUT',
      path: `/tickets/${ticketId}`,
      token: tokens.agent,
      json: { title: `Bench replaced ${i}`, description: 'Replaced by the request bench.', priority: 'high' },
    }),
    { request: 'PUT /tickets/{id}' },
  );
  const deleteTicket = await measureFresh(
    'DELETE /tickets/{id} (requester, untouched ticket)',
    freshTicket,
    (ticketId) => ({ method: 'DELETE', path: `/tickets/${ticketId}`, token: tokens.requester }),
    { request: 'DELETE /tickets/{id}' },
  );
  const takeTicket = await measureFresh(
    'POST /tickets/{id}/take (agent)',
    freshTicket,
    (ticketId) => ({ method: 'POST', path: `/tickets/${ticketId}/take`, token: tokens.agent, json: {} }),
    { request: 'POST /tickets/{id}/take' },
  );
  const listTicketEvents = (): BenchRequest => ({
    method: 'GET',
    path: `/tickets/${changing.ticketId}/events`,
    token: tokens.requester,
  });
  await measureRoute('GET /tickets/{id}/events (status changes)', listTicketEvents, {
    request: 'GET /tickets/{id}/events',
  });

  // Comments.
  const commentOnTicket = (i: number): BenchRequest => ({
    method: 'POST',
    path: '/comments',
    token: tokens.requester,
    json: { ticketId: commented.ticketId, body: `Detail by body ${i}` },
  });
  await measureRoute('POST /comments (requester)', commentOnTicket, { request: 'POST /comments' });
  const commentsByAuthor = (): BenchRequest => ({
    method: 'GET',
    path: `/comments?authorId=${context.requester.userId}&limit=25`,
    token: tokens.agent,
  });
  await measureRoute('GET /comments?authorId= (agent)', commentsByAuthor, {
    request: 'GET /comments',
    variant: 'by author',
  });
  await measureRoute(
    'GET /comments?ticketId= (agent, 3 comments)',
    () => ({ method: 'GET', path: `/comments?ticketId=${thread.ticketId}&limit=25`, token: tokens.agent }),
    { request: 'GET /comments', variant: 'by ticket' },
  );
  const getComment = (): BenchRequest => ({
    method: 'GET',
    path: `/comments/${threadComments[0]}`,
    token: tokens.requester,
  });
  await measureRoute('GET /comments/{id}', getComment, { request: 'GET /comments/{id}' });
  const edited = await newTicket('Bench comment edits');
  const freshComment = async () =>
    (
      await setUp(
        {
          method: 'POST',
          path: `/tickets/${edited.ticketId}/comments`,
          token: tokens.requester,
          json: { body: `To be changed ${serial++}` },
        },
        201,
        'comment',
      )
    ).commentId as string;
  const updateComment = await measureFresh(
    'PATCH /comments/{id} (author)',
    freshComment,
    (commentId, i) => ({
      method: 'PATCH',
      path: `/comments/${commentId}`,
      token: tokens.requester,
      json: { body: `Edited ${i}` },
    }),
    { request: 'PATCH /comments/{id}' },
  );
  const replaceComment = await measureFresh(
    'PUT /comments/{id} (author)',
    freshComment,
    (commentId, i) => ({
      method: 'PUT',
      path: `/comments/${commentId}`,
      token: tokens.requester,
      json: { body: `Replaced ${i}` },
    }),
    { request: 'PUT /comments/{id}' },
  );
  const deleteComment = await measureFresh(
    'DELETE /comments/{id} (author)',
    freshComment,
    (commentId) => ({ method: 'DELETE', path: `/comments/${commentId}`, token: tokens.requester }),
    { request: 'DELETE /comments/{id}' },
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
  // A fresh pending optics request of the requester, for the optics reads and decisions.
  const benchOpticsRequest = async (i: number) =>
    (
      await setUp(
        {
          method: 'POST',
          path: '/optics/requests',
          token: tokens.requester,
          json: { part: 'Other', description: `Bench optic to decide ${i}`, quantity: 1 },
        },
        201,
        'POST /optics/requests',
      )
    ).requestId as string;
  /** A fresh customer of the agent, made through the API before the timed request. */
  const benchCustomer = async () =>
    (
      need(
        await http({
          method: 'POST',
          path: '/customers',
          token: tokens.agent,
          json: { name: 'Bench Customer', email: `bench-customer-${serial++}-${randomUUID()}@example.com` },
        }),
        201,
        'POST /customers',
      ).body as { customerId: string }
    ).customerId;
  const handlerRequests: HandlerRequests = {
    GetHealth: () => ({ method: 'GET', path: '/health' }),
    GetOpenApi: () => ({ method: 'GET', path: '/openapi.json' }),
    GetDocs: () => ({ method: 'GET', path: '/docs' }),
    SignUp: () => signUp(1000 + timedSignUps++),
    // A code nobody was sent (422) and a fresh address each time (204, no cooldown hit): the handlers' whole path.
    ConfirmSignUp: (i) => ({
      method: 'POST',
      path: '/auth/confirm',
      json: { email: `bench-confirm-${runId}-${i}@example.com`, code: '123456' },
    }),
    ResendConfirmationCode: (i) => ({
      method: 'POST',
      path: '/auth/confirm/resend',
      json: { email: `bench-resend-${runId}-${i}@example.com` },
    }),
    // The demo agent's number is verified: 409 after the profile read, no SMS.
    RequestPhoneCode: () => ({ method: 'POST', path: '/me/phone/code', json: {}, token: tokens.agent }),
    VerifyPhone: () => ({
      method: 'POST',
      path: '/me/phone/verify',
      json: { code: '123456' },
      token: tokens.agent,
    }),
    // The demo agent has no email change waiting: 409 after the profile read, no mail, no Cognito call.
    VerifyEmail: () => ({
      method: 'POST',
      path: '/me/email/verify',
      json: { code: '123456' },
      token: tokens.agent,
    }),
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
    SetNewPassword: setNewPassword,
    LogOut: logOut,
    CreateUser: createUser,
    ListUsers: listUsers,
    GetUser: getUser,
    UpdateUser: updateUser,
    ReplaceUser: replaceUser,
    DeleteUser: deleteUser,
    ListApprovers: listApprovers,
    ListRoles: listRoles,
    CreateRole: createRole,
    GetRole: getRole,
    UpdateRole: updateRole,
    ReplaceRole: replaceRole,
    DeleteRole: deleteRole,
    ReplaceTicket: replaceTicket,
    DeleteTicket: deleteTicket,
    TakeTicket: takeTicket,
    ListTicketEvents: listTicketEvents,
    CreateCommentOnTicket: commentOnTicket,
    ListAllComments: commentsByAuthor,
    GetComment: getComment,
    UpdateComment: updateComment,
    ReplaceComment: replaceComment,
    DeleteComment: deleteComment,
    ListDeadLetters: () => ({
      method: 'GET',
      path: '/notifications/dead-letters?limit=10',
      token: tokens.admin,
    }),
    RedriveDeadLetters: () => ({
      method: 'POST',
      path: '/notifications/dead-letters/redrive',
      token: tokens.admin,
      json: { max: 10 },
    }),
    CreateCustomer: () => ({
      method: 'POST',
      path: '/customers',
      token: tokens.agent,
      json: {
        name: `Bench Customer ${serial}`,
        email: `bench-customer-${serial++}-${randomUUID()}@example.com`,
      },
    }),
    ListCustomers: () => ({ method: 'GET', path: '/customers?limit=25', token: tokens.agent }),
    GetCustomer: async () => ({
      method: 'GET',
      path: `/customers/${await benchCustomer()}`,
      token: tokens.agent,
    }),
    UpdateCustomer: async () => ({
      method: 'PATCH',
      path: `/customers/${await benchCustomer()}`,
      token: tokens.agent,
      json: { notes: `Bench note ${serial++}` },
    }),
    DeleteCustomer: async () => ({
      method: 'DELETE',
      path: `/customers/${await benchCustomer()}`,
      token: tokens.agent,
    }),
    CreateMacro: () => ({
      method: 'POST',
      path: '/macros',
      token: tokens.agent,
      json: { name: `Bench macro ${serial++}`, body: 'Hello {{requester.name}}', actions: { reply: 'note' } },
    }),
    ListMacros: () => ({ method: 'GET', path: '/macros?limit=25', token: tokens.agent }),
    GetMacro: async () => ({
      method: 'GET',
      path: `/macros/${(await setUp({ method: 'POST', path: '/macros', token: tokens.agent, json: { name: `Bench macro ${serial++}`, actions: { priority: 'low' } } }, 201, 'POST /macros')).macroId}`,
      token: tokens.agent,
    }),
    UpdateMacro: async () => ({
      method: 'PATCH',
      path: `/macros/${(await setUp({ method: 'POST', path: '/macros', token: tokens.agent, json: { name: `Bench macro ${serial++}`, actions: { priority: 'low' } } }, 201, 'POST /macros')).macroId}`,
      token: tokens.agent,
      json: { name: `Bench renamed ${serial++}` },
    }),
    DeleteMacro: async () => ({
      method: 'DELETE',
      path: `/macros/${(await setUp({ method: 'POST', path: '/macros', token: tokens.agent, json: { name: `Bench macro ${serial++}`, actions: { priority: 'low' } } }, 201, 'POST /macros')).macroId}`,
      token: tokens.agent,
    }),
    ApplyMacro: async () => ({
      method: 'POST',
      path: `/tickets/${await freshTicket()}/macros/${(await setUp({ method: 'POST', path: '/macros', token: tokens.agent, json: { name: `Bench macro ${serial++}`, body: 'Hello {{requester.name}}', actions: { reply: 'response', status: 'pending', priority: 'high' } } }, 201, 'POST /macros')).macroId}/apply`,
      token: tokens.agent,
      json: {},
    }),
    // The agent writes to the requester (anyone for canManageTickets); edits and deletes act on a fresh message.
    SendMessage: () => ({
      method: 'POST',
      path: `/conversations/${context.requester.userId}/messages`,
      token: tokens.agent,
      json: { body: `Bench message ${serial++}` },
    }),
    ListConversations: () => ({ method: 'GET', path: '/conversations?limit=25', token: tokens.requester }),
    ListMessages: () => ({
      method: 'GET',
      path: `/conversations/${context.agent.userId}/messages?limit=25`,
      token: tokens.requester,
    }),
    UpdateMessage: async () => ({
      method: 'PATCH',
      path: `/messages/${(await setUp({ method: 'POST', path: `/conversations/${context.requester.userId}/messages`, token: tokens.agent, json: { body: `Bench message ${serial++}` } }, 201, 'POST /conversations/{userId}/messages')).messageId}`,
      token: tokens.agent,
      json: { body: `Bench edited ${serial++}` },
    }),
    DeleteMessage: async () => ({
      method: 'DELETE',
      path: `/messages/${(await setUp({ method: 'POST', path: `/conversations/${context.requester.userId}/messages`, token: tokens.agent, json: { body: `Bench message ${serial++}` } }, 201, 'POST /conversations/{userId}/messages')).messageId}`,
      token: tokens.agent,
    }),
    ListImages: () => ({
      method: 'GET',
      path: `/tickets/${thread.ticketId}/images?limit=25`,
      token: tokens.requester,
    }),
    GetImage: () => ({
      method: 'GET',
      path: `/tickets/${thread.ticketId}/images/${asked.body.imageId}`,
      token: tokens.requester,
    }),
    UpdateImage: (i) => ({
      method: 'PATCH',
      path: `/tickets/${thread.ticketId}/images/${asked.body.imageId}`,
      token: tokens.requester,
      json: { caption: `Caption ${i}` },
    }),
    // Each delete and replace on an image of its own, on a ticket of its own (caps on one ticket).
    DeleteImage: async () => {
      const { ticketId } = await newTicket('Bench image delete');
      const pending = need(
        await http({
          method: 'POST',
          path: `/tickets/${ticketId}/images`,
          token: tokens.requester,
          json: { contentType: 'image/png' },
        }),
        201,
        'image upload request',
      );
      return {
        method: 'DELETE',
        path: `/tickets/${ticketId}/images/${pending.body.imageId}`,
        token: tokens.requester,
      };
    },
    ReplaceImage: async () => {
      const { ticketId } = await newTicket('Bench image replace');
      const pending = need(
        await http({
          method: 'POST',
          path: `/tickets/${ticketId}/images`,
          token: tokens.requester,
          json: { contentType: 'image/png' },
        }),
        201,
        'image upload request',
      );
      await uploadImage(pending.body.upload, png);
      await stack.drained(60_000);
      return {
        method: 'POST',
        path: `/tickets/${ticketId}/images/${pending.body.imageId}/replace`,
        token: tokens.requester,
        json: { contentType: 'image/png' },
      };
    },
    GetOpticsParts: () => ({ method: 'GET', path: '/optics/parts', token: tokens.requester }),
    ReplaceOpticsParts: () => ({
      method: 'PUT',
      path: '/optics/parts',
      token: tokens.admin,
      json: {
        parts: ['SFP+ 10G SR 850 nm (MMF)', 'SFP+ 10G LR 1310 nm (SMF)', 'QSFP28 100G SR4 (MMF, MPO)'],
      },
    }),
    CreateOpticsRequest: (i) => ({
      method: 'POST',
      path: '/optics/requests',
      token: tokens.requester,
      json: { part: 'Other', description: `Bench optic ${i}`, quantity: 2 },
    }),
    ListOpticsRequests: () => ({ method: 'GET', path: '/optics/requests?limit=25', token: tokens.admin }),
    GetOpticsRequest: async (i) => ({
      method: 'GET',
      path: `/optics/requests/${await benchOpticsRequest(i)}`,
      token: tokens.requester,
    }),
    ChangeOpticsStatus: async (i) => ({
      method: 'PATCH',
      path: `/optics/requests/${await benchOpticsRequest(i)}/status`,
      token: tokens.admin,
      json: { action: 'approve' },
    }),
    // Inventory: a receipt and an adjustment are one transaction each (receipt or nothing, balance, movement);
    // on-hand is one Query of the balances; the movements of every type a gsi12 Query and a BatchGetItem.
    CreateInventoryReceipt: (i) => ({
      method: 'POST',
      path: '/inventory/receipts',
      token: tokens.admin,
      json: {
        cableType: 'Cat6',
        length: { value: 500, unit: 'ft' },
        quantity: 1,
        supplier: 'Bench Cable Co.',
        reference: `BENCH-${i}`,
        receivedAt: '2026-01-15',
      },
    }),
    ListInventoryReceipts: () => ({
      method: 'GET',
      path: '/inventory/receipts?limit=25',
      token: tokens.agent,
    }),
    ListInventoryMovements: () => ({
      method: 'GET',
      path: '/inventory/movements?limit=25',
      token: tokens.agent,
    }),
    CreateInventoryAdjustment: (i) => ({
      method: 'POST',
      path: '/inventory/adjustments',
      token: tokens.admin,
      json: {
        cableType: 'Cat6',
        delta: { value: 1, unit: 'ft', direction: 'add' },
        reason: `Bench count ${i}`,
      },
    }),
    GetInventoryOnHand: () => ({ method: 'GET', path: '/inventory/on-hand', token: tokens.agent }),
    SetInventoryThreshold: () => ({
      method: 'PUT',
      path: '/inventory/thresholds/Cat6',
      token: tokens.admin,
      json: { length: { value: 100, unit: 'ft' } },
    }),
    GetDashboardStats: dashboard,
    ListTicketNotifications: () => ({
      method: 'GET',
      path: `/tickets/${changing.ticketId}/notifications?limit=25`,
      token: tokens.agent,
    }),
    ListNotifications: () => ({
      method: 'GET',
      path: '/notifications?status=failed&limit=25',
      token: tokens.admin,
    }),
    // An id no row has: the lookup (gsi11 Query) and the 404, without sending anything.
    RetryNotification: () => ({
      method: 'POST',
      path: '/notifications/01JDQ8Z3M4N5P6Q7R8S9T0V1W2/retry',
      token: tokens.admin,
      json: {},
    }),
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
      pictured: pictured[0]?.ticketId ?? thread.ticketId,
    },
  };
}
