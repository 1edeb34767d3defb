/**
 * The cost model: measured handler durations and measured capacities, priced with `pricing.ts`.
 *
 * Duration of one invocation at memory M: the handler's CPU time, measured locally (`process.cpuUsage()` over the
 * invocation; for the event handlers their wall time minus their AWS round trips), scaled by 1,769 / M (Lambda's
 * CPU share grows with memory up to one vCPU at 1,769 MB; one local core is taken as one Lambda vCPU), plus the
 * rest of the wall time (waiting for AWS calls to the local emulators, not scaled); billed per started
 * millisecond. INIT (cold starts) is not counted.
 */
import {
  deployedMemoryMb,
  fullVcpuMemoryMb,
  lambdaMemorySizesMb,
  prices,
  type ServerOption,
  serverOptions,
} from './pricing.ts';

export interface Duration {
  /** CPU time of one invocation, ms (median): scales with the memory size. */
  readonly cpuMs: number;
  /** The rest of the wall time (waiting for AWS calls), ms (median): does not. */
  readonly otherMs: number;
}

/** Modelled billed duration at `memoryMb`, ms. */
export function billedMs(duration: Duration, memoryMb: number): number {
  const cpuScale = Math.max(1, fullVcpuMemoryMb / memoryMb);
  return Math.max(1, Math.ceil(duration.cpuMs * cpuScale + duration.otherMs));
}

/** Lambda USD per invocation at `memoryMb` (request price plus GB-seconds). */
export function lambdaUsd(duration: Duration, memoryMb: number): number {
  const gbSeconds = (memoryMb / 1024) * (billedMs(duration, memoryMb) / 1000);
  return prices.lambdaPerMillionRequests / 1e6 + gbSeconds * prices.lambdaArmPerGbSecond;
}

/** What one request (or triggered event) uses besides Lambda. */
export interface Usage {
  readonly rru: number;
  readonly wru: number;
  readonly emails: number;
  /** 1 for an API request, 0 for an event handler. */
  readonly httpApiRequests: number;
}

export interface Cost {
  readonly dynamoDb: number;
  readonly lambda: number;
  readonly httpApi: number;
  readonly ses: number;
  readonly total: number;
}

/** USD per million requests. */
export function costPerMillion(usage: Usage, duration: Duration | undefined, memoryMb: number): Cost {
  const dynamoDb = usage.rru * prices.dynamoDbPerMillionRru + usage.wru * prices.dynamoDbPerMillionWru;
  const lambda = duration ? lambdaUsd(duration, memoryMb) * 1e6 : Number.NaN;
  const httpApi = usage.httpApiRequests * prices.httpApiPerMillionRequests;
  const ses = usage.emails * prices.sesPer1000Emails * 1000;
  return { dynamoDb, lambda, httpApi, ses, total: dynamoDb + lambda + httpApi + ses };
}

export interface FunctionCost {
  readonly id: string;
  readonly duration: Duration | undefined;
  readonly usage: Usage | undefined;
  /** Per memory size: billed ms and USD per million invocations (Lambda + HTTP API + DynamoDB). */
  readonly byMemory: readonly { memoryMb: number; billedMs: number; cost: Cost }[];
  readonly cheapestMb: number | undefined;
}

export function functionCost(
  id: string,
  duration: Duration | undefined,
  usage: Usage | undefined,
): FunctionCost {
  const byMemory = lambdaMemorySizesMb.map((memoryMb) => ({
    memoryMb,
    billedMs: duration ? billedMs(duration, memoryMb) : Number.NaN,
    cost: costPerMillion(usage ?? { rru: 0, wru: 0, emails: 0, httpApiRequests: 0 }, duration, memoryMb),
  }));
  const priced = byMemory.filter((entry) => Number.isFinite(entry.cost.total));
  const cheapest = priced.sort((a, b) => a.cost.total - b.cost.total || a.memoryMb - b.memoryMb)[0];
  return { id, duration, usage, byMemory, cheapestMb: cheapest?.memoryMb };
}

