/**
 * Published on-demand list prices the cost estimate uses: us-east-1, USD, no free tier, no savings plans.
 *
 * Taken from the AWS pricing pages as they read from late 2024 on (DynamoDB on-demand after the November 2024
 * price reduction; Lambda arm64 first duration tier; HTTP API first 300 million requests a month); not fetched
 * at run time and not re-checked when the bench runs. Prices change:
 * check https://aws.amazon.com/dynamodb/pricing/on-demand/, https://aws.amazon.com/lambda/pricing/,
 * https://aws.amazon.com/api-gateway/pricing/ and https://aws.amazon.com/ses/pricing/ before relying on them.
 */
export const prices = {
  region: 'us-east-1',
  /** DynamoDB on-demand, Standard table class, USD per million write request units. */
  dynamoDbPerMillionWru: 0.625,
  /** DynamoDB on-demand, Standard table class, USD per million read request units. */
  dynamoDbPerMillionRru: 0.125,
  /** Lambda arm64, USD per GB-second (first 7.5 billion GB-s a month). */
  lambdaArmPerGbSecond: 0.0000133334,
  /** Lambda, USD per million requests. */
  lambdaPerMillionRequests: 0.2,
  /** API Gateway HTTP API, USD per million requests of up to 512 KB (first 300 million a month). */
  httpApiPerMillionRequests: 1.0,
  /** SES outbound email, USD per 1,000 messages (no attachments counted). */
  sesPer1000Emails: 0.1,
} as const;

/** Lambda memory of every function (MB) assumed by the estimate. */
export const lambdaMemoryMb = 512;

/**
 * Billed duration assumed per invocation (ms): warm invocations, no INIT phase. An API handler making one to
 * three DynamoDB calls of a few milliseconds each in-region; the notifier makes ~10 sequential calls plus an email
 * and an SMS per approval request. The local timings in the table are NOT Lambda durations.
 */
export const assumedDurationMs = { api: 100, notifier: 300, imageCheck: 150 } as const;

export interface CostInput {
  /** Read request units per request (AWS rules). */
  readonly rru: number;
  /** Write request units per request (AWS rules). */
  readonly wru: number;
  /** Lambda invocations per request (1 for a route; the notifier's per triggering request). */
  readonly lambdaInvocations: number;
  readonly lambdaDurationMs: number;
  /** HTTP API requests per request (1 for a route, 0 for event handlers). */
  readonly httpApiRequests: number;
  readonly emails: number;
}

export interface Cost {
  readonly dynamoDb: number;
  readonly lambda: number;
  readonly httpApi: number;
  readonly ses: number;
  readonly total: number;
}

/** USD per million requests. */
export function costPerMillion(input: CostInput): Cost {
  const dynamoDb = input.rru * prices.dynamoDbPerMillionRru + input.wru * prices.dynamoDbPerMillionWru;
  const gbSeconds = (lambdaMemoryMb / 1024) * (input.lambdaDurationMs / 1000);
  const lambda =
    input.lambdaInvocations *
    (prices.lambdaPerMillionRequests + gbSeconds * prices.lambdaArmPerGbSecond * 1_000_000);
  const httpApi = input.httpApiRequests * prices.httpApiPerMillionRequests;
  const ses = input.emails * prices.sesPer1000Emails * 1000;
  return { dynamoDb, lambda, httpApi, ses, total: dynamoDb + lambda + httpApi + ses };
}
