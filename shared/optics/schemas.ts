/**
 * Request schemas of the optics routes (zod/mini; each built by a pure `defineSchema` call, so a bundle keeps only
 * those its route uses). Bodies are strict: an unknown field is a 400. Rules that need the table (the part must be
 * on the current list, `Other` needs a description) are the operations' (422).
 */
import * as z from 'zod/mini';
import { opticsStatuses } from '#shared/optics/optics.entity.ts';
import { defineSchema, Ulid } from '#shared/platform/schemas.ts';
import { maxChars } from '#shared/platform/text.ts';
import { notBlank } from '#shared/tickets/schemas.ts';

/** Limits of the texts and numbers a request takes. */
export const opticsLimits = {
  partName: 80,
  parts: 100,
  description: 500,
  notes: 2000,
  reason: 500,
  quantity: 1000,
} as const;

/**
 * One line of text: not blank (`\S`, which the document shows, so a client knows white space alone is refused),
 * at most `max` characters counted as JSON Schema counts them (code points, before trimming), no control
 * characters; trimmed.
 */
const line = (max: number, description: string) =>
  z
    .string()
    .check(
      notBlank(),
      maxChars(max),
      z.regex(/^[^\p{Cc}]*$/u, 'Expected text without control characters'),
      z.trim(),
      z.minLength(1),
      z.meta({ description }),
    );

/** `PUT /optics/parts`: the whole list of allowed parts (without `Other`, which is always offered). */
export const ReplaceOpticsPartsBody = /* @__PURE__ */ defineSchema(() =>
  z
    .strictObject({
      parts: z.array(line(opticsLimits.partName, 'A part, as requesters pick it')).check(
        z.minLength(1),
        z.maxLength(opticsLimits.parts),
        z.meta({
          description:
            'The allowed parts, 1-100, each once (letter case ignored; else 422); `Other` is always offered ' +
            'besides and is not listed (422)',
        }),
      ),
    })
    .check(z.meta({ id: 'ReplaceOpticsPartsRequest' })),
);

/** `POST /optics/requests`. */
export const CreateOpticsRequestBody = /* @__PURE__ */ defineSchema(() =>
  z
    .strictObject({
      part: line(
        opticsLimits.partName,
        'A part of GET /optics/parts, or `Other` (then `description` is required)',
      ),
      description: z.optional(line(opticsLimits.description, 'What is needed, for `Other`')),
      quantity: z
        .number()
        .check(z.int(), z.gte(1), z.lte(opticsLimits.quantity), z.meta({ description: 'How many, 1-1000' })),
      neededBy: z.optional(
        z.iso
          .date()
          .check(
            z.maxLength(10),
            z.meta({ description: 'When the parts are needed (YYYY-MM-DD), today or later' }),
          ),
      ),
      notes: z.optional(
        z.string().check(maxChars(opticsLimits.notes), z.meta({ description: 'Anything else, up to 2,000' })),
      ),
    })
    .check(z.meta({ id: 'CreateOpticsRequestRequest' })),
);
export type CreateOpticsRequestInput = z.output<typeof CreateOpticsRequestBody>;

/** `?status=&limit=&cursor=` of `GET /optics/requests`. */
export const ListOpticsRequestsQuery = /* @__PURE__ */ defineSchema(() =>
  z.object({
    status: z.optional(z.enum(opticsStatuses).check(z.meta({ description: 'Only requests in this status' }))),
    limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(100)), 25),
    cursor: z.optional(
      z
        .string()
        .check(z.maxLength(2048), z.regex(/^[\w-]+\.[\w-]+$/, 'Expected a cursor from a previous page')),
    ),
  }),
);
export type ListOpticsRequestsInput = z.output<typeof ListOpticsRequestsQuery>;

/** `{requestId}`. */
export const OpticsRequestParams = /* @__PURE__ */ defineSchema(() => z.object({ requestId: Ulid }));

const reason = (description: string) =>
  z
    .string()
    .check(notBlank(), maxChars(opticsLimits.reason), z.trim(), z.minLength(1), z.meta({ description }));

/** `PATCH /optics/requests/{requestId}/status`: an action; `deny` needs a reason. */
export const ChangeOpticsStatusBody = /* @__PURE__ */ defineSchema(() =>
  z
    .discriminatedUnion('action', [
      z.strictObject({
        action: z.literal('approve'),
        reason: z.optional(reason('A note for the requester')),
      }),
      z.strictObject({ action: z.literal('deny'), reason: reason('Why (the requester is told)') }),
      z.strictObject({
        action: z.literal('archive'),
        reason: z.optional(reason('A note for the audit trail')),
      }),
    ])
    .check(
      z.meta({
        id: 'ChangeOpticsStatusRequest',
        description:
          '`approve` or `deny` a pending request (deny with a reason), `archive` any but an archived one',
        type: 'object',
      }),
    ),
);
export type ChangeOpticsStatusInput = z.output<typeof ChangeOpticsStatusBody>;
