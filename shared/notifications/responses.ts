/**
 * What this feature's routes answer, for the OpenAPI document and the contract tests: each route's success body
 * schema (`shared/notifications/dead-letters.ts` returns these shapes: its types are derived from them) and an
 * example of its request and its response. Only the document generator (`shared/api-document.ts`) and the tests
 * import this module, so no function bundle carries it.
 *
 * A dead letter is summarised, never shown whole: intent bodies carry ticket descriptions and comment bodies.
 */
import * as z from 'zod/mini';
import { notificationTypes } from '#shared/notifications/intents.ts';
import type { notificationRoutes } from '#shared/notifications/routes.ts';
import {
  deadLetterListLimits,
  deadLetterTextLimits,
  type RedriveDeadLettersBody,
  redriveLimits,
} from '#shared/notifications/schemas.ts';
import { documented, type RouteResponses } from '#shared/platform/route-table.ts';

/** A text read from a dead letter's body, cut to at most `max` characters. */
const text = (max: number, description: string) =>
  z.string().check(z.minLength(1), z.maxLength(max), z.meta({ description }));

/** A count SQS gives (a queue's message count, a receive count): a safe integer, 0 or more. */
const count = (description: string) => z.number().check(z.int(), z.gte(0), z.meta({ description }));

/** What every dead letter shows: SQS's view of the message. */
const envelope = () => ({
  messageId: z
    .string()
    .check(z.minLength(1), z.maxLength(100), z.meta({ description: "The SQS message id (the queue's own)" })),
  sentAt: z.union([
    z.iso
      .datetime()
      .check(z.maxLength(30), z.meta({ description: 'When the message entered the queue (SentTimestamp)' })),
    z.literal('').check(z.meta({ description: 'SQS gave no SentTimestamp (it always does when asked)' })),
  ]),
  receiveCount: count(
    'ApproximateReceiveCount: SQS counts every receive, the peeks of this listing included',
  ),
});

const id = (description: string) => text(deadLetterTextLimits.id, description);
const reason = (description: string) => text(deadLetterTextLimits.reason, description);

/**
 * One dead letter, summarised by kind:
 * - `intent`: a planned notification the sender could not deliver: its `type`, `ticketId`, `recipient`
 *   (`requester`, `assignee` or a user id) and the stream record `eventId` it was planned from;
 * - `record`: a stream record the notifier could not plan: its `eventId` (the record's `eventID`), `eventName` and
 *   the `reason` planning failed;
 * - `unreadable`: a body that is not a delivery message (`shared/notifications/delivery-queue.ts`), with `reason`.
 */
export const DeadLetterView = /* @__PURE__ */ (() =>
  z
    .discriminatedUnion('kind', [
      z.object({
        ...envelope(),
        kind: z.literal('intent'),
        type: z.enum(notificationTypes),
        ticketId: id('The ticket the notification is about'),
        recipient: id('Who it is for: requester, assignee, or a user id'),
        eventId: id('The stream record it was planned from (its eventID)'),
      }),
      z.object({
        ...envelope(),
        kind: z.literal('record'),
        eventId: z.nullable(id("The stream record's eventID; null when the record has none")),
        eventName: z.nullable(id('INSERT, MODIFY or REMOVE as the record says; null when it has none')),
        reason: reason('Why planning failed (the error, without the values it read)'),
      }),
      z.object({
        ...envelope(),
        kind: z.literal('unreadable'),
        reason: reason('Why the body is not a delivery message: not JSON, or which fields are wrong'),
      }),
    ])
    .check(
      z.meta({
        id: 'DeadLetter',
        description:
          'A message of the delivery dead-letter queue, summarised by `kind` (never its body): `intent` a ' +
          'notification the sender gave up on, `record` a stream record the notifier could not plan, ' +
          '`unreadable` a body that is neither. Texts read from the body are cut to their limit, ending in …',
        // Every branch is an object; saying so at the top lets tools see an object at once.
        type: 'object',
      }),
    ))();

/** `GET /notifications/dead-letters`: up to `limit` dead letters, oldest first, and the queue's message count. */
export const DeadLetterListView = /* @__PURE__ */ (() =>
  z
    .object({
      approximateNumberOfMessages: count(
        "The dead-letter queue's ApproximateNumberOfMessages (visible messages; SQS updates it within a minute)",
      ),
      items: z
        .array(DeadLetterView)
        .check(
          z.maxLength(deadLetterListLimits.max),
          z.meta({ description: 'At most `limit` dead letters, oldest sentAt first' }),
        ),
    })
    .check(
      z.meta({
        id: 'DeadLetterList',
        description: 'A look at the delivery dead-letter queue; nothing consumed',
      }),
    ))();

/** `POST /notifications/dead-letters/redrive`: what one redrive did. */
export const RedriveResultView = /* @__PURE__ */ (() =>
  z
    .object({
      moved: z
        .number()
        .check(
          z.int(),
          z.gte(0),
          z.lte(redriveLimits.max),
          z.meta({ description: 'Sent to the delivery queue and deleted from the dead-letter queue' }),
        ),
      failed: z.number().check(
        z.int(),
        z.gte(0),
        z.lte(redriveLimits.max),
        z.meta({
          description:
            'Received but not sent, or sent but not deleted: back in the dead-letter queue within 60 s',
        }),
      ),
      remaining: count(
        "The dead-letter queue's ApproximateNumberOfMessages afterwards: call again while it is above 0",
      ),
    })
    .check(
      z.meta({
        id: 'RedriveResult',
        description: 'What one redrive did; `moved` + `failed` is at most the `max` asked for',
      }),
    ))();

export const notificationResponses: RouteResponses<(typeof notificationRoutes)[number]> = {
  ListDeadLetters: documented(DeadLetterListView, {
    example: {
      approximateNumberOfMessages: 3,
      items: [
        {
          messageId: '5fea7756-0ea4-451a-a703-a558b933e274',
          sentAt: '2026-11-30T22:14:03.512Z',
          receiveCount: 2,
          kind: 'intent',
          type: 'approval_requested',
          ticketId: '01JDQ8Z3M4N5P6Q7R8S9T0V1W2',
          recipient: '7c1e4a52-90b1-4f7d-8a2e-3b6f0d9c1e44',
          eventId: 'c81e728d9d4c2f636f067f89cc14862c',
        },
        {
          messageId: '0b4c8a51-2d2f-4c43-9f3e-7d1a6e5b2c90',
          sentAt: '2026-11-30T23:02:41.007Z',
          receiveCount: 1,
          kind: 'record',
          eventId: 'eccbc87e4b5ce2fe28308fd9f2a7baf3',
          eventName: 'MODIFY',
          reason:
            'UnreadableRecordError: Stream record eccbc87e4b5ce2fe28308fd9f2a7baf3: ticket image lacks or mistypes status',
        },
        {
          messageId: 'a87ff679-a2f3-471d-8f0a-c9e1b2d3e4f5',
          sentAt: '2026-12-01T07:45:19.230Z',
          receiveCount: 1,
          kind: 'unreadable',
          reason: 'The body is not JSON.',
        },
      ],
    },
  }),
  RedriveDeadLetters: documented(RedriveResultView, {
    request: { max: 100 } satisfies z.input<typeof RedriveDeadLettersBody>,
    example: { moved: 3, failed: 0, remaining: 0 },
  }),
};