/**
 * A month's API traffic: per 100 API requests, how many of each measured request, and the event handlers each one
 * sets off (the notifier's and the image check's rows of the same run). Reads dominate, as in a help desk where
 * people look at lists and tickets far more often than they write.
 */
export const requestMix: readonly {
  readonly request: string;
  readonly per100: number;
  readonly triggers?: string;
}[] = [
  { request: 'GET /tickets?limit=25 (agent)', per100: 15 },
  { request: 'GET /tickets?limit=25 (requester)', per100: 10 },
  { request: 'GET /tickets/{id} (3 comments, 1 image)', per100: 25 },
  { request: 'GET /tickets/{id}/comments (3 comments)', per100: 2 },
  { request: 'GET /me', per100: 8 },
  { request: 'POST /auth/login', per100: 4 },
  { request: 'POST /auth/refresh', per100: 4 },
  { request: 'POST /auth/signup', per100: 1 },
  { request: 'POST /tickets', per100: 4 },
  {
    request: 'POST /tickets with approverId',
    per100: 1,
    triggers: 'stream notifier, per approval request (email + SMS to the approver)',
  },
  {
    request: 'PATCH /tickets/{id} (status, agent)',
    per100: 8,
    triggers: 'stream notifier, per status change (email to the requester)',
  },
  { request: 'POST /tickets/{id}/comments (requester)', per100: 7 },
  {
    request: 'POST /tickets/{id}/comments (agent response)',
    per100: 7,
    triggers: 'stream notifier, per agent response (email to the requester)',
  },
  { request: 'POST /tickets/{id}/images', per100: 2, triggers: 'S3 image check, per uploaded image' },
  { request: 'GET /approvals/{token}', per100: 1 },
  {
    request: 'POST /approvals/{token} (approve)',
    per100: 1,
    triggers: 'stream notifier, per approval decision (email + SMS to the requester)',
  },
];

/** A measured row the bill is made of: a request or a triggered event, with its function. */
export interface CostRow {
  readonly label: string;
  readonly functionId: string | undefined;
  readonly usage: Usage;
}

export interface Bill {
  /** USD per API request of the mix, by part, with each function at `memory(functionId)`. */
  readonly perRequest: Cost;
  /** Rows of the mix the run did not measure. */
  readonly missing: string[];
}

/** The mix's cost per API request. */
export function mixCost(
  rows: readonly CostRow[],
  durations: ReadonlyMap<string, Duration>,
  memory: (functionId: string) => number,
): Bill {
  const missing: string[] = [];
  const parts = { dynamoDb: 0, lambda: 0, httpApi: 0, ses: 0 };
  const add = (label: string, share: number) => {
    const row = rows.find((r) => r.label === label);
    const duration = row?.functionId ? durations.get(row.functionId) : undefined;
    if (!row?.functionId || !duration) {
      missing.push(label);
      return;
    }
    const cost = costPerMillion(row.usage, duration, memory(row.functionId));
    parts.dynamoDb += (share * cost.dynamoDb) / 1e6;
    parts.lambda += (share * cost.lambda) / 1e6;
    parts.httpApi += (share * cost.httpApi) / 1e6;
    parts.ses += (share * cost.ses) / 1e6;
  };
  for (const entry of requestMix) {
    add(entry.request, entry.per100 / 100);
    if (entry.triggers) add(entry.triggers, entry.per100 / 100);
  }
  return {
    perRequest: { ...parts, total: parts.dynamoDb + parts.lambda + parts.httpApi + parts.ses },
    missing,
  };
}

/** Monthly volumes the bill is shown for. */
export const monthlyVolumes = [10_000, 1_000_000, 100_000_000] as const;

/** Fixed monthly costs of the serverless stack, whatever the traffic. */
export const serverlessFixed = [
  { what: 'Secrets Manager secret (cursor signing key)', usdPerMonth: prices.secretPerMonth },
];

export { deployedMemoryMb, type ServerOption, serverOptions };
