/**
 * Request schemas of the approval link routes: the token in the path and the HTML form's fields.
 * `zod/mini`, each schema built by a pure `defineSchema` call so a bundle keeps only those its route uses
 * (`shared/platform/schemas.ts`).
 */
import * as z from 'zod/mini';
import { defineSchema } from '#shared/platform/schemas.ts';

export const ApprovalParams = /* @__PURE__ */ defineSchema(() =>
  z.object({ token: z.string().check(z.maxLength(128)) }),
);
export type ApprovalParamsInput = z.output<typeof ApprovalParams>;

export const DecideApprovalBody = /* @__PURE__ */ defineSchema(() =>
  z
    .object({
      decision: z.enum(['approve', 'reject']),
      reason: z.optional(z.string().check(z.trim(), z.maxLength(1000))),
    })
    .check(
      z.refine((body) => body.decision === 'approve' || !!body.reason, {
        path: ['reason'],
        message: 'Give a reason to reject',
      }),
      z.meta({ id: 'DecideApprovalRequest' }),
    ),
);
export type DecideApprovalInput = z.output<typeof DecideApprovalBody>;
