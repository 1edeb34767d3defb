/**
 * Request schemas of the approval link routes: the token in the path and the HTML form's fields.
 */
import * as z from 'zod';

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
