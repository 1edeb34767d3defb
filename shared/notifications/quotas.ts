/**
 * Quotas on paid sends (issue 9, OWASP API4 "Unrestricted resource consumption"): without them any requester could
 * make the service mail and text an approver as often as they create tickets. Pure: the quotas, their limits from
 * the environment, the time windows; unit-tested in `test/unit/notify-quotas.test.ts`. The sender checks them
 * (`sender.ts`) with a counter per subject and window in the table (`quota-counter.entity.ts`).
 *
 * | quota | counts | subject | window | env (default) |
 * |---|---|---|---|---|
 * | `approvalRequestsPerRequesterPerHour` | approval requests (the mail and SMS of one request count once) | the ticket's requester | 1 h | `QUOTA_APPROVAL_REQUESTS_PER_REQUESTER_PER_HOUR` (10) |
 * | `smsPerRecipientPerDay` | SMS of any type | the recipient | 24 h (UTC days) | `QUOTA_SMS_PER_RECIPIENT_PER_DAY` (50) |
 * | `opticsAlertsPerRequesterPerHour` | optics request alerts (the mails of one request to every admin count once) | the request's requester | 1 h | `QUOTA_OPTICS_ALERTS_PER_REQUESTER_PER_HOUR` (10) |
 *
 * Windows are fixed and aligned to the Unix epoch (hours, UTC days), and a message counts in the window of the
 * time it was planned (the stream record's time), not of its send: every attempt, copy and redrive of a message
 * then meets the same counter, where it is counted once (by its count key). A delivery over its quota is logged
 * `skipped` with the quota's reason and never retried.
 */
import { deliveryQueueSettings } from '#shared/notifications/delivery-queue.ts';

/** The quotas on paid sends. */
export type QuotaName =
  | 'approvalRequestsPerRequesterPerHour'
  | 'smsPerRecipientPerDay'
  | 'opticsAlertsPerRequesterPerHour';

interface QuotaDefinition {
  /** The environment variable of its limit (a positive integer). */
  readonly env: string;
  /** The limit when the variable is unset or not a positive integer. */
  readonly defaultLimit: number;
  /** Window length, seconds. */
  readonly windowSeconds: number;
  /** What the log row's `error` says when a delivery is over the quota. */
  readonly reason: (limit: number) => string;
}

export const quotas: Readonly<Record<QuotaName, QuotaDefinition>> = {
  approvalRequestsPerRequesterPerHour: {
    env: 'QUOTA_APPROVAL_REQUESTS_PER_REQUESTER_PER_HOUR',
    defaultLimit: 10,
    windowSeconds: 3600,
    reason: (limit) => `quota: ${limit} approval requests per requester per hour`,
  },
  smsPerRecipientPerDay: {
    env: 'QUOTA_SMS_PER_RECIPIENT_PER_DAY',
    defaultLimit: 50,
    windowSeconds: 24 * 3600,
    reason: (limit) => `quota: ${limit} SMS per recipient per day`,
  },
  opticsAlertsPerRequesterPerHour: {
    env: 'QUOTA_OPTICS_ALERTS_PER_REQUESTER_PER_HOUR',
    defaultLimit: 10,
    windowSeconds: 3600,
    reason: (limit) => `quota: ${limit} optics request alerts per requester per hour`,
  },
};

/**
 * The limit of a quota, read from its environment variable each time (so tests and the local stack can change it).
 * @returns the variable as a positive integer, else the quota's default
 */
export function quotaLimit(
  name: QuotaName,
  env: Readonly<Record<string, string | undefined>> = process.env,
): number {
  const { env: variable, defaultLimit } = quotas[name];
  const value = Number(env[variable]);
  return Number.isSafeInteger(value) && value > 0 ? value : defaultLimit;
}

/**
 * How long a counter is kept after its window ends, seconds: as long as a copy of a message counted in it can
 * still arrive (queue retention + dead-letter retention, 18 days), so no copy is ever counted twice.
 */
export const counterRetentionSeconds =
  deliveryQueueSettings.retentionSeconds + deliveryQueueSettings.deadLetterRetentionSeconds;

/** One fixed window of a quota. */
export interface QuotaWindow {
  /** Start, epoch seconds (inclusive): a multiple of the window length. */
  readonly start: number;
  /** End, epoch seconds (exclusive): `start + windowSeconds`. */
  readonly end: number;
  /** The start as ISO 8601 (the counter's sort key). */
  readonly id: string;
  /** The counter's TTL, epoch seconds: the end plus {@link counterRetentionSeconds}. */
  readonly expiresAt: number;
}

/**
 * The window of a quota that holds a time.
 * @param at an ISO 8601 time or a Date; an unreadable time falls in the window of the epoch (deterministic)
 * @param windowSeconds the window length, seconds (> 0)
 */
export function quotaWindow(at: string | Date, windowSeconds: number): QuotaWindow {
  const ms = typeof at === 'string' ? Date.parse(at) : at.getTime();
  const seconds = Number.isFinite(ms) ? Math.floor(ms / 1000) : 0;
  const start = Math.floor(seconds / windowSeconds) * windowSeconds;
  const end = start + windowSeconds;
  return { start, end, id: new Date(start * 1000).toISOString(), expiresAt: end + counterRetentionSeconds };
}

/** One use of a quota, as the sender asks the counter for it. */
export interface QuotaUse {
  readonly quota: QuotaName;
  /** Whose sends are counted: the requester (approval requests) or the recipient (SMS). */
  readonly subjectId: string;
  readonly window: QuotaWindow;
  readonly limit: number;
  /** What is counted once: the message or delivery key. The same key again is within the quota, uncounted. */
  readonly countKey: string;
}

/**
 * Count one use: resolves `true` when it is within the quota (counted now, or counted before under the same key),
 * `false` when the window already holds `limit` other uses. Rejects when the counter cannot be read or written.
 */
export type QuotaCounter = (use: QuotaUse) => Promise<boolean>;
