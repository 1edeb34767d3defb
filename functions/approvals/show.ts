/**
 * `GET /approvals/{token}` (public; the link is the credential): the confirmation page with Approve and Reject
 * buttons. Changes nothing (mail scanners fetch links). A used, expired or unknown link gets a page that says so.
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
    return html(linkProblemStatus[state.problem], linkProblemPage(state.problem, state.ticket));
  return html(200, confirmationPage(state.ticket, await findUser(state.ticket.requesterId)));
});
