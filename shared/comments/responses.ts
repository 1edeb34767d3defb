/**
 * What this feature's routes answer, for the OpenAPI document and the contract tests: each route's success body
 * schema (the views are typed by these) and an example of its request and its response. Only the document
 * generator (`shared/api-document.ts`) and the tests import this module, so no function bundle carries it.
 *
 * It also holds {@link PersonView}, the person a ticket or a comment names, and the id and time schemas both
 * features' responses use: `shared/tickets/responses.ts` imports them (and {@link CommentView}, for a ticket's
 * thread) from here, and this module imports nothing from it, so the two never import each other.
 */
import * as z from 'zod/mini';
import { commentIdPattern, commentKinds } from '#shared/comments/comment.entity.ts';
import type { commentRoutes } from '#shared/comments/routes.ts';
import type {
  CreateCommentBody,
  CreateCommentOnTicketBody,
  EditCommentBody,
} from '#shared/comments/schemas.ts';
import { nextCursor } from '#shared/platform/responses.ts';
import { documented, type RouteResponses } from '#shared/platform/route-table.ts';
import { UserId } from '#shared/platform/schemas.ts';

/** A ULID: 26 Crockford base32 characters. */
export const ulid = (description: string) =>
  z.string().check(z.length(26), z.regex(/^[0-9A-HJKMNP-TV-Z]{26}$/), z.meta({ description }));

/** An ISO 8601 UTC time with milliseconds (`Date.prototype.toISOString`). */
export const isoTime = (description: string) =>
  z.iso.datetime().check(z.maxLength(30), z.meta({ description }));

/**
 * A person a ticket or a comment names, as anyone who sees it sees them (`personView` in `shared/users/views.ts`):
 * id, name and email; `name` and `email` are null when the profile no longer exists.
 */
export const PersonView = /* @__PURE__ */ (() =>
  z
    .object({
      userId: UserId,
      name: z.nullable(z.string().check(z.minLength(1), z.maxLength(100))),
      email: z.nullable(z.email().check(z.maxLength(254))),
    })
    .check(
      z.meta({
        id: 'Person',
        description: 'A person as others see them; name and email null when their profile no longer exists',
      }),
    ))();

/**
 * A comment, or the ticket's description as its first message (`isDescription: true`, its id the ticket id),
 * with its author embedded (`authorId` kept).
 */
export const CommentView = /* @__PURE__ */ (() =>
  z
    .object({
      commentId: z
        .string()
        .check(
          z.maxLength(53),
          z.regex(commentIdPattern),
          z.meta({ description: '<ticketId>-<ULID>; the ticket id itself for the description' }),
        ),
      ticketId: ulid('The ticket the comment belongs to'),
      authorId: UserId,
      kind: z.enum(commentKinds).check(
        z.meta({
          description:
            'request: by the requester; response: by an agent; note: an internal note, shown to agents only',
        }),
      ),
      body: z.string().check(z.minLength(1), z.maxLength(10_000)),
      isDescription: z
        .boolean()
        .check(z.meta({ description: "true for the ticket's description, its first message" })),
      createdAt: isoTime('When it was posted'),
      updatedAt: isoTime('When it last changed'),
      editedAt: z.nullable(isoTime('When its author last edited the text; null if never')),
      author: PersonView,
    })
    .check(
      z.meta({ id: 'Comment', description: 'A message of a ticket’s conversation, with its author' }),
    ))();

/** A page of comments. */
export const CommentPageView = /* @__PURE__ */ (() =>
  z
    .object({
      items: z.array(CommentView).check(z.maxLength(100)),
      nextCursor: nextCursor(),
    })
    .check(z.meta({ id: 'CommentPage', description: 'A page of comments (at most `limit`)' })))();

const ticketId = '01JDQ8Z3M4N5P6Q7R8S9T0V1W2';
const requester = {
  userId: '3f0c2a7e-5b1d-4c8a-9e6f-2d7b8a1c4e90',
  name: 'Rita Requester',
  email: 'rita@example.com',
};
const agent = {
  userId: '8b6d4f2a-1c3e-4a5b-9d7f-0e2c4a6b8d1f',
  name: 'Sam Support',
  email: 'sam.support@example.com',
};

/** Examples: the description, a requester's comment, an agent's reply. */
const description = {
  commentId: ticketId,
  ticketId,
  authorId: requester.userId,
  kind: 'request',
  body: 'The printer on floor 2 shows error E-203 and jams on every page.',
  isDescription: true,
  createdAt: '2026-12-01T08:30:12.345Z',
  updatedAt: '2026-12-01T08:30:12.345Z',
  editedAt: null,
  author: requester,
} satisfies z.output<typeof CommentView>;
const reply = {
  commentId: `${ticketId}-01JDQ9C4D5E6F7G8H9J0K1M2N3`,
  ticketId,
  authorId: agent.userId,
  kind: 'response',
  body: 'Thanks, we are on our way with a new fuser unit.',
  isDescription: false,
  createdAt: '2026-12-01T08:41:05.120Z',
  updatedAt: '2026-12-01T08:41:05.120Z',
  editedAt: null,
  author: agent,
} satisfies z.output<typeof CommentView>;
const edited = {
  ...reply,
  body: 'Thanks, we are on our way with a new fuser unit (about 20 minutes).',
  updatedAt: '2026-12-01T08:43:40.002Z',
  editedAt: '2026-12-01T08:43:40.002Z',
} satisfies z.output<typeof CommentView>;
const cursor = 'eyJwIjoiMDFKRFE4WjNNNE41UDZRN1I4UzlUMFYxVzIiLCJzIjoiY29tbWVudHMifQ.c2lnbmF0dXJl';

export const commentResponses: RouteResponses<(typeof commentRoutes)[number]> = {
  CreateComment: documented(CommentView, {
    request: {
      body: 'Thanks, we are on our way with a new fuser unit.',
    } satisfies z.input<typeof CreateCommentBody>,
    example: reply,
  }),
  CreateCommentOnTicket: documented(CommentView, {
    request: {
      ticketId,
      body: 'Thanks, we are on our way with a new fuser unit.',
      internal: false,
    } satisfies z.input<typeof CreateCommentOnTicketBody>,
    example: reply,
  }),
  ListComments: documented(CommentPageView, {
    example: { items: [description, reply], nextCursor: cursor },
  }),
  ListAllComments: documented(CommentPageView, {
    example: { items: [reply, description], nextCursor: null },
  }),
  GetComment: documented(CommentView, { example: reply }),
  UpdateComment: documented(CommentView, {
    request: { body: edited.body } satisfies z.input<typeof EditCommentBody>,
    example: edited,
  }),
  ReplaceComment: documented(CommentView, {
    request: { body: edited.body } satisfies z.input<typeof EditCommentBody>,
    example: edited,
  }),
  DeleteComment: documented(undefined),
};
