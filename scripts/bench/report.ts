/**
 * Turns the bench's measurements into Markdown tables and writes them into `docs/benchmarks.md` between two
 * markers, leaving the rest of the file as it is.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { RecordedCall } from './aws-calls.ts';
import { assumedDurationMs, type Cost, costPerMillion, lambdaMemoryMb, prices } from './pricing.ts';

export type MeasurementKind = 'route' | 'notifier' | 'imageCheck';

export interface Measurement {
  readonly label: string;
  readonly kind: MeasurementKind;
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
  /** DynamoDB operations per request as `docs/data-model.md` states them; `undefined`: not listed there. */
  readonly expected?: Readonly<Record<string, number>> | undefined;
  /** The rows of the access-pattern table the expectation comes from, e.g. `#2, #3`. */
  readonly expectedFrom?: string | undefined;
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
  readonly cost: Cost;
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
  const sum = (pick: (call: RecordedCall) => number) =>
    dynamo.reduce((total, call) => total + pick(call), 0) / per;
  const local = { read: sum((c) => c.local?.read ?? 0), write: sum((c) => c.local?.write ?? 0) };
  const aws = { read: sum((c) => c.aws?.read ?? 0), write: sum((c) => c.aws?.write ?? 0) };
  const emails = calls.filter((call) => call.service === 'SES').length / per;
  const sms = calls.filter((call) => call.service === 'SNS').length / per;
  const errors = new Map<string, number>();
  for (const call of calls) {
    if (call.error)
      errors.set(
        `${call.operation}: ${call.error}`,
        (errors.get(`${call.operation}: ${call.error}`) ?? 0) + 1,
      );
  }
  const isRoute = measurement.kind === 'route';
  const cost = costPerMillion({
    rru: aws.read,
    wru: aws.write,
    lambdaInvocations: 1,
    lambdaDurationMs: isRoute
      ? assumedDurationMs.api
      : measurement.kind === 'notifier'
        ? assumedDurationMs.notifier
        : assumedDurationMs.imageCheck,
    httpApiRequests: isRoute ? 1 : 0,
    emails,
  });
  return {
    measurement,
    dynamoOps: byOperation(dynamo, per),
    scans: dynamo.filter((call) => call.operation === 'Scan').length,
    local,
    aws,
    cognitoOps: byOperation(
      calls.filter((call) => call.service === 'Cognito'),
      per,
    ),
    s3Ops: byOperation(
      calls.filter((call) => call.service === 'S3'),
      per,
    ),
    emails,
    sms,
    errors,
    presigned: measurement.calls.filter((call) => call.presigned).length / per,
    cost,
  };
}

/** 1, 0.5, 2.35: at most two decimals, no trailing zeros. */
export function num(value: number): string {
  return String(Math.round(value * 100) / 100);
}

const money = (value: number) => (value >= 10 ? value.toFixed(1) : value.toFixed(2));

function opsText(ops: Map<string, number>): string {
  if (ops.size === 0) return '–';
  return [...ops.entries()].map(([operation, count]) => `${num(count)} ${operation}`).join(' + ');
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** Measured minus stated DynamoDB calls per request, e.g. `+1 GetItem`; empty when they agree or none is stated. */
export function docDifferences(summary: Summary): string[] {
  const { expected } = summary.measurement;
  if (!expected) return [];
  const differences: string[] = [];
  const operations = new Set([...Object.keys(expected), ...summary.dynamoOps.keys()]);
  for (const operation of operations) {
    const diff =
      Math.round(((summary.dynamoOps.get(operation) ?? 0) - (expected[operation] ?? 0)) * 100) / 100;
    if (diff !== 0) differences.push(`${diff > 0 ? '+' : ''}${num(diff)} ${operation}`);
  }
  return differences;
}

/** How the measured DynamoDB calls compare with `docs/data-model.md`. */
export function versusDocs(summary: Summary): string {
  const { expected, expectedFrom } = summary.measurement;
  if (!expected) return expectedFrom ?? 'not listed';
  const differences = docDifferences(summary);
  const stated = Object.entries(expected)
    .map(([operation, count]) => `${count} ${operation}`)
    .join(' + ');
  const from = expectedFrom ? ` (${expectedFrom})` : '';
  return differences.length === 0
    ? `${stated || 'none'}${from}: same`
    : `${stated || 'none'}${from}: **differs: ${differences.join(', ')}**`;
}

function statusText(measurement: Measurement): string {
  if (measurement.kind !== 'route')
    return `${measurement.count} ${measurement.kind === 'notifier' ? 'requests' : 'uploads'}`;
  return [...measurement.statuses.entries()].map(([status, count]) => `${count}× ${status}`).join(', ');
}

function variability(measurement: Measurement): string {
  const counts = measurement.callsPerRepetition;
  if (counts.length === 0) return '';
  const low = Math.min(...counts);
  const high = Math.max(...counts);
  return low === high ? '' : ` (calls per request varied: ${low}–${high})`;
}

export function callsTable(summaries: Summary[]): string {
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
    lines.push(
      `| ${m.label} | ${statusText(m)} | ${opsText(summary.dynamoOps)}${variability(m)} | ${versusDocs(summary)} | ${summary.scans} | ${opsText(summary.cognitoOps)} | ${s3} · ${num(summary.emails)} · ${num(summary.sms)} | ${latency} |`,
    );
  }
  return lines.join('\n');
}

