/**
 * Turns the bench's measurements into Markdown and writes them into `docs/benchmarks.md` between two markers,
 * leaving the hand-written rest of the file as it is.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { RecordedCall } from './aws-calls.ts';
import { type BuiltBundle, budgets, type InitTiming } from './bundles.ts';
import {
  billedMs,
  type Cost,
  type CostRow,
  costPerMillion,
  type Duration,
  deployedMemoryMb,
  type FunctionCost,
  mixCost,
  monthlyVolumes,
  requestMix,
  serverlessFixed,
  serverOptions,
} from './cost.ts';
import type { Expectation } from './data-model.ts';
import type { FunctionTiming } from './handlers.ts';
import type { LoadResult } from './load.ts';
import { fullVcpuMemoryMb, lambdaMemorySizesMb, prices, pricesAssumedOn } from './pricing.ts';
import type { ScaleResult } from './scale.ts';
import { int, median, ms, num, type Spread, spread, usd } from './stats.ts';

export type MeasurementKind = 'route' | 'notifier' | 'imageCheck' | 'ticketCleanup';

export interface Measurement {
  readonly label: string;
  readonly kind: MeasurementKind;
  /** The route row id (routes). */
  readonly routeId?: string | undefined;
  /** `METHOD /path` (routes). */
  readonly request?: string | undefined;
  /** Requests measured (routes), or triggering requests / uploads (notifier, image check). */
  readonly count: number;
  /** Status code → how many responses had it (routes). */
  readonly statuses: Map<number, number>;
  /** Milliseconds per request, through the local gateway (routes). */
  readonly latencies: number[];
  /** Every call attributed to this measurement. */
  readonly calls: RecordedCall[];
  /** Calls per repetition, to show when a request did not always make the same calls. */
  readonly callsPerRepetition: number[];
  /** What `docs/data-model.md` states for it. */
  readonly expectation: Expectation;
  readonly note?: string | undefined;
}

export interface Summary {
  readonly measurement: Measurement;
  readonly dynamoOps: Map<string, number>;
  readonly scans: number;
  readonly local: { read: number; write: number };
  readonly aws: { read: number; write: number };
  readonly cognitoOps: Map<string, number>;
  readonly s3Ops: Map<string, number>;
  readonly emails: number;
  readonly sms: number;
  readonly errors: Map<string, number>;
  /** URLs presigned per request (signed locally, no call to S3). */
  readonly presigned: number;
}

const byOperation = (calls: RecordedCall[], per: number) => {
  const counts = new Map<string, number>();
  for (const call of calls) counts.set(call.operation, (counts.get(call.operation) ?? 0) + 1 / per);
  return counts;
};

export function summarize(measurement: Measurement): Summary {
  const per = Math.max(1, measurement.count);
  const calls = measurement.calls.filter((call) => !call.presigned);
  const dynamo = calls.filter((call) => call.service === 'DynamoDB');
  const total = (pick: (call: RecordedCall) => number) =>
    dynamo.reduce((sum, call) => sum + pick(call), 0) / per;
  const errors = new Map<string, number>();
  for (const call of calls) {
    if (call.error) {
      const key = `${call.operation}: ${call.error}`;
      errors.set(key, (errors.get(key) ?? 0) + 1);
    }
  }
  return {
    measurement,
    dynamoOps: byOperation(dynamo, per),
    scans: dynamo.filter((call) => call.operation === 'Scan').length,
    local: { read: total((c) => c.local?.read ?? 0), write: total((c) => c.local?.write ?? 0) },
    aws: { read: total((c) => c.aws?.read ?? 0), write: total((c) => c.aws?.write ?? 0) },
    cognitoOps: byOperation(
      calls.filter((call) => call.service === 'Cognito'),
      per,
    ),
    s3Ops: byOperation(
      calls.filter((call) => call.service === 'S3'),
      per,
    ),
    emails: calls.filter((call) => call.service === 'SES').length / per,
    sms: calls.filter((call) => call.service === 'SNS').length / per,
    errors,
    presigned: measurement.calls.filter((call) => call.presigned).length / per,
  };
}

