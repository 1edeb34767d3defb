/**
 * Request schemas of the ticket routes. Bodies are strict: unknown fields are a 400, so a typo never silently does nothing.
 */
import * as z from 'zod';
import { Ulid, UserId } from '#shared/platform/schemas.ts';
import { priorities, ticketStatuses, ticketTypes } from '#shared/tickets/lifecycle.ts';

/** `emergency` is accepted as `urgent`. */
export const Priority = z.preprocess(
  (value) => (value === 'emergency' ? 'urgent' : value),
  z.enum(priorities),
);

export const CreateTicketBody = z
  .strictObject({
    title: z.string().trim().min(1).max(120),
    description: z.string().trim().min(1).max(10_000),
    type: z.enum(ticketTypes).default('question'),
    priority: Priority.default('medium'),
    category: z.string().trim().min(1).max(100).optional(),
    tags: z.array(z.string().trim().min(1).max(50)).max(20).optional(),
    /** The approver; the ticket then starts in `pending_approval`. */
    approverId: UserId.optional(),
  })
  .meta({ id: 'CreateTicketRequest' });

export const UpdateTicketBody = z
  .strictObject({
    status: z.enum(ticketStatuses).optional(),
    /** Required when an approver rejects through the API. */
    reason: z.string().trim().min(1).max(1000).optional(),
    title: z.string().trim().min(1).max(120).optional(),
    description: z.string().trim().min(1).max(10_000).optional(),
    type: z.enum(ticketTypes).optional(),
    priority: Priority.optional(),
    category: z.string().trim().min(1).max(100).optional(),
    tags: z.array(z.string().trim().min(1).max(50)).max(20).optional(),
    assigneeId: UserId.optional(),
  })
  .refine(
    (body) => Object.values(body).some((value) => value !== undefined),
    'Send at least one field to change',
  )
  .meta({ id: 'UpdateTicketRequest' });

export const TicketParams = z.object({ ticketId: Ulid });
