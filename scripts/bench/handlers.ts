/**
 * Handler durations, for the cost model and to compare functions with a bare-SDK GetItem baseline.
 *
 * Routes: each route's handler is invoked directly (`invoke.ts`), `repetitions` times after one untimed warm-up,
 * with the event sources drained before the series and before each write, so nothing else runs in the process. A
 * request that changes or deletes an object creates that object first (untimed, before the drain).
 * Event handlers (notifier, image check): their invocations by the local event sources, as the stack logs them
 * (`<Function>: ... ok <ms>ms`), in a phase the bench names, with the round trips of their SDK calls in that
 * phase spread over those invocations.
 */
import { type CallRecorder, waitingMs } from './aws-calls.ts';
import type { BenchFunction } from './bundles.ts';
import type { HandlerRequests } from './calls.ts';
import type { HandlerTiming, Invoker } from './invoke.ts';
import { mean, type Spread, spread } from './stats.ts';

export interface FunctionTiming {
  readonly id: string;
  readonly kind: 'route' | 'event' | 'baseline';
  readonly n: number;
  readonly wall: Spread;
  readonly own: Spread;
  readonly roundTrip: Spread;
  /** Process CPU over the call (routes and baseline); for event handlers `own`. */
  readonly cpu: Spread;
  /** Wall time not spent on the CPU (routes and baseline: wall − CPU; event handlers: the round trips). */
  readonly idle: Spread;
  /** Whether `cpu` was measured with `process.cpuUsage()` (routes and baseline) or is `own` (event handlers). */
  readonly cpuMeasured: boolean;
  /** SDK calls per invocation (mean). */
  readonly calls: number;
  readonly statuses: Map<number, number>;
  /** Why it was not measured, or how. */
  readonly note?: string | undefined;
}

const fromTimings = (
  id: string,
  kind: FunctionTiming['kind'],
  timings: readonly HandlerTiming[],
  note?: string,
): FunctionTiming => {
  const statuses = new Map<number, number>();
  for (const t of timings) statuses.set(t.status, (statuses.get(t.status) ?? 0) + 1);
  return {
    id,
    kind,
    n: timings.length,
    wall: spread(timings.map((t) => t.wallMs)),
    own: spread(timings.map((t) => t.ownMs)),
    roundTrip: spread(timings.map((t) => t.roundTripMs)),
    cpu: spread(timings.map((t) => t.cpuMs)),
    idle: spread(timings.map((t) => Math.max(0, t.wallMs - t.cpuMs))),
    cpuMeasured: true,
    calls: mean(timings.map((t) => t.calls)),
    statuses,
    note,
  };
};

/** Times every route function that has a request, and the baseline. */
export async function timeRouteHandlers(options: {
  readonly functions: readonly BenchFunction[];
  readonly requests: HandlerRequests;
  readonly invoker: Invoker;
  readonly repetitions: number;
  /** Fewer repetitions for some functions (e.g. as many as there are approval links). */
  readonly limits?: Readonly<Record<string, number>>;
  readonly drained: () => Promise<void>;
  readonly baseline: () => Promise<{ statusCode: number }>;
  readonly log: (line: string) => void;
}): Promise<FunctionTiming[]> {
  const results: FunctionTiming[] = [];
  await options.drained();
  await options.baseline();
  const base: HandlerTiming[] = [];
  for (let i = 0; i < options.repetitions; i++)
    base.push(await options.invoker.timeFunction(options.baseline));
  results.push(fromTimings('bare GetItem (baseline)', 'baseline', base));
  for (const fn of options.functions) {
    if (fn.kind !== 'route') continue;
    const make = options.requests[fn.id];
    if (!make) {
      results.push({
        ...fromTimings(fn.id, 'route', []),
        note: 'no request defined in the bench: not timed',
      });
      continue;
    }
    await options.drained();
    const warmUp = await make(-1);
    await options.invoker.direct(warmUp);
    const timings: HandlerTiming[] = [];
    const count = Math.min(options.repetitions, options.limits?.[fn.id] ?? options.repetitions);
    for (let i = 0; i < count; i++) {
      const request = await make(i);
      if (request.method !== 'GET') await options.drained();
      timings.push((await options.invoker.direct(request)).timing);
    }
    results.push(fromTimings(fn.id, 'route', timings));
    options.log(`  timed ${fn.id}`);
  }
  return results;
}

/** One invocation by a local event source, from the stack's log line. */
interface EventInvocation {
  readonly functionId: string;
  readonly ms: number;
  readonly phase: string;
}

/** Collects event-source invocations from the stack's log (pass {@link line} as the stack's `log`). */
export class EventSourceLog {
  readonly invocations: EventInvocation[] = [];
  /** Stream records delivered to each function so far. */
  readonly records = new Map<string, number>();
  phase = 'start';
  /** Phase → [first, last) positions of the recorder's calls. */
  readonly windows = new Map<string, { from: number; to: number }>();

  constructor(readonly functionIds: readonly string[]) {}

  readonly line = (line: string): void => {
    const match = /^(\w+): (?:(\d+) record\(s\) \S+|.*) ok (\d+)ms$/.exec(line);
    if (!match || !this.functionIds.includes(match[1] as string)) return;
    const functionId = match[1] as string;
    this.invocations.push({ functionId, ms: Number(match[3]), phase: this.phase });
    if (match[2]) this.records.set(functionId, (this.records.get(functionId) ?? 0) + Number(match[2]));
  };

  /** Starts a named phase at the recorder's current position. */
  begin(phase: string, recorder: CallRecorder): void {
    this.end(recorder);
    this.phase = phase;
    this.windows.set(phase, { from: recorder.mark(), to: Number.POSITIVE_INFINITY });
  }

  end(recorder: CallRecorder): void {
    const window = this.windows.get(this.phase);
    if (window && window.to === Number.POSITIVE_INFINITY) window.to = recorder.mark();
    this.phase = 'between';
  }

  /**
   * Timing of an event function over the invocations of one phase: wall time per invocation (the log's whole
   * milliseconds), the phase's round trips of that source's calls per invocation, and the difference.
   */
  timing(
    functionId: string,
    source: 'notifier' | 'imageCheck' | 'ticketCleanup',
    phase: string,
    recorder: CallRecorder,
  ): FunctionTiming {
    const invocations = this.invocations.filter((i) => i.functionId === functionId && i.phase === phase);
    const window = this.windows.get(phase);
    const calls = window
      ? recorder.calls.slice(window.from, Number.isFinite(window.to) ? window.to : undefined)
      : [];
    const own = calls.filter((c) => c.source === source);
    const n = invocations.length;
    const roundTripPer = n ? waitingMs(own) / n : Number.NaN;
    const wall = spread(invocations.map((i) => i.ms));
    const shift = (s: typeof wall, by: number) => ({
      ...s,
      median: Math.max(0, s.median - by),
      p25: Math.max(0, s.p25 - by),
      p75: Math.max(0, s.p75 - by),
      p95: Math.max(0, s.p95 - by),
      min: Math.max(0, s.min - by),
      max: Math.max(0, s.max - by),
    });
    const ownSpread = shift(wall, roundTripPer);
    return {
      id: functionId,
      kind: 'event',
      n,
      wall,
      own: ownSpread,
      roundTrip: { ...spread([roundTripPer]), n },
      cpu: ownSpread,
      idle: { ...spread([roundTripPer]), n },
      cpuMeasured: false,
      calls: n ? own.filter((c) => !c.presigned).length / n : Number.NaN,
      statuses: new Map(),
      note: `${n} invocations during ${phase}; round trips are the phase's mean per invocation`,
    };
  }
}
