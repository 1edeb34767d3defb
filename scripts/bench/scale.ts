/**
 * The requests that must not get dearer as the table grows, measured at one table size: create, get, every list
 * variant, comment, status change, the approval page and decision. Per request: status codes, client latency
 * p50/p95 over the repetitions, DynamoDB calls and consumed capacity (`aws-calls.ts`), with the calls
 * `docs/data-model.md` states (`data-model.ts`).
 *
 * The list variants are a table ({@link listVariants}): a filter the API gains later is one more line. A variant
 * whose parameter the route's query schema does not declare, or that answers 400, is reported as "not supported
 * yet" and not measured.
 */
import { listTicketsRoute } from '#shared/tickets/routes.ts';
import type { ApiResponse } from '../../test/support/api-client.ts';
import type { CallRecorder, RecordedCall } from './aws-calls.ts';
import { type AccessPattern, type Expectation, expectationFor, type RequestRef } from './data-model.ts';
import type { BenchRequest, Invoker } from './invoke.ts';
import { mean, median, type Spread, spread } from './stats.ts';

/** Who asks: the demo requester or the demo agent. */
export type Asker = 'requester' | 'agent';

export interface ScaleContext {
  readonly tokens: Record<Asker, string>;
  readonly requesterId: string;
  readonly agentId: string;
}

export interface ListVariant {
  readonly as: Asker;
  /** Query parameters besides `limit=25`. */
  readonly query: (context: ScaleContext) => Record<string, string>;
  /** The row of `docs/data-model.md` (by the parenthesis of its `GET /tickets` request). */
  readonly audience: 'agents' | 'requesters';
}

/**
 * The fields of the newest tickets the bench writes before measuring lists (`load.ts`): every filter value the
 * variants below ask for, so each list's first page is full at 1,000 tickets as at 100,000 (a list reading fewer
 * items on a small table would look as if its capacity grew with the table).
 */
export function newestTicketFields(context: Pick<ScaleContext, 'requesterId' | 'agentId'>) {
  return {
    status: 'closed',
    priority: 'urgent',
    type: 'incident',
    requesterId: context.requesterId,
    assigneeId: context.agentId,
    agentResponded: true,
  } as const;
}

/**
 * Every list the bench measures: the two lists of the roles, then one line per filter (`status`, `priority`,
 * `type`, `assigneeId`, `requesterId`, `mine`, `assigned`). A new filter is one more line here, with its value in
 * {@link newestTicketFields}.
 */
export const listVariants: readonly ListVariant[] = [
  { as: 'agent', audience: 'agents', query: () => ({}) },
  { as: 'requester', audience: 'requesters', query: () => ({}) },
  {
    as: 'agent',
    audience: 'agents',
    query: (c) => ({ status: newestTicketFields(c).status }),
  },
  {
    as: 'agent',
    audience: 'agents',
    query: (c) => ({ priority: newestTicketFields(c).priority }),
  },
  {
    as: 'agent',
    audience: 'agents',
    query: (c) => ({ type: newestTicketFields(c).type }),
  },
  { as: 'agent', audience: 'agents', query: (c) => ({ assigneeId: c.agentId }) },
  {
    as: 'agent',
    audience: 'agents',
    query: (c) => ({ requesterId: c.requesterId }),
  },
  {
    as: 'requester',
    audience: 'requesters',
    query: (c) => ({ status: newestTicketFields(c).status }),
  },
  { as: 'requester', audience: 'requesters', query: () => ({ mine: 'true' }) },
  { as: 'agent', audience: 'agents', query: () => ({ assigned: 'true' }) },
];

/** The query parameters `GET /tickets` declares (its row's query schema), or `undefined` if unreadable. */
function declaredListParameters(): Set<string> | undefined {
  const schema = listTicketsRoute.query as unknown as {
    _zod?: { def?: { shape?: Record<string, unknown> } };
    shape?: Record<string, unknown>;
  };
  const shape = schema?._zod?.def?.shape ?? schema?.shape;
  return shape ? new Set(Object.keys(shape)) : undefined;
}

/** One request of the scale set: how to make its i-th repetition. */
export interface ScaleRequest {
  readonly label: string;
  readonly ref: RequestRef;
  /** Repetitions available (e.g. approval links); default the bench's repetitions. */
  readonly limit?: number;
  make(i: number): BenchRequest;
  /** Checked before measuring: a reason the request is not supported yet, or undefined. */
  readonly probe?: () => Promise<string | undefined>;
}

export interface ScaleResult {
  readonly label: string;
  readonly request: string;
  readonly notSupported?: string | undefined;
  readonly statuses: Map<number, number>;
  readonly latency: Spread;
  /** AWS-rules capacity per request: median (what the growth check compares) and mean. */
  readonly read: { median: number; mean: number };
  readonly write: { median: number; mean: number };
  /** DynamoDB Local's own figures, mean per request. */
  readonly local: { read: number; write: number };
  /** DynamoDB calls per request by operation (mean). */
  readonly operations: Map<string, number>;
  readonly expectation: Expectation;
  readonly count: number;
}

