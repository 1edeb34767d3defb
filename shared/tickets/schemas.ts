/**
 * Request schemas of the ticket routes. Bodies are strict: unknown fields are a 400, so a typo never silently does nothing.
 * `zod/mini`, each schema built by a pure `defineSchema` call so a bundle keeps only those its route uses
 * (`shared/platform/schemas.ts`).
 */
import * as z from 'zod/mini';
import { cableTypes, type LengthUnit, maxLengthMm, millimetresPer } from '#shared/inventory/cable.ts';
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

/** Most pieces one cable request asks for. */
export const maxCableQuantity = 1000;

/**
 * The longest length in `unit` a request may give: {@link maxLengthMm} (100 km) in that unit, rounded down to
 * 0.01 (100,000 m; 328,083.98 ft), so its `lengthMm` never exceeds it.
 */
export const maxLengthIn = (unit: LengthUnit): number =>
  Math.floor((maxLengthMm / millimetresPer[unit]) * 100) / 100;

/** The shortest length a request may give, in either unit (0.01 ft is 3 mm, 0.01 m is 10 mm: never 0 mm). */
export const minLength = 0.01;

/** A length in one unit: `value` from {@link minLength} to {@link maxLengthIn} that unit. */
const lengthIn = (unit: LengthUnit) =>
  z.strictObject({
    value: z
      .number()
      .check(
        z.gte(minLength),
        z.lte(maxLengthIn(unit)),
        z.meta({ description: `How long, in ${unit === 'ft' ? 'feet' : 'metres'}` }),
      ),
    unit: z.literal(unit),
  });

/** The message of a `length.unit` that is neither `ft` nor `m`. */
const unknownUnit = (issue: { code?: string }) =>
  issue.code === 'invalid_union' ? 'Invalid option: expected one of ft|m' : undefined;

/**
 * A cable request's details (PRODUCT "Tickets": request details for typed requests), on tickets of type `request`
 * only: the cable type (`cableTypes`, `shared/inventory/cable.ts`), the length of one piece in feet or metres
 * (stored also as whole millimetres, `lengthMm`), how many pieces (1-1,000, default 1), and optional gauge (e.g.
 * `23AWG`), location and notes. Strict: unknown fields are a 400.
 */
export const RequestDetails = /* @__PURE__ */ defineSchema(() =>
  z
    .strictObject({
      cableType: z.enum(cableTypes),
      length: z.discriminatedUnion('unit', [lengthIn('ft'), lengthIn('m')], { error: unknownUnit }).check(
        z.meta({
          description:
            'The length of one piece: `value` in `unit` (`ft` or `m`), at least 0.01 and at most 100 km ' +
            '(100,000 m or 328,083.98 ft)',
        }),
      ),
      quantity: z._default(
        z
          .number()
          .check(
            z.int(),
            z.gte(1),
            z.lte(maxCableQuantity),
            z.meta({ description: 'How many pieces of that length (default 1)' }),
          ),
        1,
      ),
      gauge: z.optional(
        trimmed(1, 20).check(z.meta({ description: 'Wire gauge or grade, e.g. 23AWG', examples: ['23AWG'] })),
      ),
      location: z.optional(trimmed(1, 200).check(z.meta({ description: 'Where the cable goes' }))),
      notes: z.optional(
        trimmed(1, 2000).check(z.meta({ description: 'Anything else the team should know' })),
      ),
    })
    .check(
      z.meta({
        id: 'CableRequestDetails',
        description:
          'What a cable request asks for (tickets of type `request` only). A request with details always needs ' +
          'approval: without an `approverId` it goes to the cable approver group',
      }),
    ),
);
export type RequestDetailsInput = z.output<typeof RequestDetails>;

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
      /**
       * A cable request's details: `type` must be `request` (else 422). Such a ticket starts `pending_approval`:
       * with the `approverId`, or else with the cable approver group (422 when it has nobody but the caller).
       */
      requestDetails: z.optional(RequestDetails),
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
    /**
     * A cable request's details, replaced whole; `null` removes them. Only on type `request`, and only while the
     * request waits for approval (a change re-sends it); frozen once decided (409).
     */
    requestDetails: z.optional(z.nullable(RequestDetails)),
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
    /**
     * A cable request's details; left out or `null`: none. Only on type `request`, and only changed while the
     * request waits for approval (a change re-sends it); frozen once decided (409).
     */
    requestDetails: z.optional(z.nullable(RequestDetails)),
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
