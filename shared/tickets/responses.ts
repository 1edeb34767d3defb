/**
 * What this feature's routes answer, for the OpenAPI document and the contract tests: each route's success body
 * schema (the views are typed by these) and an example of its request and its response. Only the document
 * generator (`shared/api-document.ts`) and the tests import this module, so no function bundle carries it.
 *
 * Statuses, types and priorities are the request side's named enums (`TicketStatus`, `TicketType`,
 * `TicketPriority` in `schemas.ts`); the embedded people, comments and images are `Person`, `Comment`
 * (`shared/comments/responses.ts`) and `TicketImage` (`shared/images/responses.ts`).
 */
import * as z from 'zod/mini';
import { CommentView, isoTime, PersonView, ulid } from '#shared/comments/responses.ts';
import { ImageView } from '#shared/images/responses.ts';
import { cableTypes, lengthUnits, maxLengthMm } from '#shared/inventory/cable.ts';
import { cursorOrNull, nextCursor } from '#shared/platform/responses.ts';
import { documented, type RouteResponses } from '#shared/platform/route-table.ts';
import { UserId } from '#shared/platform/schemas.ts';
import type { ticketRoutes } from '#shared/tickets/routes.ts';
import {
  type CreateTicketBody,
  type ReplaceTicketBody,
  type TakeTicketBody,
  TicketPriority,
  TicketStatus,
  TicketType,
  type UpdateTicketBody,
} from '#shared/tickets/schemas.ts';
import { ticketEventFields } from '#shared/tickets/ticket-event.entity.ts';
import { threadCommentsPage, threadImagesLimit } from '#shared/tickets/views.ts';

/** The fields of a ticket in a list: what the list indexes project. */
const summaryShape = {
  ticketId: ulid('The ticket id'),
  number: z.number().check(z.int(), z.gte(1), z.meta({ description: 'Human ticket number (#1, #2, ...)' })),
  title: z.string().check(z.minLength(1), z.maxLength(120)),
  type: TicketType,
  priority: TicketPriority,
  status: TicketStatus,
  requesterId: UserId,
  assigneeId: z.nullable(UserId),
  approverId: z.nullable(UserId),
  requester: PersonView,
  assignee: z.nullable(PersonView),
  approver: z.nullable(PersonView),
  category: z.nullable(z.string().check(z.minLength(1), z.maxLength(100))),
  tags: z.array(z.string().check(z.minLength(1), z.maxLength(50))).check(z.maxLength(20)),
  createdAt: isoTime('When the ticket was opened'),
};

/** A ticket in a list (`GET /tickets`): read the ticket for its description and decision. */
export const TicketSummaryView = /* @__PURE__ */ (() =>
  z.object(summaryShape).check(
    z.meta({
      id: 'TicketSummary',
      description: 'A ticket as a list shows it, its people embedded (null when it names nobody)',
    }),
  ))();

/** A cable request's details as a ticket shows them (`requestDetailsView` in `views.ts`). */
export const RequestDetailsView = /* @__PURE__ */ (() =>
  z
    .object({
      cableType: z.enum(cableTypes),
      length: z
        .object({
          value: z.number().check(z.gt(0), z.meta({ description: 'How long one piece is, in `unit`' })),
          unit: z.enum(lengthUnits),
        })
        .check(z.meta({ description: 'One piece’s length as the requester gave it' })),
      lengthMm: z
        .number()
        .check(
          z.int(),
          z.gte(1),
          z.lte(maxLengthMm),
          z.meta({ description: 'The same length in whole millimetres (1 ft = 304.8 mm)' }),
        ),
      quantity: z.number().check(z.int(), z.gte(1), z.lte(1000), z.meta({ description: 'How many pieces' })),
      gauge: z.nullable(z.string().check(z.minLength(1), z.maxLength(20))),
      location: z.nullable(z.string().check(z.minLength(1), z.maxLength(200))),
      notes: z.nullable(z.string().check(z.minLength(1), z.maxLength(2000))),
    })
    .check(
      z.meta({
        id: 'RequestDetails',
        description: 'What a cable request asks for; gauge, location and notes null when not given',
      }),
    ))();

