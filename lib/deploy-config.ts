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
 * | `authRateLimit`          | per-route rate of each `/auth/*` route except sign-up (login, refresh...) | `10`                     |
 * | `authBurstLimit`         | per-route burst of those routes                                          | `20`                     |
 * | `signUpRateLimit`        | rate of `POST /auth/signup` (each call creates a Cognito user, sends mail)| `2`                      |
 * | `signUpBurstLimit`       | its burst                                                                | `5`                      |
 * | `approvalRateLimit`      | rate of each `/approvals/{token}` route (the token is the credential)    | `5`                      |
 * | `approvalBurstLimit`     | their burst                                                              | `10`                     |
 * | `uploadRateLimit`        | rate of `POST /tickets/{ticketId}/images` (presigned uploads)            | `5`                      |
 * | `uploadBurstLimit`       | its burst                                                                | `10`                     |
 * | `apiErrorRatePercent`    | alarm when more than this % of API requests answer 5xx (5-minute periods) | `5`                      |
 * | `apiLatencyP99Ms`        | alarm when the API's p99 latency exceeds this many ms (5-minute periods)  | `3000`                   |
 * | `smsMonthlySpendLimitUsd`| SNS account SMS spend limit (USD/month) set at deploy; alarm at 80%       | `1` (the AWS default)    |
 * | `alarmEmail`             | address subscribed to the operator alarms topic (dead letters waiting)   | unset (topic only)       |
 * | `wafRateLimit`           | requests one IP may make in 5 minutes before the edge WAF answers 429     | `1000`                   |
 * | `approvalRequestsPerRequesterPerHour` | send quota: approval requests one requester may cause per hour | `10`               |
 * | `smsPerRecipientPerDay`  | send quota: SMS one recipient may get per UTC day                        | `50`                     |
 * | `inventoryRole`          | the role whose members are the inventory team (passed as INVENTORY_ROLE)  | `inventory`              |
 * | `cableApproverGroup`     | who approves a cable request without approver: `role:<name>` or a comma list of user ids (CABLE_APPROVER_GROUP) | `role:<inventoryRole>` |
 * | `opticsAlertEmails`      | addresses mailed about each new optics request (comma list), as OPTICS_ALERT_EMAILS | unset (every admin) |
 * | `opticsAlertsPerRequesterPerHour` | send quota: optics request alerts one requester may cause per hour | `10`           |
 *
 * No setting triggers a context lookup: synth works offline and without AWS credentials.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { parseApproverGroup } from '#shared/inventory/config.ts';
import { type QuotaName, quotas } from '#shared/notifications/quotas.ts';
import { roleNamePattern } from '#shared/roles/roles.ts';

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
  /**
   * Per-route limits that override the stage's for the routes a hostile client would flood (the stage limit is
   * one bucket all routes share). Each must be at most the stage's; the route classes are in lib/stacks/api-stack.ts.
   */
  readonly routeThrottles: Readonly<Record<RouteThrottleClass, ThrottleLimits>>;
  /** API 5xx alarm: percentage of requests. */
  readonly apiErrorRatePercent: number;
  /** API latency alarm: p99 in milliseconds. */
  readonly apiLatencyP99Ms: number;
  /**
   * The account's monthly SMS spend limit in whole USD (`MonthlySpendLimit` of SNS SetSMSAttributes); SNS stops
   * sending SMS for the rest of the month when it is reached. Above 1 it needs a spend quota increase from AWS
   * Support first, or the deploy fails.
   */
  readonly smsMonthlySpendLimitUsd: number;
  /** Subscribed by email to the operator alarms topic, if set (the subscriber confirms by mail). */
  readonly alarmEmail: string | undefined;
  /**
   * Addresses the sender mails about each new optics request (`OPTICS_ALERT_EMAILS`, `opticsAlertEmails()` in
   * shared/inventory/config.ts); empty: every enabled admin.
   */
  readonly opticsAlertEmails: readonly string[];
  /**
   * Requests one client IP may make in {@link wafRateWindowSeconds} before the edge WAF's rate-based rule answers
   * 429 (AWS WAF `RateBasedStatement.Limit`, 10 to 2,000,000,000).
   */
  readonly wafRateLimit: number;
  /**
   * Limits of the quotas on paid sends (`shared/notifications/quotas.ts`), handed to the sender as the quotas'
   * environment variables. Context keys are the quota names.
   */
  readonly sendQuotas: Readonly<Record<QuotaName, number>>;
  /** The inventory team's role name (`INVENTORY_ROLE`, `shared/inventory/config.ts`). */
  readonly inventoryRole: string;
  /**
   * Who approves a cable request that names no approver (`CABLE_APPROVER_GROUP`): `role:<name>` or a comma list of
   * user ids, as written; default `role:<inventoryRole>`.
   */
  readonly cableApproverGroup: string;
  /** RETAIN in prod, DESTROY elsewhere. */
  readonly removalPolicy: RemovalPolicy;
  readonly logRetention: RetentionDays;
}

export interface ThrottleLimits {
  /** Steady-state requests per second. */
  readonly rateLimit: number;
  /** Burst (token bucket size). */
  readonly burstLimit: number;
}

/** The window of the edge WAF's rate-based rule, seconds (`EvaluationWindowSec`: 60, 120, 300 or 600). */
export const wafRateWindowSeconds = 300;

