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
  notificationStatuses,
  type RedriveDeadLettersBody,
  redriveLimits,
} from '#shared/notifications/schemas.ts';
import { nextCursor } from '#shared/platform/responses.ts';
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
        ticketId: id(
          'The ticket the notification is about; `none (...)` for a message about no ticket, naming what it is about',
        ),
        recipient: id('Who it is for: requester, assignee, a user id, an address, or `group <name>`'),
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

const ulidOf = (description: string) =>
  z.string().check(z.length(26), z.regex(/^[0-9A-HJKMNP-TV-Z]{26}$/), z.meta({ description }));
const timeOf = (description: string) => z.iso.datetime().check(z.maxLength(30), z.meta({ description }));
const channel = () => z.enum(['email', 'sms']).check(z.meta({ description: 'email (SES) or sms (SNS)' }));
const aboutOf = () =>
  z
    .object({
      kind: z.enum(['ticket', 'opticsRequest', 'inventoryBalance', 'user']),
      id: z.string().check(z.minLength(1), z.maxLength(128), z.regex(/^[\w.+-]+$/)),
    })
    .check(
      z.meta({
        description:
          'What the notification is about: a ticket (its id), an optics request (its id), an inventory balance ' +
          '(its cable type) or a user (the direct messages digest: their id)',
      }),
    );

/** One row of the notification log: one delivery, however many attempts it took (`notification.entity.ts`). */
export const NotificationLogEntryView = /* @__PURE__ */ (() =>
  z
    .object({
      notificationId: ulidOf('The row (a ULID of when the message was planned)'),
      ticketId: z.nullable(ulidOf('The ticket it is about; null for a message about no ticket')),
      about: aboutOf(),
      channel: channel(),
      recipientId: z.string().check(
        z.minLength(1),
        z.maxLength(254),
        z.meta({
          description: 'The user told, or the address itself for a plain address (optics alert list)',
        }),
      ),
      recipient: z.nullable(
        z
          .string()
          .check(
            z.maxLength(254),
            z.meta({ description: 'The email address or E.164 number used; null when none could be' }),
          ),
      ),
      type: z.enum(notificationTypes),
      status: z.enum(notificationStatuses).check(
        z.meta({
          description:
            'sent (the provider accepted it: SES or SNS; a later bounce is not reported here), failed, skipped ' +
            '(final); retrying while a transient failure waits for its next attempt',
        }),
      ),
      error: z.nullable(
        z
          .string()
          .check(z.maxLength(1000), z.meta({ description: 'Why it failed, was skipped or is retrying' })),
      ),
      providerMessageId: z.nullable(
        z.string().check(z.maxLength(200), z.meta({ description: 'SES or SNS message id, when sent' })),
      ),
      attempts: z.number().check(z.int(), z.gte(0), z.meta({ description: 'Sends tried so far' })),
      nextAttemptAt: z.nullable(timeOf('When a retrying delivery is tried again; null otherwise')),
      at: timeOf('The last attempt'),
      retryOf: z.nullable(ulidOf('A retry: the first attempt it sends again; null otherwise')),
      retriedAs: z.nullable(ulidOf('A retried row: the row of its retry; null otherwise')),
    })
    .check(
      z.meta({
        id: 'NotificationLogEntry',
        description: 'One delivery of the notification log: one message on one channel to one person',
      }),
    ))();

/** A page of the notification log. */
export const NotificationLogPageView = /* @__PURE__ */ (() =>
  z
    .object({
      items: z.array(NotificationLogEntryView).check(z.maxLength(100)),
      nextCursor: nextCursor(),
    })
    .check(
      z.meta({ id: 'NotificationLogPage', description: 'A page of the notification log, newest first' }),
    ))();

/** `POST /notifications/{notificationId}/retry`: what was queued. */
export const RetryQueuedView = /* @__PURE__ */ (() =>
  z
    .object({
      notificationId: ulidOf('The new row the sender writes for this attempt'),
      retryOf: ulidOf('The first attempt'),
      ticketId: z.nullable(ulidOf('The ticket; null for a message about no ticket')),
      about: aboutOf(),
      channel: channel(),
      type: z.enum(notificationTypes),
      recipientId: z.string().check(z.minLength(1), z.maxLength(254)),
      status: z.literal('queued'),
      queuedAt: timeOf('When it was queued (the new message’s planned time)'),
    })
    .check(z.meta({ id: 'RetryQueued', description: 'A retry on the delivery queue' })))();

const logEntryExample = {
  notificationId: '01JDQ9C4D5E6F7G8H9J0K1M2N3',
  ticketId: '01JDQ8Z3M4N5P6Q7R8S9T0V1W2',
  about: { kind: 'ticket', id: '01JDQ8Z3M4N5P6Q7R8S9T0V1W2' },
  channel: 'email',
  recipientId: '7c1e4a52-90b1-4f7d-8a2e-3b6f0d9c1e44',
  recipient: 'agent@example.com',
  type: 'approval_requested',
  status: 'failed',
  error: 'MessageRejected: Email address is not verified.',
  providerMessageId: null,
  attempts: 1,
  nextAttemptAt: null,
  at: '2026-12-01T08:40:02.118Z',
  retryOf: null,
  retriedAs: null,
} as const satisfies z.output<typeof NotificationLogEntryView>;

export const notificationResponses: RouteResponses<(typeof notificationRoutes)[number]> = {
  ListTicketNotifications: documented(NotificationLogPageView, {
    example: {
      items: [
        {
          ...logEntryExample,
          notificationId: '01JDQ9F1G2H3J4K5M6N7P8Q9R0',
          status: 'sent',
          error: null,
          providerMessageId: '0100019384c2f1aa-5e1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d-000000',
          at: '2026-12-01T09:12:40.031Z',
          retryOf: logEntryExample.notificationId,
        },
        { ...logEntryExample, retriedAs: '01JDQ9F1G2H3J4K5M6N7P8Q9R0' },
      ],
      nextCursor: null,
    },
  }),
  ListNotifications: documented(NotificationLogPageView, {
    example: {
      items: [
        logEntryExample,
        {
          ...logEntryExample,
          notificationId: '01JDQA2B3C4D5E6F7G8H9J0K1M',
          ticketId: null,
          about: { kind: 'inventoryBalance', id: 'Cat6' },
          recipientId: '2f9d7b10-6c4e-4a8b-9e21-5d3c7a1f0b88',
          recipient: 'stock@example.com',
          type: 'low_stock',
          error: 'MessageRejected: Email address is not verified.',
          at: '2026-12-01T08:52:17.604Z',
        },
      ],
      nextCursor: null,
    },
  }),
  RetryNotification: documented(RetryQueuedView, {
    request: {},
    example: {
      notificationId: '01JDQ9F1G2H3J4K5M6N7P8Q9R0',
      retryOf: logEntryExample.notificationId,
      ticketId: logEntryExample.ticketId,
      about: logEntryExample.about,
      channel: 'email',
      type: 'approval_requested',
      recipientId: logEntryExample.recipientId,
      status: 'queued',
      queuedAt: '2026-12-01T09:12:39.500Z',
    },
  }),
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
