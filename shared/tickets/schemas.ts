/**
 * Request schemas of the ticket routes. Bodies are strict: unknown fields are a 400, so a typo never silently does nothing.
 * `zod/mini`, each schema built by a pure `defineSchema` call so a bundle keeps only those its route uses
 * (`shared/platform/schemas.ts`).
 */
import * as z from 'zod/mini';
import { defineSchema, ListQuery, Ulid, UserId } from '#shared/platform/schemas.ts';
import { priorities, ticketStatuses, ticketTypes } from '#shared/tickets/lifecycle.ts';

/** A string trimmed, then `min` to `max` characters long. */
const trimmed = (min: number, max: number) => z.string().check(z.trim(), z.minLength(min), z.maxLength(max));
/** Up to 20 tags of 1-50 characters. */
const tags = () => z.array(trimmed(1, 50)).check(z.maxLength(20));

/** `emergency` is accepted as `urgent`. */
export const Priority = /* @__PURE__ */ defineSchema(() =>
  z.pipe(
    z.transform((value: unknown) => (value === 'emergency' ? 'urgent' : value)),
    z.enum(priorities),
  ),
);

export const CreateTicketBody = /* @__PURE__ */ defineSchema(() =>
  z
    .strictObject({
      title: trimmed(1, 120),
      description: trimmed(1, 10_000),
      type: z._default(z.enum(ticketTypes), 'question'),
      priority: z._default(Priority, 'medium'),
      category: z.optional(trimmed(1, 100)),
      tags: z.optional(tags()),
      /** The approver; the ticket then starts in `pending_approval`. */
      approverId: z.optional(UserId),
    })
    .check(z.meta({ id: 'CreateTicketRequest' })),
);
export type CreateTicketInput = z.output<typeof CreateTicketBody>;

export const UpdateTicketBody = /* @__PURE__ */ defineSchema(() =>
  z
    .strictObject({
      status: z.optional(z.enum(ticketStatuses)),
      /** Required when an approver rejects through the API. */
      reason: z.optional(trimmed(1, 1000)),
      title: z.optional(trimmed(1, 120)),
      description: z.optional(trimmed(1, 10_000)),
      type: z.optional(z.enum(ticketTypes)),
      priority: z.optional(Priority),
      category: z.optional(trimmed(1, 100)),
      tags: z.optional(tags()),
      /** The agent or admin who works the ticket; `null` unassigns. Needs `canAssignTickets`. */
      assigneeId: z.optional(z.nullable(UserId)),
    })
    .check(
      z.refine(
        (body) => Object.values(body).some((value) => value !== undefined),
        'Send at least one field to change',
      ),
      z.meta({ id: 'UpdateTicketRequest' }),
    ),
);
export type UpdateTicketInput = z.output<typeof UpdateTicketBody>;

/**
 * `PUT /tickets/{ticketId}`: the ticket's editable fields, all of them. A field left out goes back to its default
 * (`type` question, `priority` medium) or to empty (`category` none, `tags` [], `assigneeId` unassigned). `status`
 * is not a field but a move along the lifecycle: left out, it stays; `reason` goes with a rejection.
 */
export const ReplaceTicketBody = /* @__PURE__ */ defineSchema(() =>
  z
    .strictObject({
      title: trimmed(1, 120),
      description: trimmed(1, 10_000),
      type: z._default(z.enum(ticketTypes), 'question'),
      priority: z._default(Priority, 'medium'),
      category: z.optional(z.nullable(trimmed(1, 100))),
      tags: z._default(tags(), []),
      assigneeId: z.optional(z.nullable(UserId)),
      status: z.optional(z.enum(ticketStatuses)),
      reason: z.optional(trimmed(1, 1000)),
    })
    .check(z.meta({ id: 'ReplaceTicketRequest' })),
);
export type ReplaceTicketInput = z.output<typeof ReplaceTicketBody>;

/**
 * `GET /tickets` filters, besides `limit` and `cursor`. `mine=true` (tickets I opened) is `requesterId` = me,
 * `assigned=true` (tickets assigned to me) is `assigneeId` = me. Strict: an unknown filter is a 400, never
 * silently ignored. Which combinations an index serves: `listPlan` in `shared/tickets/listing.ts`.
 */
export const ListTicketsQuery = /* @__PURE__ */ defineSchema(() =>
  z.strictObject({
    ...ListQuery.shape,
    status: z.optional(z.enum(ticketStatuses)),
    priority: z.optional(Priority),
    type: z.optional(z.enum(ticketTypes)),
    requesterId: z.optional(UserId),
    assigneeId: z.optional(UserId),
    /** `true`: tickets the caller opened. */
    mine: z.optional(z.stringbool()),
    /** `true`: tickets assigned to the caller. */
    assigned: z.optional(z.stringbool()),
  }),
);
export type ListTicketsInput = z.output<typeof ListTicketsQuery>;

/** `POST /tickets/{ticketId}/take`: no fields (an empty object, or no body at all). */
export const TakeTicketBody = /* @__PURE__ */ defineSchema(() =>
  z.strictObject({}).check(z.meta({ id: 'TakeTicketRequest' })),
);

export const TicketParams = /* @__PURE__ */ defineSchema(() => z.object({ ticketId: Ulid }));
export type TicketParamsInput = z.output<typeof TicketParams>;
