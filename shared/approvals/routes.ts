/** Approval link routes: the page a link opens, and its form's post. The token in the path is the credential. */
import { ApprovalParams, DecideApprovalBody } from '#shared/approvals/schemas.ts';
import type { Route } from '#shared/platform/route-table.ts';

export const showApprovalRoute = {
  id: 'ShowApproval',
  method: 'GET',
  path: '/approvals/{token}',
  entry: 'functions/approvals/show.ts',
  permission: 'public',
  summary: 'Approval confirmation page (changes nothing)',
  params: ApprovalParams,
  success: { status: 200, description: 'Confirmation page', mediaType: 'text/html' },
  grants: ['table:read'],
} as const satisfies Route;

export const decideApprovalRoute = {
  id: 'DecideApproval',
  method: 'POST',
  path: '/approvals/{token}',
  entry: 'functions/approvals/decide.ts',
  permission: 'public',
  summary: 'Approve or reject through an approval link',
  params: ApprovalParams,
  body: DecideApprovalBody,
  bodyType: 'application/x-www-form-urlencoded',
  success: { status: 200, description: 'Result page', mediaType: 'text/html' },
  grants: ['table:read', 'table:write'],
} as const satisfies Route;

/** Every route of this feature, for `shared/routes.ts`. */
export const approvalRoutes = [showApprovalRoute, decideApprovalRoute] as const;
