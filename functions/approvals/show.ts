/**
 * `GET /approvals/{token}` (public; the link is the credential): the confirmation page with Approve and Reject
 * buttons and the ticket version it shows (hidden). Changes nothing (mail scanners fetch links). A used, expired,
 * unknown or superseded link (the request changed: a new link was sent) gets a page that says so.
 */
import { inspectLink } from '#shared/approvals/operations.ts';
import { confirmationPage, linkProblemPage, linkProblemStatus } from '#shared/approvals/pages.ts';
import { showApprovalRoute } from '#shared/approvals/routes.ts';
import { html } from '#shared/platform/http/responses.ts';
import { route } from '#shared/platform/http/route.ts';
import { findUser } from '#shared/users/profiles.ts';

export const handler = route(showApprovalRoute, async ({ params }) => {
  const state = await inspectLink(params.token);
  if (!state.usable)
    return html(
      linkProblemStatus[state.problem],
      linkProblemPage(state.problem, state.ticket, state.changes, state.decider),
    );
  return html(200, confirmationPage(state.ticket, await findUser(state.ticket.requesterId)));
});
