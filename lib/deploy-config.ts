/**
 * Deployer settings, read from CDK context (`cdk synth -c name=value`, or the `context` block of cdk.json).
 *
 * | context key              | meaning                                                                  | default                  |
 * |--------------------------|--------------------------------------------------------------------------|--------------------------|
 * | `stage`                  | stage name; `prod` turns on deletion protection and RETAIN everywhere    | `dev`                    |
 * | `region`                 | AWS region of every stack (else `CDK_DEFAULT_REGION`, else us-east-1)    | `us-east-1`              |
 * | `mailFrom`               | SES verified sender identity (address; its domain may be the identity)   | `no-reply@example.com`   |
 * | `corsOrigins`            | browser origins allowed by the API and by the images bucket (comma list) | `http://localhost:5173`  |
 * | `smsSenderId`            | optional SNS SMS sender id (1-11 alphanumerics), passed as SMS_SENDER_ID  | unset                    |
 * | `approvalLinkTtlSeconds` | lifetime of an approval link                                             | `259200` (3 days)        |
 * | `apiRateLimit`           | HTTP API stage steady-state requests per second                          | `50`                     |
 * | `apiBurstLimit`          | HTTP API stage burst                                                     | `100`                    |
 * | `alarmEmail`             | address subscribed to the operator alarms topic (dead letters waiting)   | unset (topic only)       |
 *
 * No setting triggers a context lookup: synth works offline and without AWS credentials.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

export interface DeployConfig {
  /** Stage name, lower-case letters and digits; part of every stack name. */
  readonly stage: string;
  /** True for `stage=prod`: deletion protection on, RETAIN on stateful resources, longer log retention. */
  readonly isProd: boolean;
  readonly region: string;
  /** Account from the CLI environment, if any; stacks stay account-agnostic without it. */
  readonly account: string | undefined;
  readonly mailFrom: string;
  readonly corsOrigins: readonly string[];
  readonly smsSenderId: string | undefined;
  readonly approvalLinkTtlSeconds: number;
  readonly apiRateLimit: number;
  readonly apiBurstLimit: number;
  /** Subscribed by email to the operator alarms topic, if set (the subscriber confirms by mail). */
  readonly alarmEmail: string | undefined;
  /** RETAIN in prod, DESTROY elsewhere. */
  readonly removalPolicy: RemovalPolicy;
  readonly logRetention: RetentionDays;
}

export const defaults = {
  stage: 'dev',
  region: 'us-east-1',
  mailFrom: 'no-reply@example.com',
  corsOrigins: ['http://localhost:5173'],
  approvalLinkTtlSeconds: 259_200,
  apiRateLimit: 50,
  apiBurstLimit: 100,
} as const;

function list(value: unknown): string[] | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (Array.isArray(value)) return value.map(String);
  return String(value)
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

function positiveInt(name: string, value: unknown, fallback: number): number {
  if (value === undefined || value === null || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0) {
    throw new Error(`Context ${name} must be a positive integer, got ${JSON.stringify(value)}`);
  }
  return parsed;
}

/**
 * Reads and validates the deployer settings of the app `scope` belongs to.
 * @throws Error on a malformed setting, naming it
 */
export function readDeployConfig(scope: Construct): DeployConfig {
  const ctx = (key: string): unknown => scope.node.tryGetContext(key);

  const stage = String(ctx('stage') ?? defaults.stage);
  if (!/^[a-z][a-z0-9]{0,15}$/.test(stage)) {
    throw new Error(`Context stage must be 1-16 lower-case letters or digits, got "${stage}"`);
  }
  const isProd = stage === 'prod';

  const region = String(ctx('region') ?? process.env.CDK_DEFAULT_REGION ?? defaults.region);

  const mailFrom = String(ctx('mailFrom') ?? defaults.mailFrom);
  if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(mailFrom)) {
    throw new Error(`Context mailFrom must be an email address, got "${mailFrom}"`);
  }

  const corsOrigins = list(ctx('corsOrigins')) ?? [...defaults.corsOrigins];
  for (const origin of corsOrigins) {
    const ok =
      /^https:\/\/[^/\s]+$/.test(origin) || /^http:\/\/(localhost|127\.0\.0\.1)(:\d+)?$/.test(origin);
    if (!ok) {
      throw new Error(
        `Context corsOrigins: "${origin}" is not an https origin (scheme://host[:port], no path) or a localhost origin`,
      );
    }
  }

  const smsSenderIdRaw = ctx('smsSenderId');
  const smsSenderId = smsSenderIdRaw ? String(smsSenderIdRaw) : undefined;
  if (smsSenderId !== undefined && !/^(?=.*[A-Za-z])[A-Za-z0-9]{1,11}$/.test(smsSenderId)) {
    throw new Error(
      `Context smsSenderId must be 1-11 alphanumerics with at least one letter, got "${smsSenderId}"`,
    );
  }

  const alarmEmailRaw = ctx('alarmEmail');
  const alarmEmail = alarmEmailRaw ? String(alarmEmailRaw) : undefined;
  if (alarmEmail !== undefined && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(alarmEmail)) {
    throw new Error(`Context alarmEmail must be an email address, got "${alarmEmail}"`);
  }

  return {
    stage,
    isProd,
    region,
    account: process.env.CDK_DEFAULT_ACCOUNT,
    mailFrom,
    corsOrigins,
    smsSenderId,
    approvalLinkTtlSeconds: positiveInt(
      'approvalLinkTtlSeconds',
      ctx('approvalLinkTtlSeconds'),
      defaults.approvalLinkTtlSeconds,
    ),
    apiRateLimit: positiveInt('apiRateLimit', ctx('apiRateLimit'), defaults.apiRateLimit),
    apiBurstLimit: positiveInt('apiBurstLimit', ctx('apiBurstLimit'), defaults.apiBurstLimit),
    alarmEmail,
    removalPolicy: isProd ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    logRetention: isProd ? RetentionDays.SIX_MONTHS : RetentionDays.ONE_MONTH,
  };
}
