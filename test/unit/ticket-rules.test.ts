import { describe, expect, it } from 'vitest';
import { canSeeInternalNotes, commentKindFor } from '#shared/comments/policy.ts';
import type { Actor } from '#shared/roles/actor.ts';
import { builtInRoles, type RoleName } from '#shared/roles/roles.ts';
import { initialStatus, type TicketFacts } from '#shared/tickets/lifecycle.ts';
import {
  allowedTransitions,
  approvedContentFields,
  assignmentFrozenReason,
  canSeeTicket,
  checkTransition,
  contentFrozenReason,
  deleteRefusal,
  nothingHappened,
} from '#shared/tickets/policy.ts';

const as = (role: RoleName, userId = `${role}-1`): Actor => ({
  userId,
  role,
  permissions: builtInRoles[role],
});
const requester = as('requester', 'req-1');
const otherRequester = as('requester', 'req-2');
const agent = as('agent', 'agent-1');
const approverAgent = as('agent', 'agent-approver');
const admin = as('admin');

const ticket = (facts: Partial<TicketFacts> = {}): TicketFacts => ({
  status: 'open',
  requesterId: requester.userId,
  agentResponded: false,
  ...facts,
});

describe('ticket lifecycle', () => {
  it('starts in pending_approval when an approver is named, else open', () => {
    expect(initialStatus('agent-approver')).toBe('pending_approval');
    expect(initialStatus(undefined)).toBe('open');
  });

  it('lets an agent move open → in_progress but not a requester', () => {
    expect(checkTransition(agent, ticket(), 'in_progress')).toEqual({ ok: true });
    const denied = checkTransition(requester, ticket(), 'in_progress');
    expect(denied.ok).toBe(false);
    if (!denied.ok) expect(denied.allowed).toEqual(['canceled']);
  });

  it('lets only the requester cancel', () => {
    expect(checkTransition(requester, ticket(), 'canceled').ok).toBe(true);
    expect(checkTransition(agent, ticket(), 'canceled').ok).toBe(false);
    expect(checkTransition(admin, ticket(), 'canceled').ok).toBe(false);
  });

  it('refuses to resolve before an agent responded, then allows it', () => {
    const before = checkTransition(agent, ticket({ status: 'in_progress' }), 'resolved');
    expect(before).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/before an agent has responded/),
    });
    if (!before.ok) expect(before.allowed).not.toContain('resolved');
    expect(
      checkTransition(agent, ticket({ status: 'in_progress', agentResponded: true }), 'resolved').ok,
    ).toBe(true);
  });

  it('names the impossible transitions and lists the allowed ones', () => {
    const result = checkTransition(agent, ticket({ status: 'closed' }), 'open');
    expect(result).toEqual({ ok: false, reason: 'A ticket cannot go from closed to open.', allowed: [] });
  });

  it('lets only the approver (or an admin) decide a pending approval', () => {
    const pending = ticket({ status: 'pending_approval', approverId: approverAgent.userId });
    expect(allowedTransitions(approverAgent, pending).sort()).toEqual(['approved', 'rejected']);
    expect(allowedTransitions(admin, pending).sort()).toEqual(['approved', 'rejected']);
    expect(checkTransition(agent, pending, 'approved')).toMatchObject({ ok: false, allowed: [] });
    expect(allowedTransitions(requester, pending)).toEqual(['canceled']);
  });

  it('freezes the content after a decision for the requester, and for everyone once closed or canceled', () => {
    for (const status of ['open', 'pending', 'pending_approval'] as const) {
      expect(contentFrozenReason(requester, ticket({ status }))).toBeUndefined();
    }
    for (const status of ['approved', 'rejected', 'in_progress', 'resolved', 'fulfilled'] as const) {
      expect(contentFrozenReason(requester, ticket({ status }))).toMatch(/frozen/);
      expect(contentFrozenReason(agent, ticket({ status }))).toBeUndefined();
    }
    for (const status of ['closed', 'canceled'] as const) {
      expect(contentFrozenReason(agent, ticket({ status }))).toMatch(/reopening/);
      expect(contentFrozenReason(admin, ticket({ status }))).toMatch(/reopening/);
      expect(assignmentFrozenReason(ticket({ status }))).toMatch(/reopening/);
    }
  });

  it('freezes the approved content for everyone once an approver decided, but not the assignment', () => {
    const decidedAt = '2026-12-01T09:00:00.000Z';
    for (const status of ['approved', 'rejected', 'in_progress', 'fulfilled'] as const) {
      for (const actor of [requester, agent, admin]) {
        expect(contentFrozenReason(actor, ticket({ status, decidedAt }))).toMatch(/approved content/);
      }
      expect(assignmentFrozenReason(ticket({ status, decidedAt }))).toBeUndefined();
    }
    // Without a decision (a ticket that never needed one), agents still edit a ticket in progress.
    expect(contentFrozenReason(agent, ticket({ status: 'in_progress' }))).toBeUndefined();
    expect([...approvedContentFields].sort()).toEqual(
      ['approverId', 'category', 'description', 'priority', 'requestDetails', 'tags', 'title', 'type'].sort(),
    );
  });

  it('lets nobody approve a ticket they requested, an admin neither (separation of duties)', () => {
    const own = ticket({
      status: 'pending_approval',
      requesterId: admin.userId,
      approverId: approverAgent.userId,
    });
    expect(allowedTransitions(admin, own)).toEqual(['canceled']);
    expect(checkTransition(admin, own, 'approved')).toMatchObject({ ok: false, allowed: ['canceled'] });
    const selfNamed = ticket({
      status: 'pending_approval',
      requesterId: approverAgent.userId,
      approverId: approverAgent.userId,
    });
    expect(allowedTransitions(approverAgent, selfNamed)).not.toContain('approved');
  });

  it('follows the approval path approved → in_progress → fulfilled → closed', () => {
    expect(checkTransition(agent, ticket({ status: 'approved' }), 'in_progress').ok).toBe(true);
    expect(checkTransition(agent, ticket({ status: 'in_progress' }), 'fulfilled').ok).toBe(true);
    expect(checkTransition(agent, ticket({ status: 'fulfilled' }), 'closed').ok).toBe(true);
    expect(checkTransition(agent, ticket({ status: 'rejected' }), 'in_progress').ok).toBe(false);
  });
});

