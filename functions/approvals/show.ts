/**
 * `GET /approvals/{token}` (public): the approval confirmation page. Changes nothing (mail scanners and link
 * previews fetch links); a used, expired or unknown link gets a page that says so.
 */

import { ApprovalParams } from '#shared/api/schemas.ts';
import { confirmationPage, linkProblemPage, linkProblemStatus } from '#shared/approvals/pages.ts';
import { findUser } from '#shared/auth/accounts.ts';
import { inspectLink } from '#shared/data/approvals.ts';
import { publicRoute } from '#shared/http/handler.ts';
import { html } from '#shared/http/responses.ts';

export const handler = publicRoute({ params: ApprovalParams }, async ({ params }) => {
  const state = await inspectLink(params.token);
  if (!state.usable)
    return html(linkProblemStatus[state.problem], linkProblemPage(state.problem, state.ticket));
  return html(200, confirmationPage(state.ticket, await findUser(state.ticket.requesterId)));
});
