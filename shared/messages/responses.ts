/**
 * What the direct message routes answer, for the OpenAPI document and the contract tests (doc-only): each route's
 * success body schema (the views are typed by them) and examples. Only the document generator and the tests
 * import this module, so no function bundle carries it.
 */
import * as z from 'zod/mini';
import { isoTime, PersonView, ulid } from '#shared/comments/responses.ts';
import { MAX_MESSAGE_CHARACTERS } from '#shared/messages/policy.ts';
import type { messageRoutes } from '#shared/messages/routes.ts';
import type { MessageBody } from '#shared/messages/schemas.ts';
import { nextCursor } from '#shared/platform/responses.ts';
import { documented, type RouteResponses } from '#shared/platform/route-table.ts';
import { UserId } from '#shared/platform/schemas.ts';

/** A direct message as both participants see it; `body` null once its sender deleted it. */
export const MessageView = /* @__PURE__ */ (() =>
  z
    .object({
      messageId: ulid('The message id (sorts by sending time)'),
      senderId: UserId,
      recipientId: UserId,
      body: z.nullable(
        z.string().check(
          z.minLength(1),
          z.maxLength(MAX_MESSAGE_CHARACTERS * 2),
          z.meta({
            description: `The text (at most ${MAX_MESSAGE_CHARACTERS} characters); null once deleted`,
          }),
        ),
      ),
      createdAt: isoTime('When it was sent'),
      updatedAt: isoTime('When it last changed'),
      editedAt: z.nullable(isoTime('When its sender last edited it; null if never')),
      deletedAt: z.nullable(isoTime('When its sender deleted it; null if not deleted')),
    })
    .check(z.meta({ id: 'DirectMessage', description: 'A direct message between two users' })))();

/** A page of a conversation's messages, newest first. */
export const MessagePageView = /* @__PURE__ */ (() =>
  z
    .object({ items: z.array(MessageView).check(z.maxLength(100)), nextCursor: nextCursor() })
    .check(z.meta({ id: 'DirectMessagePage', description: 'A page of messages, newest first' })))();

/** One of the caller's conversations: the other person, the last message, the caller's unread count. */
export const ConversationView = /* @__PURE__ */ (() =>
  z
    .object({
      userId: UserId,
      with: PersonView,
      lastMessage: z.nullable(MessageView),
      lastMessageAt: isoTime('When the last message was sent'),
      unread: z
        .int()
        .check(
          z.gte(0),
          z.lte(1_000_000_000),
          z.meta({ description: 'Messages the caller has not read yet' }),
        ),
    })
    .check(
      z.meta({
        id: 'Conversation',
        description:
          'A conversation of the caller: the other person, its last message, the caller’s unread count',
      }),
    ))();

/** A page of conversations, most recent first. */
export const ConversationPageView = /* @__PURE__ */ (() =>
  z
    .object({ items: z.array(ConversationView).check(z.maxLength(100)), nextCursor: nextCursor() })
    .check(z.meta({ id: 'ConversationPage', description: 'A page of conversations, most recent first' })))();

const agent = {
  userId: '8b6d4f2a-1c3e-4a5b-9d7f-0e2c4a6b8d1f',
  name: 'Sam Support',
  email: 'sam.support@example.com',
};
const colleague = {
  userId: '5d2e7a91-3b4c-4f6d-8e1a-9c0b2d3e4f5a',
  name: 'Ada Agent',
  email: 'ada.agent@example.com',
};
const message = {
  messageId: '01JDQA1B2C3D4E5F6G7H8J9K0M',
  senderId: agent.userId,
  recipientId: colleague.userId,
  body: 'Could you take ticket 1042 this afternoon? The requester is in your building.',
  createdAt: '2026-12-01T09:12:30.500Z',
  updatedAt: '2026-12-01T09:12:30.500Z',
  editedAt: null,
  deletedAt: null,
} satisfies z.output<typeof MessageView>;
const edited = {
  ...message,
  body: 'Could you take ticket 1042 this afternoon? The requester is on floor 3 of your building.',
  updatedAt: '2026-12-01T09:13:02.010Z',
  editedAt: '2026-12-01T09:13:02.010Z',
} satisfies z.output<typeof MessageView>;
const deleted = {
  ...message,
  messageId: '01JDQA0Z9Y8X7W6V5T4S3R2Q1P',
  body: null,
  createdAt: '2026-12-01T09:10:00.000Z',
  updatedAt: '2026-12-01T09:11:00.000Z',
  deletedAt: '2026-12-01T09:11:00.000Z',
} satisfies z.output<typeof MessageView>;
const cursor = 'eyJwIjoiMDFKRFE4WjNNNE41UDZRN1I4UzlUMFYxVzIiLCJzIjoibWVzc2FnZXMifQ.c2lnbmF0dXJl';

export const messageResponses: RouteResponses<(typeof messageRoutes)[number]> = {
  SendMessage: documented(MessageView, {
    request: { body: message.body } satisfies z.input<typeof MessageBody>,
    example: message,
  }),
  ListConversations: documented(ConversationPageView, {
    example: {
      items: [
        {
          userId: colleague.userId,
          with: colleague,
          lastMessage: message,
          lastMessageAt: message.createdAt,
          unread: 0,
        },
      ],
      nextCursor: null,
    },
  }),
  ListMessages: documented(MessagePageView, { example: { items: [message, deleted], nextCursor: cursor } }),
  UpdateMessage: documented(MessageView, {
    request: { body: edited.body } satisfies z.input<typeof MessageBody>,
    example: edited,
  }),
  DeleteMessage: documented(undefined),
};