/** Routes with their own, tighter limits (`routeThrottleClass` in lib/stacks/api-stack.ts says which). */
export type RouteThrottleClass = 'auth' | 'signUp' | 'approval' | 'upload';

export const defaults = {
  stage: 'dev',
  region: 'us-east-1',
  mailFrom: 'no-reply@example.com',
  corsOrigins: ['http://localhost:5173'],
  approvalLinkTtlSeconds: 259_200,
  apiRateLimit: 50,
  apiBurstLimit: 100,
  apiErrorRatePercent: 5,
  apiLatencyP99Ms: 3000,
  smsMonthlySpendLimitUsd: 1,
  wafRateLimit: 1000,
  routeThrottles: {
    auth: { rateLimit: 10, burstLimit: 20 },
    signUp: { rateLimit: 2, burstLimit: 5 },
    approval: { rateLimit: 5, burstLimit: 10 },
    upload: { rateLimit: 5, burstLimit: 10 },
  },
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

  const opticsAlertEmails = list(ctx('opticsAlertEmails')) ?? [];
  for (const address of opticsAlertEmails) {
    if (!/^[^@\s,]+@[^@\s,]+\.[^@\s,]+$/.test(address)) {
      throw new Error(`Context opticsAlertEmails: "${address}" is not an email address`);
    }
  }

  const apiRateLimit = positiveInt('apiRateLimit', ctx('apiRateLimit'), defaults.apiRateLimit);
  const apiBurstLimit = positiveInt('apiBurstLimit', ctx('apiBurstLimit'), defaults.apiBurstLimit);
  const routeThrottle = (name: RouteThrottleClass): ThrottleLimits => {
    const rateKey = `${name}RateLimit`;
    const burstKey = `${name}BurstLimit`;
    const rateLimit = positiveInt(rateKey, ctx(rateKey), defaults.routeThrottles[name].rateLimit);
    const burstLimit = positiveInt(burstKey, ctx(burstKey), defaults.routeThrottles[name].burstLimit);
    if (rateLimit > apiRateLimit || burstLimit > apiBurstLimit) {
      throw new Error(
        `Context ${rateKey}/${burstKey} (${rateLimit}/${burstLimit}) must not exceed apiRateLimit/apiBurstLimit ` +
          `(${apiRateLimit}/${apiBurstLimit}): a route limit is meant to be tighter than the stage's`,
      );
    }
    return { rateLimit, burstLimit };
  };

  const apiErrorRatePercent = positiveInt(
    'apiErrorRatePercent',
    ctx('apiErrorRatePercent'),
    defaults.apiErrorRatePercent,
  );
  if (apiErrorRatePercent > 100) {
    throw new Error(`Context apiErrorRatePercent must be 1-100, got ${apiErrorRatePercent}`);
  }

  const wafRateLimit = positiveInt('wafRateLimit', ctx('wafRateLimit'), defaults.wafRateLimit);
  if (wafRateLimit < 10 || wafRateLimit > 2_000_000_000) {
    throw new Error(
      `Context wafRateLimit must be 10 to 2000000000 (AWS WAF rate-based rule), got ${wafRateLimit}`,
    );
  }
  const quotaNames = Object.keys(quotas) as QuotaName[];
  const sendQuotas = Object.fromEntries(
    quotaNames.map((name) => [name, positiveInt(name, ctx(name), quotas[name].defaultLimit)]),
  ) as Record<QuotaName, number>;

  const inventoryRole = String(ctx('inventoryRole') ?? 'inventory').trim();
  if (!roleNamePattern.test(inventoryRole)) {
    throw new Error(`Context inventoryRole must be a role name (${roleNamePattern}), got "${inventoryRole}"`);
  }
  const cableApproverGroup = String(ctx('cableApproverGroup') ?? `role:${inventoryRole}`).trim();
  try {
    const group = parseApproverGroup(cableApproverGroup);
    if (group.kind === 'role' && !roleNamePattern.test(group.role))
      throw new Error(`bad role "${group.role}"`);
    if (group.kind === 'users' && group.userIds.some((id) => !/^[\w-]{1,128}$/.test(id))) {
      throw new Error('a user id holds other characters than letters, digits, - and _');
    }
  } catch (error) {
    throw new Error(
      `Context cableApproverGroup must be role:<roleName> or a comma list of user ids, got "${cableApproverGroup}": ${
        (error as Error).message
      }`,
    );
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
    apiRateLimit,
    apiBurstLimit,
    routeThrottles: {
      auth: routeThrottle('auth'),
      signUp: routeThrottle('signUp'),
      approval: routeThrottle('approval'),
      upload: routeThrottle('upload'),
    },
    apiErrorRatePercent,
    apiLatencyP99Ms: positiveInt('apiLatencyP99Ms', ctx('apiLatencyP99Ms'), defaults.apiLatencyP99Ms),
    smsMonthlySpendLimitUsd: positiveInt(
      'smsMonthlySpendLimitUsd',
      ctx('smsMonthlySpendLimitUsd'),
      defaults.smsMonthlySpendLimitUsd,
    ),
    alarmEmail,
    opticsAlertEmails,
    wafRateLimit,
    sendQuotas,
    inventoryRole,
    cableApproverGroup,
    removalPolicy: isProd ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    logRetention: isProd ? RetentionDays.SIX_MONTHS : RetentionDays.ONE_MONTH,
  };
}
