/**
 * Request and response schemas of the dead-letter routes (`GET /notifications/dead-letters`,
 * `POST /notifications/dead-letters/redrive`). Bodies are strict: unknown fields are a 400.
 * `zod/mini`, each schema built by a pure `defineSchema` call so a bundle keeps only those its route uses
 * (`shared/platform/schemas.ts`).
 *
 * The response schemas are the shapes `shared/notifications/dead-letters.ts` returns (its types are derived from
 * them). A dead letter is summarised, never shown whole: intent bodies carry ticket descriptions and comment
 * bodies.
 */
import * as z from 'zod/mini';
import { notificationTypes } from '#shared/notifications/intents.ts';
import { defineSchema } from '#shared/platform/schemas.ts';

/** Bounds of `?limit=` (a peek reads at most 10 messages per ReceiveMessage call). */
export const deadLetterListLimits = { min: 1, max: 50, default: 10 } as const;
/** Bounds of `max` (messages moved by one redrive). */
export const redriveLimits = { min: 1, max: 1000, default: 100 } as const;

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

/** What every dead letter shows: SQS's view of the message. */
const envelope = () => ({
  messageId: z.string(),
  /** ISO 8601, from the message's `SentTimestamp`. */
  sentAt: z.string(),
  /** `ApproximateReceiveCount`: SQS counts every receive, the peeks of this listing included. */
  receiveCount: z.number().check(z.int()),
});

/**
 * One dead letter, summarised by kind:
 * - `intent`: a planned notification the sender could not deliver: its `type`, `ticketId`, `recipient`
 *   (`requester`, `assignee` or a user id) and the stream record `eventId` it was planned from;
 * - `record`: a stream record the notifier could not plan: its `eventId` (the record's `eventID`), `eventName` and
 *   the `reason` planning failed;
 * - `unreadable`: a body that is not a delivery message (`shared/notifications/delivery-queue.ts`), with `reason`.
 */
export const DeadLetterSummary = /* @__PURE__ */ defineSchema(() =>
  z
    .discriminatedUnion('kind', [
      z.object({
        ...envelope(),
        kind: z.literal('intent'),
        type: z.enum(notificationTypes),
        ticketId: z.string(),
        recipient: z.string(),
        eventId: z.string(),
      }),
      z.object({
        ...envelope(),
        kind: z.literal('record'),
        eventId: z.nullable(z.string()),
        eventName: z.nullable(z.string()),
        reason: z.string(),
      }),
      z.object({ ...envelope(), kind: z.literal('unreadable'), reason: z.string() }),
    ])
    .check(z.meta({ id: 'DeadLetter' })),
);
export type DeadLetter = z.output<typeof DeadLetterSummary>;

/** `GET /notifications/dead-letters`: up to `limit` dead letters, oldest first, and the queue's message count. */
export const DeadLetterListResponse = /* @__PURE__ */ defineSchema(() =>
  z
    .object({
      /** The dead-letter queue's `ApproximateNumberOfMessages` (visible messages; SQS updates it within a minute). */
      approximateNumberOfMessages: z.number().check(z.int()),
      items: z.array(DeadLetterSummary),
    })
    .check(z.meta({ id: 'DeadLetterList' })),
);
export type DeadLetterList = z.output<typeof DeadLetterListResponse>;

/** `POST /notifications/dead-letters/redrive`: what one redrive did. */
export const RedriveResponse = /* @__PURE__ */ defineSchema(() =>
  z
    .object({
      /** Sent to the delivery queue and deleted from the dead-letter queue. */
      moved: z.number().check(z.int()),
      /** Received but not sent, or sent but not deleted: back in the dead-letter queue within 60 s. */
      failed: z.number().check(z.int()),
      /** The dead-letter queue's `ApproximateNumberOfMessages` afterwards. */
      remaining: z.number().check(z.int()),
    })
    .check(z.meta({ id: 'RedriveResult' })),
);
export type RedriveResult = z.output<typeof RedriveResponse>;