/** The function a calls-phase row runs in. */
export function functionOf(summary: Summary): string | undefined {
  const { kind, routeId } = summary.measurement;
  if (kind === 'route') return routeId;
  return kind === 'notifier' ? 'Notifier' : kind === 'imageCheck' ? 'ImageUploaded' : 'TicketRemoved';
}

export function costRows(summaries: readonly Summary[]): CostRow[] {
  return summaries.map((s) => ({
    label: s.measurement.label,
    functionId: functionOf(s),
    usage: {
      rru: s.aws.read,
      wru: s.aws.write,
      emails: s.emails,
      httpApiRequests: s.measurement.kind === 'route' ? 1 : 0,
    },
  }));
}

function opsText(ops: Map<string, number>): string {
  if (ops.size === 0) return '–';
  return [...ops.entries()].map(([operation, count]) => `${num(count)} ${operation}`).join(' + ');
}

/**
 * Measured minus stated DynamoDB calls per request, e.g. `+1 GetItem`; empty when they agree or none is stated.
 * A fractional expectation (`1 UpdateItem per 10 tickets`) allows one call more or less over the run.
 */
export function docDifferences(
  operations: Map<string, number>,
  expectation: Expectation,
  count: number,
): string[] {
  const expected = expectation.operations;
  if (!expected) return [];
  const differences: string[] = [];
  for (const operation of new Set([...Object.keys(expected), ...operations.keys()])) {
    const want = expected[operation] ?? 0;
    const diff = (operations.get(operation) ?? 0) - want;
    const tolerance = Number.isInteger(want) ? 0.005 : 1 / Math.max(1, count) + 0.005;
    if (Math.abs(diff) > tolerance) differences.push(`${diff > 0 ? '+' : ''}${num(diff)} ${operation}`);
  }
  return differences;
}

/** How measured DynamoDB calls compare with `docs/data-model.md`. */
export function versusDocs(operations: Map<string, number>, expectation: Expectation, count: number): string {
  if (!expectation.rows) return 'not listed';
  if (!expectation.operations) return expectation.text;
  const stated = Object.entries(expectation.operations)
    .map(([operation, n]) => `${num(n)} ${operation}`)
    .join(' + ');
  if (count === 0) return `${stated || 'none'} (${expectation.rows})`;
  const differences = docDifferences(operations, expectation, count);
  return differences.length === 0
    ? `${stated || 'none'} (${expectation.rows}): same`
    : `${stated || 'none'} (${expectation.rows}): **differs: ${differences.join(', ')}**`;
}

function statusText(statuses: Map<number, number>): string {
  return [...statuses.entries()].map(([status, count]) => `${count}× ${status}`).join(', ');
}

function variability(measurement: Measurement): string {
  const counts = measurement.callsPerRepetition;
  if (counts.length === 0) return '';
  const low = Math.min(...counts);
  const high = Math.max(...counts);
  return low === high ? '' : ` (calls per request varied: ${low}–${high})`;
}

const kib = (bytes: number) => (bytes / 1024).toFixed(0);
const iqr = (s: Spread) => `${ms(s.p25)}–${ms(s.p75)}`;

// ---------------------------------------------------------------------------------------------------------------

export interface BundleReport {
  readonly bundles: readonly BuiltBundle[];
  readonly baseline: BuiltBundle;
  readonly init: { baseline: InitTiming; functions: InitTiming[] } | undefined;
  readonly rounds: number;
}

