/**
 * Request schemas of the approval link routes: the token in the path and the HTML form's fields.
 * `zod/mini`, each schema built by a pure `defineSchema` call so a bundle keeps only those its route uses
 * (`shared/platform/schemas.ts`).
 */
import * as z from 'zod/mini';
import { defineSchema } from '#shared/platform/schemas.ts';
import { maxChars } from '#shared/platform/text.ts';

/** Longest decision reason, characters (the form's `maxlength`). */
export const MAX_REASON_LENGTH = 1000;

/**
 * `{token}`: the link's token, 43 base64url characters (`shared/approvals/token.ts`). Any other value is not
 * refused here but read as the empty token, which no link has: the route answers its "Link not valid" page (404),
 * as it does for a well-formed token it does not know, so a link cut short or run on in a mail client still gets
 * a page, never problem+json.
 */
export const ApprovalParams = /* @__PURE__ */ defineSchema(() =>
  z.object({
    token: z.catch(z.string().check(z.length(43), z.regex(/^[A-Za-z0-9_-]{43}$/)), '').check(
      // `default: undefined` keeps the catch's fallback out of the document: it is no default a client may rely on.
      z.meta({ description: 'The token of the approval link (43 base64url characters)', default: undefined }),
    ),
  }),
);
export type ApprovalParamsInput = z.output<typeof ApprovalParams>;

/** What the form says when no reason comes with a rejection (the page shows it). */
export const reasonRequired = 'Give a reason to reject.';

/**
 * The confirmation page's form (`application/x-www-form-urlencoded`): `decision=approve` with an optional
 * `reason`, or `decision=reject` with a `reason` that is not blank (trimmed; at most 1000 characters). Fields other
 * than these are ignored (the form is a browser's). A form that breaks these rules re-shows the confirmation page
 * with the first issue's message (400).
 */
export const DecideApprovalBody = /* @__PURE__ */ defineSchema(() =>
  z
    .discriminatedUnion(
      'decision',
      [
        z.object({
          decision: z.literal('approve'),
          reason: z.optional(
            z
              .string()
              .check(
                z.trim(),
                maxChars(MAX_REASON_LENGTH),
                z.meta({ description: 'Why, optional; shown to the requester' }),
              ),
          ),
        }),
        z.object({
          decision: z.literal('reject'),
          reason: z
            .string({ error: reasonRequired })
            .check(
              z.trim(),
              z.minLength(1, { error: reasonRequired, abort: true }),
              maxChars(MAX_REASON_LENGTH),
              z.regex(/\S/, reasonRequired),
              z.meta({ description: 'Why, required: not blank; shown to the requester' }),
            ),
        }),
      ],
      { error: 'Choose Approve or Reject.' },
    )
    .check(
      z.meta({
        id: 'DecideApprovalRequest',
        description: 'The approval form: approve (a reason is optional) or reject (a reason is required)',
        // Both branches are objects; saying so at the top lets tools see an object (form fields) at once.
        type: 'object',
      }),
    ),
);
export type DecideApprovalInput = z.output<typeof DecideApprovalBody>;
