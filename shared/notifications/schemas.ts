/**
 * Request schemas of the dead-letter routes (`GET /notifications/dead-letters`,
 * `POST /notifications/dead-letters/redrive`), with every rule the operations rely on (the bounds of `limit` and
 * `max`: a 400 by schema). Bodies are strict: unknown fields are a 400. `zod/mini`, each schema built by a pure
 * `defineSchema` call so a bundle keeps only those its route uses (`shared/platform/schemas.ts`). The response
 * schemas are in `shared/notifications/responses.ts`.
 */
import * as z from 'zod/mini';
import { defineSchema, Ulid } from '#shared/platform/schemas.ts';

/** Bounds of `?limit=` (a peek reads at most 10 messages per ReceiveMessage call). */
export const deadLetterListLimits = { min: 1, max: 50, default: 10 } as const;
/** Bounds of `max` (messages moved by one redrive). */
export const redriveLimits = { min: 1, max: 1000, default: 100 } as const;
/**
 * Longest texts a dead-letter summary shows, characters (longer ones are cut, ending in `…`): a `reason`, and an
 * id or name read from a body (`ticketId`, `recipient`, `eventId`, `eventName`), which a body that went wrong may
 * hold at any length.
 */
export const deadLetterTextLimits = { reason: 500, id: 200 } as const;

/** `?limit=`: how many dead letters to peek at, 1-50 (default 10). */
export const DeadLetterListQuery = /* @__PURE__ */ defineSchema(() =>
  z.object({
    limit: z._default(
      z.coerce
        .number()
        .check(
          z.int(),
          z.gte(deadLetterListLimits.min),
          z.lte(deadLetterListLimits.max),
          z.meta({ description: 'Dead letters to show, 1-50' }),
        ),
      deadLetterListLimits.default,
    ),
  }),
);
export type DeadLetterListInput = z.output<typeof DeadLetterListQuery>;

/** `{ max? }`: how many dead letters to move back to the delivery queue, 1-1000 (default 100). */
export const RedriveDeadLettersBody = /* @__PURE__ */ defineSchema(() =>
  z
    .strictObject({
      max: z._default(
        z
          .number()
          .check(
            z.int(),
            z.gte(redriveLimits.min),
            z.lte(redriveLimits.max),
            z.meta({ description: 'Most messages to move, 1-1000' }),
          ),
        redriveLimits.default,
      ),
    })
    .check(z.meta({ id: 'RedriveDeadLettersRequest' })),
);
export type RedriveDeadLettersInput = z.output<typeof RedriveDeadLettersBody>;

/** Final statuses of a delivery, and `retrying` while a transient failure waits (`notification.entity.ts`). */
export const notificationStatuses = ['sent', 'failed', 'skipped', 'retrying'] as const;

/**
 * `GET /notifications?status=&limit=&cursor=`: the notification log rows of one status (required: each status is
 * one index partition), newest first, a page of at most `limit` (1-100, default 25).
 */
export const NotificationListQuery = /* @__PURE__ */ defineSchema(() =>
  z.object({
    status: z.enum(notificationStatuses).check(z.meta({ description: 'The rows of this status' })),
    limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(100)), 25),
    cursor: z.optional(
      z
        .string()
        .check(z.maxLength(2048), z.regex(/^[\w-]+\.[\w-]+$/, 'Expected a cursor from a previous page')),
    ),
  }),
);
export type NotificationListInput = z.output<typeof NotificationListQuery>;

/** `{notificationId}`: a notification log row's id (a ULID). */
export const NotificationParams = /* @__PURE__ */ defineSchema(() => z.object({ notificationId: Ulid }));

/** `POST /notifications/{notificationId}/retry` takes no fields: `{}` (or no body). */
export const RetryNotificationBody = /* @__PURE__ */ defineSchema(() =>
  z.strictObject({}).check(z.meta({ id: 'RetryNotificationRequest' })),
);