/** What a ticket shows of all of it (`POST /tickets`, `PATCH`, `PUT`, take). */
const ticketShape = {
  ...summaryShape,
  description: z.string().check(z.minLength(1), z.maxLength(10_000)),
  requestDetails: z.nullable(RequestDetailsView),
  approverGroup: z.nullable(
    z.string().check(
      z.minLength(1),
      z.maxLength(2000),
      z.meta({
        description:
          'The approver group a cable request without approver went to (`role:<name>` or a list of user ids); null otherwise',
      }),
    ),
  ),
  approverIds: z.array(UserId).check(
    z.maxLength(20),
    z.meta({
      description:
        'The group’s members who may decide (its enabled members when the request was opened, less the requester, at most 20); empty without a group',
    }),
  ),
  customerId: z.nullable(
    ulid('The customer the ticket is for (GET /customers/{customerId}); null when none'),
  ),
  decision: z.nullable(
    z
      .object({
        by: z.nullable(UserId).check(z.meta({ description: 'Who decided' })),
        at: z.nullable(isoTime('When')),
        reason: z.nullable(z.string().check(z.minLength(1), z.maxLength(1000))),
      })
      .check(
        z.meta({
          description:
            'The approver’s decision, once the ticket was approved or rejected; null before (and without an approver)',
        }),
      ),
  ),
  updatedAt: isoTime('When the ticket last changed'),
  version: z
    .number()
    .check(
      z.int(),
      z.gte(1),
      z.meta({ description: 'Starts at 1, +1 per change; the ETag is "<ticketId>.<version>"' }),
    ),
};

/** A ticket as the API returns it. */
export const TicketView = /* @__PURE__ */ (() =>
  z.object(ticketShape).check(
    z.meta({
      id: 'Ticket',
      description: 'A ticket, its people embedded (null when it names nobody); `tags` is always an array',
    }),
  ))();

/** `GET /tickets/{ticketId}`: the ticket with the first page of its conversation and its images. */
export const TicketThreadView = /* @__PURE__ */ (() =>
  z
    .object({
      ...ticketShape,
      comments: z.array(CommentView).check(
        z.maxLength(threadCommentsPage),
        z.meta({
          description: `The first ${threadCommentsPage} messages, oldest first, the description first; internal notes for agents only`,
        }),
      ),
      commentsNextCursor: cursorOrNull(
        'Continue the conversation at GET /tickets/{ticketId}/comments?cursor=; null when that was all',
      ),
      images: z
        .array(ImageView)
        .check(
          z.maxLength(threadImagesLimit),
          z.meta({ description: 'Its images that passed the upload check, oldest first' }),
        ),
    })
    .check(
      z.meta({
        id: 'TicketThread',
        description: 'A ticket with the first page of its conversation and its images',
      }),
    ))();

/** A page of ticket summaries. */
export const TicketPageView = /* @__PURE__ */ (() =>
  z
    .object({
      items: z.array(TicketSummaryView).check(z.maxLength(100)),
      nextCursor: nextCursor(),
    })
    .check(
      z.meta({
        id: 'TicketPage',
        description:
          'A page of tickets, newest first (at most `limit`; a filtered page of one person’s tickets may hold fewer, even none, with a nextCursor)',
      }),
    ))();

/** One event of a ticket's audit trail. */
export const TicketEventView = /* @__PURE__ */ (() =>
  z
    .object({
      eventId: ulid('The event id (events sort by time)'),
      ticketId: ulid('The ticket'),
      at: isoTime('When'),
      actor: PersonView,
      field: z.enum(ticketEventFields).check(
        z.meta({
          description:
            'The changed field; `created` for the creation (`to` the initial status); `comment.edited` and ' +
            '`comment.deleted` for a comment (`from` its id)',
        }),
      ),
      from: z.nullable(
        z
          .string()
          .check(z.maxLength(10_000), z.meta({ description: 'The value before; null when it was empty' })),
      ),
      to: z.nullable(
        z
          .string()
          .check(
            z.maxLength(10_000),
            z.meta({ description: 'The value after; null when it is empty (tags comma-joined)' }),
          ),
      ),
      internal: z.boolean().check(z.meta({ description: 'About an internal note: shown to agents only' })),
      macro: z.nullable(
        z
          .object({
            macroId: ulid('The macro'),
            name: z.string().check(z.minLength(1), z.maxLength(100)),
          })
          .check(
            z.meta({
              description: 'The macro whose application made this change (its name then); null otherwise',
            }),
          ),
      ),
    })
    .check(
      z.meta({ id: 'TicketEvent', description: 'One change of a ticket: who, when, which field, from → to' }),
    ))();

/** A page of audit events. */
export const TicketEventPageView = /* @__PURE__ */ (() =>
  z
    .object({
      items: z.array(TicketEventView).check(z.maxLength(100)),
      nextCursor: nextCursor(),
    })
    .check(
      z.meta({
        id: 'TicketEventPage',
        description:
          'A page of the audit trail, oldest first (at most `limit`; fewer for requesters, who do not see events about internal notes)',
      }),
    ))();

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
const created = '2026-12-01T08:30:12.345Z';

