/**
 * `POST /approvals/{token}` (public; the link is the credential): the form on the confirmation page posts
 * `decision=approve|reject` and `reason` (required to reject). Moves the ticket to `approved` or `rejected`; the
 * stream notifier then tells the requester. Answers HTML pages: 200 the result; 400 the confirmation page again
 * with the form's first issue (no decision, no reason to reject, no `version`: nothing is decided without it); 409 the confirmation page again, with what
 * changed, when the form's `version` is not the ticket's any more (nothing decided); 403, 404, 409 or 410 the page
 * of a link that cannot be used (`linkProblemStatus`; 409 with what changed for a superseded link). A body that is
 * not a form is refused with 415 problem+json.
 */

import { decideWithLink, inspectLink } from '#shared/approvals/operations.ts';
import {
  confirmationPage,
  decidedPage,
  linkProblemPage,
  linkProblemStatus,
} from '#shared/approvals/pages.ts';
import { decideApprovalRoute } from '#shared/approvals/routes.ts';
import { DecideApprovalBody } from '#shared/approvals/schemas.ts';
import { html } from '#shared/platform/http/responses.ts';
import { readBody, route } from '#shared/platform/http/route.ts';
import { findUser } from '#shared/users/profiles.ts';

// The form is parsed here rather than by the route wrapper: a form that breaks the rules re-shows the page, not
// problem+json.
export const handler = route(decideApprovalRoute, async ({ params, event }) => {
  const parsed = DecideApprovalBody.safeParse(readBody(event, decideApprovalRoute.bodyType) ?? {});
  if (!parsed.success) {
    const state = await inspectLink(params.token);
    if (!state.usable)
      return html(
        linkProblemStatus[state.problem],
        linkProblemPage(state.problem, state.ticket, state.changes, state.decider),
      );
    const message = parsed.error.issues[0]?.message ?? 'Choose Approve or Reject.';
    return html(400, confirmationPage(state.ticket, await findUser(state.ticket.requesterId), message));
  }
  const { decision, reason, version } = parsed.data;
  const result = await decideWithLink(
    params.token,
    decision === 'approve' ? 'approved' : 'rejected',
    reason,
    version,
  );
  if (result.ok) return html(200, decidedPage(result.ticket));
  if (result.problem === 'stale') {
    const requester = await findUser(result.ticket.requesterId);
    const message =
      'The ticket changed after this page was shown, so nothing was decided. Review it and decide again.';
    return html(409, confirmationPage(result.ticket, requester, message, result.changes));
  }
  return html(
    linkProblemStatus[result.problem],
    linkProblemPage(result.problem, result.ticket, result.changes, result.decider),
  );
});
