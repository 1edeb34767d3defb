/**
 * Every price the bench's cost model uses, in one place: us-east-1, USD, on-demand list prices, no free tier, no
 * savings plans or reservations. Not fetched at run time and not re-checked when the bench runs.
 *
 * Assumed as of {@link pricesAssumedOn}, from these AWS pricing pages: "AWS Lambda Pricing"
 * (https://aws.amazon.com/lambda/pricing/), "Amazon API Gateway Pricing" (https://aws.amazon.com/api-gateway/pricing/),
 * "Amazon DynamoDB Pricing for On-Demand Capacity" (https://aws.amazon.com/dynamodb/pricing/on-demand/, after the
 * November 2024 on-demand price cut), "Amazon SES Pricing" (https://aws.amazon.com/ses/pricing/), "AWS Secrets
 * Manager Pricing" (https://aws.amazon.com/secrets-manager/pricing/), "Amazon EC2 On-Demand Pricing"
 * (https://aws.amazon.com/ec2/pricing/on-demand/), "Amazon EBS Pricing" (https://aws.amazon.com/ebs/pricing/),
 * "Amazon VPC Pricing" (public IPv4 addresses, https://aws.amazon.com/vpc/pricing/) and "Amazon RDS for PostgreSQL
 * Pricing" (https://aws.amazon.com/rds/postgresql/pricing/). Prices change: check them before relying on them.
 */
export const pricesAssumedOn = '2026-06-01';

export const prices = {
  region: 'us-east-1',
  /** DynamoDB on-demand, Standard table class, USD per million write request units. */
  dynamoDbPerMillionWru: 0.625,
  /** DynamoDB on-demand, Standard table class, USD per million read request units. */
  dynamoDbPerMillionRru: 0.125,
  /** DynamoDB Standard table storage, USD per GB-month (beyond the first 25 GB, which the model does not count). */
  dynamoDbStoragePerGbMonth: 0.25,
  /** DynamoDB continuous backups (PITR), USD per GB-month. */
  dynamoDbPitrPerGbMonth: 0.2,
  /** Lambda arm64, USD per GB-second (first 7.5 billion GB-s a month). */
  lambdaArmPerGbSecond: 0.0000133334,
  /** Lambda, USD per million requests. */
  lambdaPerMillionRequests: 0.2,
  /** API Gateway HTTP API, USD per million requests of up to 512 KB (first 300 million a month). */
  httpApiPerMillionRequests: 1.0,
  /** SES outbound email, USD per 1,000 messages (no attachments counted). */
  sesPer1000Emails: 0.1,
  /** Secrets Manager, USD per secret per month (the cursor signing key). */
  secretPerMonth: 0.4,
  /** Hours in the month AWS bills always-on resources by. */
  hoursPerMonth: 730,
} as const;

/** Lambda memory sizes the cost model compares (MB), and the one every function is deployed with today. */
export const lambdaMemorySizesMb = [256, 512, 1024] as const;
export const deployedMemoryMb = 512;

/**
 * Lambda gives a function CPU in proportion to its memory, one full vCPU at 1,769 MB ("Lambda memory and
 * computing power", AWS Lambda developer guide: "At 1,769 MB, a function has the equivalent of one vCPU").
 */
export const fullVcpuMemoryMb = 1769;

/**
 * The always-on alternative the seeds deploy (a Flask, Django or Go app with PostgreSQL or SQLite, in Docker or on
 * Heroku): one small Graviton instance, on-demand, Linux, with its disk and a public IPv4 address; the database
 * either SQLite on that disk or a small single-AZ RDS PostgreSQL instance.
 */
export const server = {
  /** EC2 t4g.small (2 vCPU burstable, 20% baseline each, 2 GiB), Linux on-demand, USD per hour. */
  instance: { name: 't4g.small', perHour: 0.0168 },
  /** EBS gp3 root volume, USD per GB-month, and its size. */
  ebsGp3PerGbMonth: 0.08,
  diskGb: 20,
  /** Public IPv4 address (in use), USD per hour. */
  publicIpv4PerHour: 0.005,
  /** RDS for PostgreSQL db.t4g.micro (2 vCPU burstable, 1 GiB), single-AZ on-demand, USD per hour. */
  database: { name: 'db.t4g.micro', perHour: 0.016 },
  /** RDS gp3 storage, USD per GB-month, and its (minimum) size. */
  rdsGp3PerGbMonth: 0.115,
  databaseDiskGb: 20,
} as const;

export interface ServerOption {
  readonly label: string;
  readonly parts: readonly { readonly what: string; readonly usdPerMonth: number }[];
  readonly usdPerMonth: number;
}

/** The two always-on set-ups, per month. */
export function serverOptions(): ServerOption[] {
  const hours = prices.hoursPerMonth;
  const host = [
    {
      what: `EC2 ${server.instance.name} on-demand ($${server.instance.perHour}/h × ${hours} h)`,
      usdPerMonth: server.instance.perHour * hours,
    },
    {
      what: `EBS gp3 ${server.diskGb} GB ($${server.ebsGp3PerGbMonth}/GB-month)`,
      usdPerMonth: server.ebsGp3PerGbMonth * server.diskGb,
    },
    {
      what: `public IPv4 address ($${server.publicIpv4PerHour}/h)`,
      usdPerMonth: server.publicIpv4PerHour * hours,
    },
  ];
  const database = [
    {
      what: `RDS PostgreSQL ${server.database.name} single-AZ ($${server.database.perHour}/h × ${hours} h)`,
      usdPerMonth: server.database.perHour * hours,
    },
    {
      what: `RDS gp3 ${server.databaseDiskGb} GB ($${server.rdsGp3PerGbMonth}/GB-month)`,
      usdPerMonth: server.rdsGp3PerGbMonth * server.databaseDiskGb,
    },
  ];
  const total = (parts: { usdPerMonth: number }[]) => parts.reduce((sum, part) => sum + part.usdPerMonth, 0);
  return [
    { label: `${server.instance.name} + SQLite on its disk`, parts: host, usdPerMonth: total(host) },
    {
      label: `${server.instance.name} + RDS ${server.database.name}`,
      parts: [...host, ...database],
      usdPerMonth: total([...host, ...database]),
    },
  ];
}
