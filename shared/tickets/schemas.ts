/**
 * Request schemas of the ticket routes. Bodies are strict: unknown fields are a 400, so a typo never silently does nothing.
 * `zod/mini`, each schema built by a pure `defineSchema` call so a bundle keeps only those its route uses
 * (`shared/platform/schemas.ts`).
 */
import * as z from 'zod/mini';
import { defineSchema, ListQuery, Ulid, UserId } from '#shared/platform/schemas.ts';
import { maxChars } from '#shared/platform/text.ts';
import { priorities, ticketStatuses, ticketTypes } from '#shared/tickets/lifecycle.ts';

/**
 * Not blank: at least one character that is not white space (the `\\S` pattern, which the document shows), so a
 * blank string, which trimming would leave empty, is refused by the document as by the wrapper. Checked first,
 * and alone when it fails (one message per field).
 */
export const notBlank = () => z.regex(/\S/, { message: 'Must not be blank', abort: true });

/** A string that is not blank, trimmed, then `min` to `max` characters long. */
const trimmed = (min: number, max: number) =>
  z.string().check(notBlank(), maxChars(max), z.trim(), z.minLength(min));
/** Up to 20 tags of 1-50 characters. */
const tags = () => z.array(trimmed(1, 50)).check(z.maxLength(20));

/** A ticket's status (the lifecycle: `lifecycle.ts`, `docs/lifecycle.md`). */
export const TicketStatus = /* @__PURE__ */ defineSchema(() =>
  z.enum(ticketStatuses).check(
    z.meta({
      id: 'TicketStatus',
      description:
        'Where the ticket is in its lifecycle: open → in_progress → resolved → closed, with pending (waiting on ' +
        'the requester), unresolved and canceled; the approval path pending_approval → approved | rejected, then ' +
        'approved → in_progress → fulfilled → closed.',
    }),
  ),
);

/** A ticket's type. */
export const TicketType = /* @__PURE__ */ defineSchema(() =>
  z.enum(ticketTypes).check(z.meta({ id: 'TicketType', description: 'What kind of ticket it is' })),
);

/** A ticket's priority, as stored and shown. */
export const TicketPriority = /* @__PURE__ */ defineSchema(() =>
  z.enum(priorities).check(z.meta({ id: 'TicketPriority', description: 'How urgent the ticket is' })),
);

/**
 * A priority in a request: one of {@link TicketPriority}, or `emergency`, accepted as `urgent` (a codec, so the
 * document shows the five accepted values as input and the four stored ones as output).
 */
export const Priority = /* @__PURE__ */ defineSchema(() =>
  z
    .codec(z.enum([...priorities, 'emergency']), TicketPriority, {
      decode: (value) => (value === 'emergency' ? 'urgent' : value),
      encode: (value) => value,
    })
    .check(z.meta({ description: 'low, medium, high or urgent; `emergency` is accepted as `urgent`' })),
);

/** Statuses a change may move a ticket to without a reason: every one but `rejected`. */
const statusesWithoutReason = ticketStatuses.filter(
  (status): status is Exclude<(typeof ticketStatuses)[number], 'rejected'> => status !== 'rejected',
);

/** The message of an unknown `status` (no case of the discriminated union matches it). */
const unknownStatus = (issue: { code?: string }) =>
  issue.code === 'invalid_union' ? `Invalid option: expected one of ${ticketStatuses.join('|')}` : undefined;

/**
 * A change's fields with its `status` and `reason`, as the two cases a discriminated union on `status` tells
 * apart: a rejection (`status: rejected`) requires a `reason` (1-1,000 characters); any other status, or none,
 * takes one optionally. So a rejection without a reason breaks the schema (400), in the document as in the
 * wrapper. Both cases are strict objects.
 */
const withStatus = <Fields extends z.core.$ZodLooseShape>(fields: Fields) =>
  z.discriminatedUnion(
    'status',
    [
      z.strictObject({
        /** A rejection (by the approver): its reason is required. */
        status: z.literal('rejected'),
        reason: z
          .string({ error: (issue) => (issue.input === undefined ? 'Give a reason to reject.' : undefined) })
          .check(
            notBlank(),
            maxChars(1000),
            z.trim(),
            z.minLength(1),
            z.meta({ description: 'Why the ticket is rejected (required)' }),
          ),
        ...fields,
      }),
      z.strictObject({
        status: z.optional(z.enum(statusesWithoutReason)),
        reason: z.optional(trimmed(1, 1000)),
        ...fields,
      }),
    ],
    { error: unknownStatus },
  );

export const CreateTicketBody = /* @__PURE__ */ defineSchema(() =>
  z
    .strictObject({
      title: trimmed(1, 120),
      description: trimmed(1, 10_000),
      type: z._default(TicketType, 'question'),
      priority: z._default(Priority, 'medium'),
      category: z.optional(trimmed(1, 100)),
      tags: z.optional(tags()),
      /** The approver; the ticket then starts in `pending_approval`. */
      approverId: z.optional(UserId),
      /** The customer the ticket is for: one the caller may see (agents' contacts), else 422. */
      customerId: z.optional(Ulid),
    })
    .check(z.meta({ id: 'CreateTicketRequest' })),
);
export type CreateTicketInput = z.output<typeof CreateTicketBody>;

