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
  description:
    'The page an approval link opens: the ticket and a form with Approve and Reject buttons, which posts back to ' +
    'the same URL, with the ticket version it shows (hidden field `version`). Opening it changes nothing (mail ' +
    'scanners fetch links). A link that cannot be used answers a page that says why: 404 not valid (also any ' +
    'token that is not 43 base64url characters), 410 expired, 409 already used, no longer waiting for approval, ' +
    'or the request changed after the link was sent (a new link went out; the page shows what changed, old → ' +
    'new), 403 the approver may no longer decide (disabled, gone, no longer an approver, or the requester).',
  params: ApprovalParams,
  success: {
    status: 200,
    description:
      'The confirmation page: the ticket (title, requester, priority, type, description) and the form',
    mediaType: 'text/html',
  },
  problems: ['forbidden', 'conflict'],
  // The pages of a link that cannot be used (`linkProblemStatus` in `shared/approvals/pages.ts`): 403 the approver
  // may no longer decide, 404 an unknown link, 409 a link used, a ticket decided or a request changed since the
  // link was sent, 410 an expired link.
  pages: [403, 404, 409, 410],
  grants: ['table:read'],
  // Who decides a group-approved cable request (shared/inventory/config.ts).
  settings: ['cableApproverGroup'],
} as const satisfies Route;

export const decideApprovalRoute = {
  id: 'DecideApproval',
  method: 'POST',
  path: '/approvals/{token}',
  entry: 'functions/approvals/decide.ts',
  permission: 'public',
  summary: 'Approve or reject through an approval link',
  description:
    "The confirmation page's form: `decision=approve` (a `reason` is optional) or `decision=reject` with a " +
    '`reason`. Moves the ticket to approved or rejected and uses up the link; the requester is notified. A form ' +
    'without a decision, a rejection without a reason, or a form without the `version` the page showed (required) ' +
    'decides nothing and re-shows the confirmation page with the message (400). ' +
    'A decision binds to the version the page showed: when the ticket changed since (`version` is not its ' +
    'version now), nothing is decided and the confirmation page is shown again with what changed, old → new, ' +
    'and the current version (409). A link that cannot be used answers the page that says why, as GET does ' +
    '(403, 404, 409, 410); of two concurrent decisions one wins, the other gets 409. Only ' +
    'application/x-www-form-urlencoded is accepted (415 otherwise, as problem+json).',
  params: ApprovalParams,
  body: DecideApprovalBody,
  bodyType: 'application/x-www-form-urlencoded',
  success: {
    status: 200,
    description: 'The result page: the ticket approved or rejected, with the reason given',
    mediaType: 'text/html',
  },
  problems: ['forbidden', 'conflict'],
  // 400: the confirmation page again, with the form's issue; 409 also the confirmation page again when the page
  // posted from showed an older version; then the pages of a link that cannot be used, as GET answers them.
  // (Listed, not spread from a shared array: a spread would keep this row in the GET bundle.)
  pages: [400, 403, 404, 409, 410],
  grants: ['table:read', 'table:write'],
  // Who decides a group-approved cable request (shared/inventory/config.ts).
  settings: ['cableApproverGroup'],
} as const satisfies Route;

/** Every route of this feature, for `shared/routes.ts`. */
export const approvalRoutes = [showApprovalRoute, decideApprovalRoute] as const;