const capacityOf = (calls: RecordedCall[], pick: 'aws' | 'local', part: 'read' | 'write') =>
  calls.reduce((total, call) => total + (call.service === 'DynamoDB' ? (call[pick]?.[part] ?? 0) : 0), 0);

/** Builds the list requests of {@link listVariants} as scale requests. */
export function listRequests(invoker: Invoker, context: ScaleContext): ScaleRequest[] {
  const declared = declaredListParameters();
  return listVariants.map((variant) => {
    const parameters = variant.query(context);
    const query = new URLSearchParams({ limit: '25', ...parameters }).toString();
    const request: BenchRequest = {
      method: 'GET',
      path: `/tickets?${query}`,
      token: context.tokens[variant.as],
    };
    const shown = Object.entries(parameters)
      .map(([name, value]) => {
        const who =
          value === context.agentId ? '<agent>' : value === context.requesterId ? '<requester>' : value;
        return `, ${name}=${who}`;
      })
      .join('');
    return {
      label: `list (${variant.as}${shown})`,
      ref: { request: `GET /tickets?${query}`, audience: variant.audience },
      make: () => request,
      async probe() {
        const undeclared = Object.keys(parameters).filter((name) => declared && !declared.has(name));
        const response = await invoker.http(request);
        if (response.status === 400)
          return `not supported yet (400: ${response.body?.title ?? 'bad request'})`;
        if (undeclared.length > 0) {
          return `not supported yet (\`${undeclared.join('`, `')}\` is not in the route's query schema; the API ignores it)`;
        }
        if (response.status !== 200) return `answered ${response.status}`;
        return undefined;
      },
    };
  });
}

/** Measures each request `repetitions` times, one after the other. */
export async function measureScale(
  requests: readonly ScaleRequest[],
  options: {
    readonly invoker: Invoker;
    readonly recorder: CallRecorder;
    readonly patterns: readonly AccessPattern[];
    readonly repetitions: number;
    readonly drained: () => Promise<void>;
    readonly onResponse?: (request: BenchRequest, response: ApiResponse) => void;
  },
): Promise<ScaleResult[]> {
  const results: ScaleResult[] = [];
  for (const request of requests) {
    const expect = (made: BenchRequest) =>
      expectationFor(options.patterns, {
        ...request.ref,
        authenticated: request.ref.authenticated ?? options.invoker.authenticated(made),
      });
    const notSupported = await request.probe?.();
    const empty = {
      label: request.label,
      request: request.ref.request,
      statuses: new Map<number, number>(),
      latency: spread([]),
      read: { median: Number.NaN, mean: Number.NaN },
      write: { median: Number.NaN, mean: Number.NaN },
      local: { read: Number.NaN, write: Number.NaN },
      operations: new Map<string, number>(),
      count: 0,
    };
    if (notSupported) {
      // Only list variants are probed, and making a list request changes nothing.
      results.push({ ...empty, expectation: expect(request.make(0)), notSupported });
      continue;
    }
    await options.drained();
    const count = Math.min(options.repetitions, request.limit ?? options.repetitions);
    const latencies: number[] = [];
    const reads: number[] = [];
    const writes: number[] = [];
    const localReads: number[] = [];
    const localWrites: number[] = [];
    const operations = new Map<string, number>();
    const statuses = new Map<number, number>();
    let first: BenchRequest | undefined;
    for (let i = 0; i < count; i++) {
      const made = request.make(i);
      first ??= made;
      const mark = options.recorder.mark();
      const response = await options.invoker.http(made);
      options.onResponse?.(made, response);
      const calls = options.recorder.since(mark).filter((c) => c.source === 'other' && !c.presigned);
      latencies.push(response.ms);
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      reads.push(capacityOf(calls, 'aws', 'read'));
      writes.push(capacityOf(calls, 'aws', 'write'));
      localReads.push(capacityOf(calls, 'local', 'read'));
      localWrites.push(capacityOf(calls, 'local', 'write'));
      for (const call of calls) {
        if (call.service === 'DynamoDB')
          operations.set(call.operation, (operations.get(call.operation) ?? 0) + 1 / count);
      }
    }
    results.push({
      ...empty,
      statuses,
      latency: spread(latencies),
      read: { median: median(reads), mean: mean(reads) },
      write: { median: median(writes), mean: mean(writes) },
      local: { read: mean(localReads), write: mean(localWrites) },
      operations,
      expectation: first ? expect(first) : { operations: undefined, rows: '', text: '' },
      count,
    });
  }
  return results;
}

/**
 * Requests whose median capacity per request at the large size exceeds that at the small one (reads or writes):
 * what the bench fails on.
 */
export function capacityGrowth(small: readonly ScaleResult[], large: readonly ScaleResult[]): string[] {
  const grown: string[] = [];
  for (const result of large) {
    const before = small.find((s) => s.label === result.label);
    if (!before || before.notSupported || result.notSupported || result.count === 0) continue;
    const epsilon = 1e-9;
    if (
      result.read.median > before.read.median + epsilon ||
      result.write.median > before.write.median + epsilon
    ) {
      grown.push(
        `${result.label}: ${before.read.median} → ${result.read.median} RRU, ${before.write.median} → ${result.write.median} WRU`,
      );
    }
  }
  return grown;
}
