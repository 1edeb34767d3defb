/**
 * Request schemas of the macro routes. Bodies are strict: unknown fields are a 400, so a typo never silently does
 * nothing. `zod/mini`, each schema built by a pure `defineSchema` call so a bundle keeps only those its route uses
 * (`shared/platform/schemas.ts`).
 */
import * as z from 'zod/mini';
import { macroAvailabilities, macroReplyKinds } from '#shared/macros/macro.entity.ts';
import { macroPlaceholders, unknownPlaceholders } from '#shared/macros/placeholders.ts';
import { defineSchema, Ulid, UserId } from '#shared/platform/schemas.ts';
import { maxChars } from '#shared/platform/text.ts';
import { ticketStatuses } from '#shared/tickets/lifecycle.ts';
import { notBlank, TicketPriority, TicketType } from '#shared/tickets/schemas.ts';

/** A string that is not blank, trimmed, then `min` to `max` characters long. */
const trimmed = (min: number, max: number) =>
  z.string().check(notBlank(), maxChars(max), z.trim(), z.minLength(min));

/** The longest reply text a macro holds (its rendered reply must fit a comment's 10,000 characters). */
export const MAX_MACRO_BODY = 5000;

/**
 * A reply text: not blank, at most {@link MAX_MACRO_BODY} characters, and every `{{placeholder}}` one of
 * `placeholders.ts` (400 naming the unknown ones otherwise).
 */
const replyBody = () =>
  z.string().check(
    notBlank(),
    maxChars(MAX_MACRO_BODY),
    z.trim(),
    z.minLength(1),
    z.superRefine((text, context) => {
      const unknown = unknownPlaceholders(text);
      if (unknown.length > 0) {
        context.addIssue({
          code: 'custom',
          input: text,
          message:
            `Unknown placeholder ${unknown.map((name) => `{{${name}}}`).join(', ')}; a reply may use ` +
            `${macroPlaceholders.map((name) => `{{${name}}}`).join(', ')}`,
        });
      }
    }),
    z.meta({
      description:
        'The reply text; it may use the placeholders {{requester.name}}, {{ticket.number}} and {{agent.name}}, ' +
        'filled in as plain text when the macro is applied (any other {{...}} is a 400)',
    }),
  );

/** Statuses a macro may set: every one but `rejected` (a rejection needs its own reason). */
const macroStatuses = ticketStatuses.filter(
  (status): status is Exclude<(typeof ticketStatuses)[number], 'rejected'> => status !== 'rejected',
);

/** What applying the macro does; at least one action. */
export const MacroActions = /* @__PURE__ */ defineSchema(() =>
  z
    .strictObject({
      /** Move the ticket along the lifecycle (409 when the lifecycle forbids it at apply time). */
      status: z.optional(z.enum(macroStatuses)),
      priority: z.optional(TicketPriority),
      type: z.optional(TicketType),
      /** `me`: the agent applying it; `user`: that agent or admin; `nobody`: unassign. */
      assignee: z.optional(
        z.discriminatedUnion('to', [
          z.strictObject({ to: z.literal('me') }),
          z.strictObject({ to: z.literal('user'), userId: UserId }),
          z.strictObject({ to: z.literal('nobody') }),
        ]),
      ),
      /** Tags added to those the ticket has (a ticket holds at most 20). */
      addTags: z.optional(z.array(trimmed(1, 50)).check(z.minLength(1), z.maxLength(20))),
      /** Post the macro's `body` as a `response` (the requester reads it) or an internal `note`. */
      reply: z.optional(z.enum(macroReplyKinds)),
    })
    .check(
      z.refine(
        (actions) => Object.values(actions).some((value) => value !== undefined),
        'A macro does at least one thing: give at least one action',
      ),
      z.meta({
        id: 'MacroActions',
        type: 'object',
        minProperties: 1,
        description:
          'What applying the macro does, in one transaction: set status, priority, type, assignee; add tags; ' +
          'post the body as a response or an internal note. At least one.',
      }),
    ),
);

export const CreateMacroBody = /* @__PURE__ */ defineSchema(() =>
  z
    .strictObject({
      name: trimmed(1, 100),
      description: z.optional(trimmed(1, 500)),
      body: z.optional(replyBody()),
      /** `personal` (default): yours alone; `shared`: every agent's. */
      availability: z._default(z.enum(macroAvailabilities), 'personal'),
      actions: MacroActions,
    })
    .check(z.meta({ id: 'CreateMacroRequest' })),
);
export type CreateMacroInput = z.output<typeof CreateMacroBody>;

/** `PATCH /macros/{macroId}`: the fields to change, at least one; `null` removes `description` or `body`. */
export const UpdateMacroBody = /* @__PURE__ */ defineSchema(() =>
  z
    .strictObject({
      name: z.optional(trimmed(1, 100)),
      description: z.optional(z.nullable(trimmed(1, 500))),
      body: z.optional(z.nullable(replyBody())),
      availability: z.optional(z.enum(macroAvailabilities)),
      /** Replaces every action. */
      actions: z.optional(MacroActions),
    })
    .check(
      z.refine(
        (body) => Object.values(body).some((value) => value !== undefined),
        'Send at least one field to change',
      ),
      z.meta({
        id: 'UpdateMacroRequest',
        type: 'object',
        minProperties: 1,
        description:
          'The fields to change, at least one; `actions` replaces every action; null removes a field',
      }),
    ),
);
export type UpdateMacroInput = z.output<typeof UpdateMacroBody>;

/** `POST /tickets/{ticketId}/macros/{macroId}/apply`: no fields (an empty object, or no body at all). */
export const ApplyMacroBody = /* @__PURE__ */ defineSchema(() =>
  z.strictObject({}).check(z.meta({ id: 'ApplyMacroRequest' })),
);

export const MacroParams = /* @__PURE__ */ defineSchema(() => z.object({ macroId: Ulid }));

export const ApplyMacroParams = /* @__PURE__ */ defineSchema(() =>
  z.object({ ticketId: Ulid, macroId: Ulid }),
);
