/**
 * The approval pages bind a decision to what they show (`shared/approvals/pages.ts`): the confirmation page carries
 * the ticket version in a hidden field, and the changes it highlights (field: old → new) are escaped like every
 * other value, since a requester writes them.
 */
import { describe, expect, it } from 'vitest';
import {
  changesList,
  confirmationPage,
  linkProblemPage,
  linkProblemStatus,
} from '#shared/approvals/pages.ts';
import type { TicketItem } from '#shared/tickets/ticket.entity.ts';

const ticket: TicketItem = {
  ticketId: '01JD3ZQ5R7V0M9X2K8W4T6Y1AB',
  number: 7,
  title: '40 laptops',
  description: 'For the new team',
  type: 'request',
  priority: 'high',
  status: 'pending_approval',
  requesterId: 'requester-1',
  approverId: 'approver-1',
  createdAt: '2026-12-01T09:00:00.000Z',
  updatedAt: '2026-12-01T09:05:00.000Z',
  version: 3,
};

describe('approval pages', () => {
  it('carries the version shown in a hidden field of the form', () => {
    expect(confirmationPage(ticket, undefined)).toContain('<input type="hidden" name="version" value="3">');
  });

  it('highlights each change, old → new, escaped; an empty value reads (none)', () => {
    const html = changesList([
      { field: 'title', from: 'USB mouse', to: '<script>alert(1)</script>' },
      { field: 'assigneeId', to: 'agent-1' },
    ]);
    expect(html).toContain(
      '<strong>Title</strong>: <del>USB mouse</del> → <ins>&lt;script&gt;alert(1)&lt;/script&gt;</ins>',
    );
    expect(html).toContain('<strong>Assignee</strong>: <del>(none)</del> → <ins>agent-1</ins>');
    expect(html).not.toContain('<script>');
    expect(changesList([])).toBe('');
    const page = confirmationPage(ticket, undefined, 'The ticket changed', [
      { field: 'priority', from: 'low', to: 'high' },
    ]);
    expect(page).toMatch(
      /role="alert">The ticket changed<\/p>\s*<div class="changes">.*<del>low<\/del> → <ins>high<\/ins>/s,
    );
  });

  it('says a superseded link decides nothing, with what changed, as a 409', () => {
    const page = linkProblemPage('changed', ticket, [
      { field: 'title', from: 'USB mouse', to: '40 laptops' },
    ]);
    expect(page).toContain('The request changed');
    expect(page).toContain('Nothing was decided');
    expect(page).toContain('<del>USB mouse</del> → <ins>40 laptops</ins>');
    expect(linkProblemStatus.changed).toBe(409);
  });
});
