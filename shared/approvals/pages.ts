/**
 * The HTML pages behind approval links: a confirmation page with Approve and Reject buttons (a plain form that
 * POSTs back to the same URL; no script) and the result pages. Every interpolated value is escaped.
 */

import type { LinkProblem, ShownChange } from '#shared/approvals/operations.ts';
import { MAX_REASON_LENGTH } from '#shared/approvals/schemas.ts';
import { formatLength } from '#shared/inventory/cable.ts';
import type { RequestDetailsItem, TicketItem } from '#shared/tickets/ticket.entity.ts';
import type { UserItem } from '#shared/users/user.entity.ts';

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${escapeHtml(title)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#222}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}dt{font-weight:600}
.desc{white-space:pre-wrap;background:#f6f6f6;padding:.75rem;border-radius:4px}
textarea{width:100%;min-height:5rem}button{font-size:1rem;padding:.5rem 1.25rem;margin-right:.5rem;cursor:pointer}
.approve{background:#1a7f37;color:#fff;border:0}.reject{background:#cf222e;color:#fff;border:0}.error{color:#cf222e}
.changes{background:#fff8c5;padding:.5rem 1rem;border-radius:4px}del{color:#cf222e}ins{color:#1a7f37;text-decoration:none;font-weight:600}</style>
</head><body>${body}</body></html>`;
}

/** How a changed field is named on the pages. */
const fieldLabels: Record<string, string> = {
  title: 'Title',
  description: 'Description',
  type: 'Type',
  priority: 'Priority',
  category: 'Category',
  tags: 'Tags',
  approverId: 'Approver',
  assigneeId: 'Assignee',
  requestDetails: 'Cable request',
};

/**
 * A cable request's details as rows of the page's list: cable type, the length of one piece in both units
 * (`formatLength`), quantity, and gauge, location and notes when given. Empty without details.
 */
export function requestDetailsRows(details: RequestDetailsItem | undefined): string {
  if (!details) return '';
  const row = (label: string, value: string) => `<dt>${label}</dt><dd>${escapeHtml(value)}</dd>`;
  return [
    row('Cable type', details.cableType),
    row('Length', formatLength(details.lengthMm)),
    row('Quantity', String(details.quantity)),
    details.gauge ? row('Gauge', details.gauge) : '',
    details.location ? row('Location', details.location) : '',
    details.notes ? row('Notes', details.notes) : '',
  ].join('\n');
}

/** The changes, highlighted: one line per change, field: old → new (`(none)` for an empty value). */
export function changesList(changes: readonly ShownChange[]): string {
  if (changes.length === 0) return '';
  const value = (text: string | undefined) => escapeHtml(text ?? '(none)');
  const items = changes
    .map(
      (change) =>
        `<li><strong>${escapeHtml(fieldLabels[change.field] ?? change.field)}</strong>: ` +
        `<del>${value(change.from)}</del> → <ins>${value(change.to)}</ins></li>`,
    )
    .join('');
  return `<div class="changes"><p>What changed:</p><ul>${items}</ul></div>`;
}

/**
 * The confirmation page (GET). Pressing a button POSTs `decision=approve|reject`, `reason` and `version` (hidden:
 * the ticket version this page shows, so a decision binds to what the approver saw).
 * @param error a message to show above the form (e.g. reason missing, or the ticket changed since the page)
 * @param changes what changed since the page the approver posted from, highlighted above the form
 */
export function confirmationPage(
  ticket: TicketItem,
  requester: UserItem | undefined,
  error?: string,
  changes: readonly ShownChange[] = [],
): string {
  return layout(
    `Approve ticket #${ticket.number}?`,
    `<h1>Approval requested: #${ticket.number}</h1>
<dl><dt>Title</dt><dd>${escapeHtml(ticket.title)}</dd>
<dt>Requested by</dt><dd>${escapeHtml(requester ? `${requester.name} <${requester.email}>` : ticket.requesterId)}</dd>
<dt>Priority</dt><dd>${escapeHtml(ticket.priority)}</dd><dt>Type</dt><dd>${escapeHtml(ticket.type)}</dd>
<dt>Opened</dt><dd>${escapeHtml(ticket.createdAt)}</dd>
${requestDetailsRows(ticket.requestDetails)}</dl>
<p class="desc">${escapeHtml(ticket.description)}</p>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
${changesList(changes)}
<form method="post">
<input type="hidden" name="version" value="${ticket.version}">
<p><label for="reason">Reason (required to reject)</label><br><textarea id="reason" name="reason" maxlength="${MAX_REASON_LENGTH}"></textarea></p>
<button class="approve" type="submit" name="decision" value="approve">Approve</button>
<button class="reject" type="submit" name="decision" value="reject">Reject</button>
</form>
<p><small>Opening this page changes nothing; only the buttons decide. The link works once.</small></p>`,
  );
}

/** The page after a decision. */
export function decidedPage(ticket: TicketItem): string {
  const verb = ticket.status === 'approved' ? 'approved' : 'rejected';
  return layout(
    `Ticket #${ticket.number} ${verb}`,
    `<h1>Ticket #${ticket.number} ${verb}</h1><p>${escapeHtml(ticket.title)}</p>
${ticket.decisionReason ? `<p>Reason: ${escapeHtml(ticket.decisionReason)}</p>` : ''}
<p>The requester will be notified by email. You can close this page.</p>`,
  );
}

const problemText: Record<LinkProblem, { title: string; text: string }> = {
  unknown: {
    title: 'Link not valid',
    text: 'This approval link is not valid. Check that you copied the whole link.',
  },
  expired: {
    title: 'Link expired',
    text: 'This approval link has expired. Ask the requester or an agent to send the request again.',
  },
  used: {
    title: 'Link already used',
    text: 'This approval link has already been used; each link works once.',
  },
  decided: { title: 'Already decided', text: 'This request is no longer waiting for approval.' },
  changed: {
    title: 'The request changed',
    text:
      'The request changed after this link was sent. Nothing was decided: the approver has been sent the ' +
      'request again, with the new content and a new link.',
  },
  'approver-unable': {
    title: 'You can no longer decide',
    text:
      'The account this link was sent to is disabled, may no longer approve requests, or is no longer in the ' +
      'group that approves them. Nothing was decided.',
  },
};

/**
 * The page for a link that cannot be used, with the ticket's current status when known, who decided it (for a
 * decided ticket: "Already decided by Ada Admin: approved"; every other member of an approver group sees this on
 * their link) and, for a request that changed, what changed since the link was sent.
 * @param decider the profile of whoever decided, when known
 */
export function linkProblemPage(
  problem: LinkProblem,
  ticket?: TicketItem,
  changes: readonly ShownChange[] = [],
  decider?: Pick<UserItem, 'name'>,
): string {
  const { title, text } = problemText[problem];
  const outcome = ticket?.status === 'approved' || ticket?.status === 'rejected' ? `: ${ticket.status}` : '';
  const decided =
    problem === 'decided' && ticket?.decidedBy
      ? `<p>Already decided by <strong>${escapeHtml(decider?.name ?? 'someone else')}</strong>` +
        `${escapeHtml(outcome)}.</p>`
      : '';
  const status = ticket
    ? `<p>Ticket #${ticket.number} is now <strong>${escapeHtml(ticket.status)}</strong>.</p>`
    : '';
  return layout(title, `<h1>${title}</h1><p>${text}</p>${decided}${status}${changesList(changes)}`);
}

/**
 * HTTP status for each link problem: 404 unknown, 410 expired, 409 used, decided or changed (superseded by a new
 * link), 403 approver unable.
 */
export const linkProblemStatus: Record<LinkProblem, number> = {
  unknown: 404,
  expired: 410,
  used: 409,
  decided: 409,
  changed: 409,
  'approver-unable': 403,
};
