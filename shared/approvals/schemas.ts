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
    // Any text is a token to look up: one that is not 43 base64url characters names no link, and answers the
    // same "Link not valid" page (404) as an unknown one, so a cut-short link in a mail reads as one to a person.
    // At most 256 characters: a link's URL stays far inside the request-line limits (API Gateway: 10,240 bytes of
    // request line and headers; Node's HTTP parser locally: 16 KiB) even percent-encoded.
    token: z.string().check(
      z.minLength(1),
      z.maxLength(256),
      z.meta({
        description:
          'The token of the approval link (43 base64url characters; any other value is a link that is not valid)',
      }),
    ),
  }),
);
export type ApprovalParamsInput = z.output<typeof ApprovalParams>;

/** What the form says when no reason comes with a rejection (the page shows it). */
export const reasonRequired = 'Give a reason to reject.';

/** What the form says when its `version` is not a ticket version (the page shows it). */
export const versionInvalid = 'This page is out of date: review the request and decide again.';

/**
 * `version`: the ticket version the confirmation page showed (a hidden field, a positive integer as text),
 * decoded to a number. Required (issue 9): a decision binds to the version the approver saw, so a form without it
 * (not posted from the page) decides nothing and re-shows the page (400), which carries the version.
 */
const shownVersion = () =>
  z
    .codec(
      z
        .string({ error: versionInvalid })
        .check(z.maxLength(10, versionInvalid), z.regex(/^[1-9][0-9]{0,9}$/, versionInvalid)),
      z.number(),
      {
        decode: (text) => Number(text),
        encode: (value) => String(value),
      },
    )
    .check(
      z.meta({
        description:
          'The ticket version the confirmation page showed (hidden field; required: without it nothing is ' +
          'decided and the page is shown again, 400). When the ticket has changed since, nothing is decided and ' +
          'the page is shown again with the changes (409)',
      }),
    );

/**
 * The confirmation page's form (`application/x-www-form-urlencoded`): `decision=approve` with an optional
 * `reason`, or `decision=reject` with a `reason` that is not blank (trimmed; at most 1000 characters); `version`,
 * the ticket version the page showed (required). Fields other than these are ignored (the form is a browser's). A form that
 * breaks these rules re-shows the confirmation page with the first issue's message (400).
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
                maxChars(MAX_REASON_LENGTH),
                z.trim(),
                z.meta({ description: 'Why, optional; shown to the requester' }),
              ),
          ),
          version: shownVersion(),
        }),
        z.object({
          decision: z.literal('reject'),
          reason: z
            .string({ error: reasonRequired })
            .check(
              maxChars(MAX_REASON_LENGTH),
              z.trim(),
              z.minLength(1, { error: reasonRequired, abort: true }),
              z.regex(/\S/, reasonRequired),
              z.meta({ description: 'Why, required: not blank; shown to the requester' }),
            ),
          version: shownVersion(),
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
