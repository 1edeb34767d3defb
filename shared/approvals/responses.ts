/**
 * What this feature's routes answer, for the OpenAPI document and the contract tests. Both routes answer HTML
 * pages (the generator documents those itself), so only the form's request example is here. Only the document
 * generator (`shared/api-document.ts`) and the tests import this module, so no function bundle carries it.
 */
import type * as z from 'zod/mini';
import type { approvalRoutes } from '#shared/approvals/routes.ts';
import type { DecideApprovalBody } from '#shared/approvals/schemas.ts';
import { documented, type RouteResponses } from '#shared/platform/route-table.ts';

export const approvalResponses: RouteResponses<(typeof approvalRoutes)[number]> = {
  ShowApproval: documented(undefined),
  DecideApproval: documented(undefined, {
    request: {
      decision: 'reject',
      reason: 'Use the spare stock in room 4',
      version: '3',
    } satisfies z.input<typeof DecideApprovalBody>,
  }),
};