export function costTable(summaries: Summary[]): string {
  const lines = [
    '| Request | DynamoDB Local RCU / WCU | AWS rules RRU / WRU | DynamoDB $ | Lambda $ | HTTP API $ | SES $ | **≈ total $ per million** |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const summary of summaries) {
    const { cost } = summary;
    lines.push(
      `| ${summary.measurement.label} | ${num(summary.local.read)} / ${num(summary.local.write)} | ${num(summary.aws.read)} / ${num(summary.aws.write)} | ${money(cost.dynamoDb)} | ${money(cost.lambda)} | ${money(cost.httpApi)} | ${money(cost.ses)} | **${money(cost.total)}** |`,
    );
  }
  return lines.join('\n');
}

export interface RunInfo {
  readonly date: string;
  readonly commit: string;
  readonly repetitions: number;
  readonly seconds: number;
  readonly machine: string;
  readonly notes: string[];
}

export const sectionBegin =
  '<!-- bench:requests:begin (generated by `npm run bench`; replaced on every run) -->';
export const sectionEnd = '<!-- bench:requests:end -->';

export function section(summaries: Summary[], info: RunInfo): string {
  const gbSeconds = (ms: number) => num((lambdaMemoryMb / 1024) * (ms / 1000));
  return [
    sectionBegin,
    '## Requests: AWS calls, consumed capacity, local latency and an estimated cost',
    '',
    `Measured by \`npm run bench\` (\`scripts/bench/requests.ts\`) on ${info.date}, commit ${info.commit}, ` +
      `${info.repetitions} repetitions per request, ${info.machine}; the run took ${Math.round(info.seconds)} s.`,
    '',
    'The bench boots the local stack ephemerally (free ports, DynamoDB Local `-inMemory`), seeds the demo accounts',
    'and drives the API over loopback like a client. A middleware on the shared SDK clients of',
    '`shared/aws/clients.ts` counts every call the handlers make (the gateway runs them all in its process) and',
    "sets `ReturnConsumedCapacity: 'TOTAL'` on every DynamoDB command that takes it. Calls of the stream notifier",
    'and of the S3 image check are told apart by their stack (they run concurrently with requests in the same',
    'process) and shown per triggering request in their own rows; they are counted until the stream and the S3',
    'events are drained. Counts are per request, averaged over the repetitions.',
    '',
    '**Latency is local emulator timing, not Lambda**: the round trip from `fetch` to the in-process gateway',
    '(JWT check, handler, DynamoDB Local on the JVM, cognito-local) on a shared machine, median and max over the',
    'repetitions. It says how the routes compare with each other, nothing about Lambda durations or cold starts.',
    '',
    '### AWS calls per request',
    '',
    callsTable(summaries),
    '',
    '### Capacity and estimated cost per million requests (estimate)',
    '',
    '**An estimate, not a quote.** Region ' +
      `${prices.region}, on-demand list prices, no free tier: DynamoDB on-demand $${prices.dynamoDbPerMillionWru} per` +
      ` million write request units and $${prices.dynamoDbPerMillionRru} per million read request units (Standard` +
      ` table class); Lambda arm64 $${prices.lambdaArmPerGbSecond} per GB-second and` +
      ` $${prices.lambdaPerMillionRequests.toFixed(2)} per million requests at ${lambdaMemoryMb} MB with an assumed` +
      ` billed duration of ${assumedDurationMs.api} ms per API invocation (${gbSeconds(assumedDurationMs.api)} GB-s),` +
      ` ${assumedDurationMs.notifier} ms per notifier invocation and ${assumedDurationMs.imageCheck} ms per image` +
      ` check, warm, INIT not counted; HTTP API $${prices.httpApiPerMillionRequests.toFixed(2)} per million requests` +
      ` (first 300 million a month, up to 512 KB each); SES $${prices.sesPer1000Emails.toFixed(2)} per 1,000 emails.` +
      ' Prices as the AWS pricing pages gave them from late 2024 on (DynamoDB after its November 2024 on-demand' +
      ' price cut), copied into `scripts/bench/pricing.ts`; not fetched at run time nor re-checked on the run date:' +
      ' check them before relying on them.',
    '',
    'Not included: SMS (SNS prices SMS per destination country and carrier; the SNS column counts them), Cognito',
    '(billed per monthly active user, not per call), S3 requests and storage, DynamoDB storage, stream reads by the',
    'Lambda event source (free), CloudWatch Logs, data transfer. The notifier rows count one Lambda invocation per',
    'triggering request (an upper bound: batches of up to 10 records share an invocation).',
    '',
    '"DynamoDB Local RCU / WCU" is what DynamoDB Local reported. "AWS rules RRU / WRU" is what the estimate bills:',
    "the same figures for single-item calls and queries (DynamoDB Local follows AWS's rules there: 0.5 RRU per",
    'eventually consistent read of up to 4 KB, 1 WRU per KB written plus 1 per index the item is in), but a',
    '**model** for `TransactWriteItems`, because DynamoDB Local reports 4 units for a transaction of one, two or',
    'three small items without indexes and 16 for a ticket plus its audit event: 2 WRU per item per started KB',
    '(transactional writes cost double), plus 1 WRU for each global secondary index the item is in (ticket items',
    'are in gsi1 and gsi2; whether AWS bills index writes of a transaction double is not spelled out in its',
    'documentation).',
    '',
    costTable(summaries),
    '',
    '### Notes from this run',
    '',
    ...info.notes.map((note) => `- ${note}`),
    sectionEnd,
  ].join('\n');
}

/** Replaces the generated section in the Markdown file, or appends it; keeps everything else. */
export function writeSection(file: string, content: string): void {
  const existing = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const begin = existing.indexOf('<!-- bench:requests:begin');
  const end = existing.indexOf(sectionEnd);
  const next =
    begin >= 0 && end > begin
      ? `${existing.slice(0, begin)}${content}${existing.slice(end + sectionEnd.length)}`
      : `${existing.replace(/\s*$/, '')}\n\n${content}\n`;
  writeFileSync(file, next);
}