/**
 * `PATCH /tickets/{ticketId}`: the fields to change, at least one. `status` moves the ticket along the lifecycle;
 * `reason` goes with a decision and is required to reject.
 */
export const UpdateTicketBody = /* @__PURE__ */ defineSchema(() =>
  withStatus({
    title: z.optional(trimmed(1, 120)),
    description: z.optional(trimmed(1, 10_000)),
    type: z.optional(TicketType),
    priority: z.optional(Priority),
    category: z.optional(trimmed(1, 100)),
    tags: z.optional(tags()),
    /** The agent or admin who works the ticket; `null` unassigns. Needs `canAssignTickets`. */
    assigneeId: z.optional(z.nullable(UserId)),
    /** The customer the ticket is for (one the caller may see, else 422); `null` unlinks. Needs `canManageTickets`. */
    customerId: z.optional(z.nullable(Ulid)),
  }).check(
    z.refine(
      (body) => Object.values(body).some((value) => value !== undefined),
      'Send at least one field to change',
    ),
    z.meta({
      id: 'UpdateTicketRequest',
      type: 'object',
      minProperties: 1,
      description:
        'The fields to change, at least one; `assigneeId: null` unassigns. A rejection (`status: rejected`) ' +
        'requires a `reason`.',
    }),
  ),
);
export type UpdateTicketInput = z.output<typeof UpdateTicketBody>;

/**
 * `PUT /tickets/{ticketId}`: the ticket's editable fields, all of them. A field left out goes back to its default
 * (`type` question, `priority` medium) or to empty (`category` none, `tags` [], `assigneeId` unassigned). `status`
 * is not a field but a move along the lifecycle: left out, it stays; `reason` goes with a decision and is
 * required to reject.
 */
export const ReplaceTicketBody = /* @__PURE__ */ defineSchema(() =>
  withStatus({
    title: trimmed(1, 120),
    description: trimmed(1, 10_000),
    type: z._default(TicketType, 'question'),
    priority: z._default(Priority, 'medium'),
    category: z.optional(z.nullable(trimmed(1, 100))),
    tags: z._default(tags(), []),
    assigneeId: z.optional(z.nullable(UserId)),
    /** The customer the ticket is for; left out or `null`: none. Needs `canManageTickets` to change. */
    customerId: z.optional(z.nullable(Ulid)),
  }).check(
    z.meta({
      id: 'ReplaceTicketRequest',
      type: 'object',
      description:
        'Every editable field: one left out goes back to its default (type question, priority medium) or to ' +
        'empty (no category, no tags, unassigned). `status` moves the ticket only when sent; a rejection ' +
        '(`status: rejected`) requires a `reason`.',
    }),
  ),
);
export type ReplaceTicketInput = z.output<typeof ReplaceTicketBody>;

/** A boolean query flag: `true` or `false` (decoded to a boolean). */
const queryFlag = (description: string) =>
  z
    .codec(z.enum(['true', 'false']), z.boolean(), {
      decode: (value) => value === 'true',
      encode: (value) => (value ? 'true' : 'false'),
    })
    .check(z.meta({ description }));

/**
 * `GET /tickets` filters, besides `limit` and `cursor`. `mine=true` (tickets I opened) is `requesterId` = me,
 * `assigned=true` (tickets assigned to me) is `assigneeId` = me. Strict: an unknown filter is a 400, never
 * silently ignored. Which combinations an index serves depends on the caller (without `canViewAll` every list is
 * of one's own tickets), so the operation checks it: `listPlan` in `shared/tickets/listing.ts`, 422 otherwise.
 */
export const ListTicketsQuery = /* @__PURE__ */ defineSchema(() =>
  z.strictObject({
    ...ListQuery.shape,
    status: z.optional(TicketStatus),
    priority: z.optional(Priority),
    type: z.optional(TicketType),
    requesterId: z.optional(UserId),
    assigneeId: z.optional(UserId),
    mine: z.optional(queryFlag('`true`: tickets the caller opened (requesterId = the caller)')),
    assigned: z.optional(queryFlag('`true`: tickets assigned to the caller (assigneeId = the caller)')),
    customerId: z.optional(
      Ulid.check(
        z.meta({
          description:
            'Tickets linked to this customer (one the caller may see, else 422), newest first; no other filter with it',
        }),
      ),
    ),
  }),
);
export type ListTicketsInput = z.output<typeof ListTicketsQuery>;

/** `POST /tickets/{ticketId}/take`: no fields (an empty object, or no body at all). */
export const TakeTicketBody = /* @__PURE__ */ defineSchema(() =>
  z.strictObject({}).check(z.meta({ id: 'TakeTicketRequest' })),
);

export const TicketParams = /* @__PURE__ */ defineSchema(() => z.object({ ticketId: Ulid }));
export type TicketParamsInput = z.output<typeof TicketParams>;