/** The example ticket: just opened. */
const opened = {
  ticketId,
  number: 1042,
  title: 'Printer on floor 2 jams',
  type: 'incident',
  priority: 'urgent',
  status: 'open',
  requesterId: requester.userId,
  assigneeId: null,
  approverId: null,
  requester,
  assignee: null,
  approver: null,
  category: 'hardware',
  tags: ['printer', 'floor-2'],
  createdAt: created,
  description: 'The printer on floor 2 shows error E-203 and jams on every page.',
  requestDetails: null,
  approverGroup: null,
  approverIds: [],
  customerId: null,
  decision: null,
  updatedAt: created,
  version: 1,
} satisfies z.output<typeof TicketView>;

/** The example ticket after an agent took it. */
const taken = {
  ...opened,
  status: 'in_progress',
  assigneeId: agent.userId,
  assignee: agent,
  updatedAt: '2026-12-01T08:40:01.500Z',
  version: 3,
} satisfies z.output<typeof TicketView>;

const {
  description: _description,
  requestDetails: _requestDetails,
  approverGroup: _approverGroup,
  approverIds: _approverIds,
  customerId: _customerId,
  decision: _decision,
  updatedAt: _updatedAt,
  version: _version,
  ...summary
} = taken;

export const ticketResponses: RouteResponses<(typeof ticketRoutes)[number]> = {
  CreateTicket: documented(TicketView, {
    request: {
      title: 'Printer on floor 2 jams',
      description: 'The printer on floor 2 shows error E-203 and jams on every page.',
      type: 'incident',
      priority: 'emergency',
      category: 'hardware',
      tags: ['printer', 'floor-2'],
    } satisfies z.input<typeof CreateTicketBody>,
    example: opened,
  }),
  ListTickets: documented(TicketPageView, {
    example: {
      items: [
        summary,
        {
          ...summary,
          ticketId: '01JDQ7K2H3M4N5P6Q7R8S9T0V1',
          number: 1038,
          title: 'VPN drops every hour',
          type: 'question',
          priority: 'medium',
          status: 'pending',
          tags: [],
          category: null,
          createdAt: '2026-11-30T16:02:44.018Z',
        },
      ],
      nextCursor: 'eyJwIjoie1wiMFwiOm51bGx9IiwicyI6InRpY2tldHM6YWxsIn0.c2lnbmF0dXJl',
    },
  }),
  GetTicket: documented(TicketThreadView, {
    example: {
      ...taken,
      comments: [
        {
          commentId: ticketId,
          ticketId,
          authorId: requester.userId,
          kind: 'request',
          body: opened.description,
          isDescription: true,
          createdAt: created,
          updatedAt: taken.updatedAt,
          editedAt: null,
          author: requester,
        },
        {
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
        },
      ],
      commentsNextCursor: null,
      images: [
        {
          imageId: '01JDQ9A7B8C9D0E1F2G3H4J5K6',
          contentType: 'image/png',
          size: 48_213,
          fileName: 'error-e203.png',
          createdAt: '2026-12-01T08:31:40.210Z',
          url: `https://helpdesk-images-123456789012.s3.eu-west-1.amazonaws.com/tickets/${ticketId}/images/01JDQ9A7B8C9D0E1F2G3H4J5K6?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=300&X-Amz-Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7`,
          urlExpiresAt: '2026-12-01T08:50:00.000Z',
        },
      ],
    },
  }),
  UpdateTicket: documented(TicketView, {
    request: { status: 'in_progress', priority: 'high' } satisfies z.input<typeof UpdateTicketBody>,
    example: { ...taken, priority: 'high', version: 4, updatedAt: '2026-12-01T08:45:00.000Z' },
  }),
  ReplaceTicket: documented(TicketView, {
    request: {
      title: 'Printer on floor 2 jams (error E-203)',
      description: opened.description,
      type: 'incident',
      priority: 'urgent',
      category: 'hardware',
      tags: ['printer'],
      assigneeId: agent.userId,
    } satisfies z.input<typeof ReplaceTicketBody>,
    example: {
      ...taken,
      title: 'Printer on floor 2 jams (error E-203)',
      tags: ['printer'],
      version: 4,
      updatedAt: '2026-12-01T08:45:00.000Z',
    },
  }),
  DeleteTicket: documented(undefined),
  TakeTicket: documented(TicketView, {
    request: {} satisfies z.input<typeof TakeTicketBody>,
    example: { ...taken, status: 'open', version: 2 },
  }),
  ListTicketEvents: documented(TicketEventPageView, {
    example: {
      items: [
        {
          eventId: '01JDQ8Z3N0P1Q2R3S4T5V6W7X8',
          ticketId,
          at: created,
          actor: requester,
          field: 'created',
          from: null,
          to: 'open',
          internal: false,
          macro: null,
        },
        {
          eventId: '01JDQ9B0C1D2E3F4G5H6J7K8M9',
          ticketId,
          at: '2026-12-01T08:40:01.500Z',
          actor: agent,
          field: 'assigneeId',
          from: null,
          to: agent.userId,
          internal: false,
          macro: null,
        },
      ],
      nextCursor: null,
    },
  }),
};