describe('visibility', () => {
  it('shows requesters their own tickets only, agents and admins all', () => {
    expect(canSeeTicket(requester, ticket())).toBe(true);
    expect(canSeeTicket(otherRequester, ticket())).toBe(false);
    expect(canSeeTicket(agent, ticket())).toBe(true);
    expect(canSeeTicket(admin, ticket())).toBe(true);
  });

  it('shows the ticket to its approver even without canViewAll', () => {
    const approverRequester = as('requester', 'req-approver');
    expect(canSeeTicket(approverRequester, ticket({ approverId: 'req-approver' }))).toBe(true);
  });

  it('hides internal notes from requesters', () => {
    expect(canSeeInternalNotes(requester)).toBe(false);
    expect(canSeeInternalNotes(agent)).toBe(true);
  });
});

describe('comment kinds', () => {
  it('is request for requesters, response or note for agents', () => {
    expect(commentKindFor(requester, false)).toBe('request');
    expect(commentKindFor(requester, true)).toBeUndefined();
    expect(commentKindFor(agent, false)).toBe('response');
    expect(commentKindFor(agent, true)).toBe('note');
  });
});

describe('deleting a ticket', () => {
  const fresh = { ...ticket(), version: 1 };
  const touched = { ...ticket(), version: 2 };

  it('lets the requester delete their ticket while nothing has happened to it (version 1)', () => {
    expect(nothingHappened(fresh)).toBe(true);
    expect(deleteRefusal(requester, fresh)).toBeUndefined();
    expect(deleteRefusal(requester, { ...fresh, status: 'pending_approval' })).toBeUndefined();
  });

  it('refuses the requester once anything happened (a reply, an edit, a move, an assignment)', () => {
    expect(nothingHappened(touched)).toBe(false);
    expect(deleteRefusal(requester, touched)).toMatchObject({ kind: 'activity' });
    // A comment leaves the version alone but counts.
    const commented = { ...fresh, commentCount: 1 };
    expect(nothingHappened(commented)).toBe(false);
    expect(deleteRefusal(requester, commented)).toMatchObject({ kind: 'activity' });
  });

  it('lets canDeleteAll delete any ticket, whatever happened, and nobody else', () => {
    expect(deleteRefusal(admin, touched)).toBeUndefined();
    expect(deleteRefusal(agent, fresh)).toMatchObject({ kind: 'not-allowed' });
    expect(deleteRefusal(otherRequester, fresh)).toMatchObject({ kind: 'not-allowed' });
  });
});
