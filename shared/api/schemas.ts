/**
 * Request schemas of the HTTP API (zod). The handlers validate with them and `shared/api/openapi.ts` documents
 * them, so the OpenAPI document cannot drift from what is enforced. Bodies are strict: unknown fields are a 400,
 * so a typo never silently does nothing.
 */
import * as z from 'zod';
import { priorities, ticketStatuses, ticketTypes } from '#shared/domain/ticket.ts';

/** ULIDs: 26 Crockford base32 characters. */
export const Ulid = z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'Expected a ULID');
/** Cognito user ids (`sub`): UUIDs. */
export const UserId = z.string().min(1).max(128).meta({ description: 'A user id (Cognito sub)' });
const E164 = z.string().regex(/^\+[1-9]\d{6,14}$/, 'Expected an E.164 phone number like +15555550100');
const Email = z.email().max(254);

/** Password rules of the user pool (min 8, upper, lower, digit); Cognito enforces them again. */
const Password = z
  .string()
  .min(8, 'At least 8 characters')
  .max(256)
  .regex(/[a-z]/, 'Needs a lower-case letter')
  .regex(/[A-Z]/, 'Needs an upper-case letter')
  .regex(/\d/, 'Needs a digit');

export const SignUpBody = z
  .strictObject({
    email: Email,
    password: Password,
    name: z.string().trim().min(1).max(100),
    phone: E164.optional(),
    smsOptIn: z.boolean().optional(),
  })
  .meta({ id: 'SignUpRequest' });

export const LogInBody = z
  .strictObject({ email: Email, password: z.string().min(1).max(256) })
  .meta({ id: 'LogInRequest' });

export const RefreshBody = z
  .strictObject({ refreshToken: z.string().min(1).max(8192) })
  .meta({ id: 'RefreshRequest' });

/** S1's `emergency` is accepted as `urgent`. */
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
    /** The approver; the ticket then starts in `pending_approval` (S4). */
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

export const CreateCommentBody = z
  .strictObject({
    body: z.string().trim().min(1).max(10_000),
    /** An internal note, visible to agents only. */
    internal: z.boolean().default(false),
  })
  .meta({ id: 'CreateCommentRequest' });

export const TicketParams = z.object({ ticketId: Ulid });

export const ListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().max(2048).optional(),
});

export const ApprovalParams = z.object({ token: z.string().max(128) });

export const DecideApprovalBody = z
  .object({
    decision: z.enum(['approve', 'reject']),
    reason: z.string().trim().max(1000).optional(),
  })
  .refine((body) => body.decision === 'approve' || !!body.reason, {
    path: ['reason'],
    message: 'Give a reason to reject',
  })
  .meta({ id: 'DecideApprovalRequest' });