export function bundleSection(report: BundleReport): string {
  const { init } = report;
  const lines = [
    '| function | KiB | gz KiB | map KiB | import ms, median (IQR) | × baseline (per-round IQR) | import CPU ms (× baseline) | budget | largest inputs (KiB) |',
    '|---|---:|---:|---:|---:|---:|---:|---|---|',
  ];
  const row = (bundle: BuiltBundle, timing: InitTiming | undefined, isBaseline: boolean) => {
    if (bundle.error) {
      lines.push(
        `| ${bundle.id} | – | – | – | – | – | **build failed: ${bundle.error.replaceAll('|', '\\|')}** | |`,
      );
      return;
    }
    const sizeOk = bundle.bytes <= budgets.minifiedKiB * 1024 && bundle.gzipBytes <= budgets.gzipKiB * 1024;
    const ratioOk = timing ? timing.ratio <= budgets.initRatio : true;
    const verdict = isBaseline
      ? 'baseline'
      : timing?.error
        ? `**import failed: ${timing.error}**`
        : [
            sizeOk ? 'size ok' : '**over size**',
            timing ? (ratioOk ? 'init ok' : `**init over ${budgets.initRatio}×**`) : 'init not measured',
          ].join(', ');
    const inputs = bundle.packages
      .slice(0, 4)
      .map((p) => `${p.name} ${kib(p.bytes)}`)
      .join(', ');
    const timingText = timing ? `${ms(timing.spread.median)} (${iqr(timing.spread)})` : 'n/a';
    const ratioText = timing
      ? isBaseline
        ? '1.00'
        : `**${timing.ratio.toFixed(2)}** (${timing.roundRatios.p25.toFixed(2)}–${timing.roundRatios.p75.toFixed(2)})`
      : 'n/a';
    const cpuText = timing ? `${ms(timing.cpu.median)} (${timing.cpuRatio.toFixed(2)}×)` : 'n/a';
    lines.push(
      `| ${bundle.id} | ${kib(bundle.bytes)} | ${kib(bundle.gzipBytes)} | ${kib(bundle.mapBytes)} | ${timingText} | ${ratioText} | ${cpuText} | ${verdict} | ${inputs} |`,
    );
  };
  row(report.baseline, init?.baseline, true);
  for (const bundle of report.bundles) {
    row(
      bundle,
      init?.functions.find((t) => t.id === bundle.id),
      false,
    );
  }
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------------------------

export interface ScaleReport {
  readonly sizes: readonly { tickets: number; results: readonly ScaleResult[] }[];
  readonly grown: readonly string[];
}

export function scaleSection(report: ScaleReport): string {
  const [small, large] = report.sizes;
  if (!small) return '_Not measured._';
  const labels = small.results.map((r) => r.label);
  const sizeHeads = report.sizes.map((s) => int(s.tickets));
  const lines = [
    `| request | DynamoDB calls per request | docs/data-model.md says | ${sizeHeads
      .map((h) => `p50 / p95 ms at ${h}`)
      .join(
        ' | ',
      )} | ${sizeHeads.map((h) => `RRU / WRU at ${h}`).join(' | ')}${large ? ` | ${sizeHeads[1]} ÷ ${sizeHeads[0]}` : ''} |`,
    `|---|---|---|${report.sizes.map(() => '---:|').join('')}${report.sizes.map(() => '---:|').join('')}${large ? '---|' : ''}`,
  ];
  for (const label of labels) {
    const at = report.sizes.map((s) => s.results.find((r) => r.label === label));
    const first = at[0] as ScaleResult;
    if (first.notSupported) {
      lines.push(
        `| ${label} | ${first.notSupported} | ${versusDocs(new Map(), first.expectation, 0)} | ${report.sizes.map(() => '–').join(' | ')} | ${report.sizes.map(() => '–').join(' | ')}${large ? ' | –' : ''} |`,
      );
      continue;
    }
    const latency = at.map((r) =>
      r && r.count > 0 ? `${ms(r.latency.median)} / ${ms(r.latency.p95)} (${statusText(r.statuses)})` : '–',
    );
    const capacity = at.map((r) =>
      r && r.count > 0 ? `${num(r.read.median)} / ${num(r.write.median)}` : '–',
    );
    let ratio = '';
    if (large) {
      const a = first;
      const b = at[1];
      const before = a.read.median + a.write.median;
      const after = b ? b.read.median + b.write.median : Number.NaN;
      const grew = report.grown.some((g) => g.startsWith(`${label}:`));
      ratio = ` | ${before > 0 ? `${(after / before).toFixed(2)}×` : after === 0 ? 'same (0)' : '–'}${grew ? ' **grew**' : ''}`;
    }
    lines.push(
      `| ${label} | ${opsText(first.operations)} | ${versusDocs(first.operations, first.expectation, first.count)} | ${latency.join(' | ')} | ${capacity.join(' | ')}${ratio} |`,
    );
  }
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------------------------

export function handlerSection(timings: readonly FunctionTiming[]): string {
  const baseline = timings.find((t) => t.kind === 'baseline');
  const lines = [
    '| function | n | wall ms p50 (IQR) | waiting for AWS ms p50 | wall − waiting ms p50 | CPU ms p50 (IQR) | CPU ÷ baseline | SDK calls |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const t of timings) {
    if (t.n === 0) {
      lines.push(`| ${t.id}${t.note ? ` (${t.note})` : ''} | 0 | – | – | – | – | – | – |`);
      continue;
    }
    const cpu = t.cpuMeasured
      ? `${ms(t.cpu.median)} (${iqr(t.cpu)})`
      : `≈ ${ms(t.cpu.median)} (wall − waiting)`;
    const ratio =
      baseline && t.kind !== 'baseline' ? `${(t.cpu.median / baseline.cpu.median).toFixed(1)}×` : '1.0×';
    const bad = [...t.statuses.keys()].filter((status) => status >= 400);
    const flag = bad.length > 0 ? ` (statuses ${statusText(t.statuses)})` : '';
    lines.push(
      `| ${t.id}${flag} | ${t.n} | ${ms(t.wall.median)} (${iqr(t.wall)}) | ${ms(t.roundTrip.median)} | ${ms(t.own.median)} | ${cpu} | ${ratio} | ${num(t.calls)} |`,
    );
  }
  return lines.join('\n');
}

export function functionCostSection(costs: readonly FunctionCost[]): string {
  const memories = lambdaMemorySizesMb;
  const lines = [
    `| function | CPU / other ms | ${memories.map((m) => `billed ms at ${m} MB`).join(' | ')} | ${memories
      .map((m) => `$ per million at ${m} MB`)
      .join(' | ')} | cheapest |`,
    `|---|---:|${memories.map(() => '---:|').join('')}${memories.map(() => '---:|').join('')}---|`,
  ];
  for (const cost of costs) {
    if (!cost.duration) {
      lines.push(
        `| ${cost.id} | not timed | ${memories.map(() => '–').join(' | ')} | ${memories.map(() => '–').join(' | ')} | – |`,
      );
      continue;
    }
    lines.push(
      `| ${cost.id} | ${ms(cost.duration.cpuMs)} / ${ms(cost.duration.otherMs)} | ${cost.byMemory
        .map((m) => String(m.billedMs))
        .join(
          ' | ',
        )} | ${cost.byMemory.map((m) => (m.memoryMb === cost.cheapestMb ? `**${usd(m.cost.total)}**` : usd(m.cost.total))).join(' | ')} | ${cost.cheapestMb ?? '–'} MB |`,
    );
  }
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------------------------

export function callsTable(summaries: readonly Summary[]): string {
  const lines = [
    '| Request | n × status | DynamoDB calls per request | docs/data-model.md says | Scan | Cognito calls | S3 · SES · SNS calls | local median ms (max) |',
    '|---|---|---|---|---:|---|---|---:|',
  ];
  for (const summary of summaries) {
    const m = summary.measurement;
    const latency =
      m.latencies.length > 0
        ? `${median(m.latencies).toFixed(1)} (${Math.max(...m.latencies).toFixed(0)})`
        : 'n/a';
    const s3 = summary.s3Ops.size === 0 ? '0' : opsText(summary.s3Ops);
    const status =
      m.kind === 'route'
        ? statusText(m.statuses)
        : `${m.count} ${m.kind === 'imageCheck' ? 'uploads' : 'requests'}`;
    lines.push(
      `| ${m.label} | ${status} | ${opsText(summary.dynamoOps)}${variability(m)} | ${versusDocs(summary.dynamoOps, m.expectation, m.count)} | ${summary.scans} | ${opsText(summary.cognitoOps)} | ${s3} · ${num(summary.emails)} · ${num(summary.sms)} | ${latency} |`,
    );
  }
  return lines.join('\n');
}

const money = (value: number) =>
  Number.isFinite(value) ? (value >= 10 ? value.toFixed(1) : value.toFixed(2)) : '–';

/** Per request, at the deployed memory size, with the function's measured duration. */
export function costTable(summaries: readonly Summary[], durations: ReadonlyMap<string, Duration>): string {
  const lines = [
    `| Request | DynamoDB Local RCU / WCU | AWS rules RRU / WRU | DynamoDB $ | Lambda $ (${deployedMemoryMb} MB, billed ms) | HTTP API $ | SES $ | **≈ total $ per million** |`,
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  const rows = costRows(summaries);
  for (const [i, summary] of summaries.entries()) {
    const row = rows[i] as CostRow;
    const duration = row.functionId ? durations.get(row.functionId) : undefined;
    const cost: Cost = costPerMillion(row.usage, duration, deployedMemoryMb);
    const billed = duration ? ` (${billedMs(duration, deployedMemoryMb)})` : '';
    lines.push(
      `| ${summary.measurement.label} | ${num(summary.local.read)} / ${num(summary.local.write)} | ${num(summary.aws.read)} / ${num(summary.aws.write)} | ${money(cost.dynamoDb)} | ${money(cost.lambda)}${billed} | ${money(cost.httpApi)} | ${money(cost.ses)} | **${money(cost.total)}** |`,
    );
  }
  return lines.join('\n');
}

export function billSection(
  summaries: readonly Summary[],
  durations: ReadonlyMap<string, Duration>,
  costs: readonly FunctionCost[],
): { markdown: string; headline: string } {
  const rows = costRows(summaries);
  const cheapest = new Map(costs.map((c) => [c.id, c.cheapestMb ?? deployedMemoryMb]));
  const deployed = mixCost(rows, durations, () => deployedMemoryMb);
  const best = mixCost(rows, durations, (id) => cheapest.get(id) ?? deployedMemoryMb);
  const fixed = serverlessFixed.reduce((sum, part) => sum + part.usdPerMonth, 0);
  const servers = serverOptions();
  const withoutSes = (bill: typeof deployed) => bill.perRequest.total - bill.perRequest.ses;
  const lines = [
    `| API requests a month | serverless, every function at ${deployedMemoryMb} MB | serverless, each function at its cheapest size | ${servers
      .map((s) => s.label)
      .join(' | ')} | emails (SES, either way) |`,
    `|---:|---:|---:|${servers.map(() => '---:|').join('')}---:|`,
  ];
  for (const volume of monthlyVolumes) {
    lines.push(
      `| ${int(volume)} | ${usd(fixed + volume * withoutSes(deployed))} | ${usd(fixed + volume * withoutSes(best))} | ${servers
        .map((s) => usd(s.usdPerMonth))
        .join(' | ')} | ${usd(volume * deployed.perRequest.ses)} |`,
    );
  }
  const breakEven = servers.map((s) => ({
    label: s.label,
    requests: (s.usdPerMonth - fixed) / withoutSes(best),
  }));
  const perMillion = withoutSes(best) * 1e6;
  const mix = requestMix
    .map(
      (entry) =>
        `${entry.per100} ${entry.request}${entry.triggers ? ` (+ ${entry.triggers.replace(/ \(.*\)$/, '')})` : ''}`,
    )
    .join('; ');
  const markdown = [
    lines.join('\n'),
    '',
    `Per API request of the mix, each function at its cheapest size: Lambda ${usd(best.perRequest.lambda * 1e6)}, DynamoDB ${usd(
      best.perRequest.dynamoDb * 1e6,
    )}, HTTP API ${usd(best.perRequest.httpApi * 1e6)} per million (${usd(perMillion)} per million without email); ` +
      `fixed: ${serverlessFixed.map((f) => `${f.what} ${usd(f.usdPerMonth)}`).join(', ')} a month. ` +
      `The serverless bill equals the servers' at about ${breakEven.map((b) => `${(b.requests / 1e6).toFixed(1)} million requests a month (${b.label})`).join(' and ')}.`,
    '',
    `The mix, per 100 API requests: ${mix}. Each triggered event counts one notifier or image-check invocation per request (an upper bound: the stream delivers batches of up to 10 records).${
      best.missing.length ? ` Not measured in this run, left out: ${best.missing.join(', ')}.` : ''
    }`,
    '',
    'Always-on prices: ' +
      servers
        .map(
          (s) =>
            `${s.label}: ${s.parts.map((p) => `${p.what} ${usd(p.usdPerMonth)}`).join(' + ')} = ${usd(s.usdPerMonth)} a month`,
        )
        .join('; ') +
      '.',
  ].join('\n');
  const headline = `mix bill per month at 10k / 1M / 100M requests: serverless ${monthlyVolumes
    .map((v) => usd(fixed + v * withoutSes(best)))
    .join(' / ')} vs ${servers.map((s) => `${usd(s.usdPerMonth)} (${s.label})`).join(' or ')}`;
  return { markdown, headline };
}

// ---------------------------------------------------------------------------------------------------------------

export interface MailReport {
  readonly tickets: number;
  readonly latencies: readonly number[];
  readonly paceMs: number;
  readonly missing: number;
}

export function mailLine(report: MailReport): string {
  const s = spread(report.latencies);
  return `| ${int(report.tickets)} | ${s.n} | ${ms(s.median)} | ${ms(s.p95)} | ${ms(s.min)}–${ms(s.max)} | ${report.paceMs} ms | ${report.missing} |`;
}

export interface RunInfo {
  readonly date: string;
  readonly commit: string;
  readonly machine: string;
  readonly mode: string;
  readonly seconds: number;
  readonly phases: readonly { name: string; seconds: number }[];
}

export interface Report {
  readonly info: RunInfo;
  readonly verdicts: readonly string[];
  readonly bundles: BundleReport | undefined;
  readonly loads: readonly { tickets: number; load: LoadResult; drainSeconds: number }[];
  readonly scale: ScaleReport | undefined;
  readonly mail: readonly MailReport[];
  readonly handlers: readonly FunctionTiming[];
  readonly costs: readonly FunctionCost[];
  readonly durations: ReadonlyMap<string, Duration>;
  readonly summaries: readonly Summary[];
  readonly notes: readonly string[];
  readonly repetitions: { calls: number; scale: number; handlers: number; initRounds: number };
}

export const sectionBegin = '<!-- bench:begin (generated by `npm run bench`; replaced on every run) -->';
export const sectionEnd = '<!-- bench:end -->';

export function renderReport(report: Report): { markdown: string; headline: string } {
  const { info } = report;
  const bill = report.summaries.length
    ? billSection(report.summaries, report.durations, report.costs)
    : undefined;
  const out: string[] = [
    sectionBegin,
    `## Results of ${info.date}`,
    '',
    `${info.mode} run of \`npm run bench\` on ${info.date}, commit ${info.commit}; ${info.machine}. ` +
      `The run took ${Math.round(info.seconds)} s: ${info.phases.map((p) => `${p.name} ${Math.round(p.seconds)} s`).join(', ')}.`,
    '',
    '### Verdict',
    '',
    ...report.verdicts.map((v) => `- ${v}`),
    '',
  ];
  if (report.bundles) {
    out.push(
      '### Bundles and init',
      '',
      `Budgets: import ≤ ${budgets.initRatio}× the baseline, ≤ ${budgets.minifiedKiB} KiB minified, ≤ ${budgets.gzipKiB} KiB gzip. ` +
        `Import: median of ${report.repetitions.initRounds} fresh processes per bundle, interleaved; IQR in parentheses; ` +
        'the ratio (what the budget checks) is median ÷ baseline median, with the spread of the per-round ratios. ' +
        "Import CPU: the importing process's CPU time over the import, less sensitive to other load on the machine than wall time (shown to judge noise; not the budget).",
      '',
      bundleSection(report.bundles),
      '',
    );
  }
  if (report.scale) {
    out.push(
      '### Requests at 1,000 and 100,000 tickets',
      '',
      'Latency: client round trip through the local gateway, p50 / p95 over the repetitions. Capacity: AWS-rules read / write request units per request (median over the repetitions; the check compares these).',
      '',
      ...report.loads.map(
        (l) =>
          `- Load to ${int(l.tickets)} tickets: ${int(l.load.written)} written with ${int(l.load.calls)} BatchWriteItem calls in ${(l.load.ms / 1000).toFixed(1)} s ` +
          `(${int(l.load.written / (l.load.ms / 1000))}/s; ${int(l.load.partialCalls)} calls returned unprocessed items, ${int(l.load.retriedItems)} items retried); ` +
          `the stream consumers caught up ${l.drainSeconds.toFixed(0)} s later.`,
      ),
      '',
      scaleSection(report.scale),
      '',
    );
  }
  if (report.mail.length) {
    out.push(
      '### Approval mail latency',
      '',
      'From the start of `POST /tickets` with an approver to the first poll of the SES emulator that shows the mail (polled every 50 ms); tickets opened one at a time at the pace shown.',
      '',
      '| tickets in the table | mails | p50 ms | p95 ms | min–max ms | pace | missing |',
      '|---:|---:|---:|---:|---:|---:|---:|',
      ...report.mail.map(mailLine),
      '',
    );
  }
  if (report.handlers.length) {
    out.push(
      '### Handler durations',
      '',
      `Each route's handler invoked in-process ${report.repetitions.handlers} times after a warm-up, with nothing else running in the process, next to a handler that makes one GetItem with a bare document client. ` +
        '"Waiting for AWS" = time with at least one SDK call in flight (its HTTP exchange with the emulator); CPU = `process.cpuUsage()` over the call (user + system of the bench process: JSON, validation, ' +
        "SDK serialization, signing and parsing, views; the emulators run in other processes). Notifier and ImageUploaded: their invocations by the local event sources (the stack's log, whole ms), " +
        'their waiting spread evenly over the invocations of the phase, CPU ≈ wall − waiting.',
      '',
      handlerSection(report.handlers),
      '',
    );
  }
  if (report.costs.length) {
    out.push(
      '### Cost per million invocations by memory size',
      '',
      `Billed ms = CPU ms × ${fullVcpuMemoryMb} ÷ memory (Lambda allocates CPU in proportion to memory, one vCPU at ${fullVcpuMemoryMb} MB; one local core taken as one vCPU) + the other ms of the wall time (waiting, not scaled), rounded up, from the medians above. ` +
        `$ = Lambda arm64 ($${prices.lambdaArmPerGbSecond}/GB-s + $${prices.lambdaPerMillionRequests.toFixed(2)}/M requests) + HTTP API ($${prices.httpApiPerMillionRequests.toFixed(2)}/M) for routes + DynamoDB on-demand ` +
        `($${prices.dynamoDbPerMillionRru}/M RRU, $${prices.dynamoDbPerMillionWru}/M WRU) at the function's measured capacity (its rows below, averaged); notifier rows include SES. INIT not counted. ` +
        'In this model the CPU part costs the same at every size (time × memory is constant) and only the waiting gets dearer with memory, so the smallest size is cheapest; the larger sizes buy latency (the billed ms).',
      '',
      functionCostSection(report.costs),
      '',
    );
  }
  if (bill) {
    out.push('### Monthly bill next to an always-on server', '', bill.markdown, '');
  }
  if (report.summaries.length) {
    out.push(
      '### AWS calls per request',
      '',
      `${report.repetitions.calls} repetitions per request on a small table; calls of the notifier and the image check per triggering request, counted until the event sources drained.`,
      '',
      callsTable(report.summaries),
      '',
      `### Cost per million requests at ${deployedMemoryMb} MB`,
      '',
      costTable(report.summaries, report.durations),
      '',
    );
  }
  out.push(
    '### Notes from this run',
    '',
    ...report.notes.map((note) => `- ${note}`),
    '',
    `Prices: us-east-1 on-demand list prices assumed as of ${pricesAssumedOn} (\`scripts/bench/pricing.ts\` names the AWS pricing pages); not fetched at run time.`,
    sectionEnd,
  );
  return { markdown: out.join('\n'), headline: bill?.headline ?? '' };
}

/** Replaces the generated section in the Markdown file, or appends it; keeps everything else. */
export function writeSection(file: string, content: string): void {
  const existing = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const begin = existing.indexOf('<!-- bench:begin');
  const end = existing.indexOf(sectionEnd);
  const next =
    begin >= 0 && end > begin
      ? `${existing.slice(0, begin)}${content}${existing.slice(end + sectionEnd.length)}`
      : `${existing.replace(/\s*$/, '')}\n\n${content}\n`;
  writeFileSync(file, next);
}
