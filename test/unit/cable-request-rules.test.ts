/**
 * Cable requests, the pure parts: the request details schema (the document's rules, enforced), the stored form
 * (millimetres), the policy (details only on type request, changed only while pending, frozen once decided; who
 * in an approver group decides), the approval fan-out of the stream rule, and the approval messages' details.
 */
import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { confirmationPage, linkProblemPage } from '#shared/approvals/pages.ts';
import { approvalStreamRules } from '#shared/approvals/stream-rules.ts';
import { parseApproverGroup } from '#shared/inventory/config.ts';
import { registerInvocation } from '#shared/notifications/idempotency.ts';
import type { TicketSummary } from '#shared/notifications/intents.ts';
import { plannedIntentsOf } from '#shared/notifications/planner.ts';
import type { QuotaCounter } from '#shared/notifications/quotas.ts';
import { createSender } from '#shared/notifications/sender.ts';
import { renderEmail, renderSms, smsMaxLength } from '#shared/notifications/templates.ts';
import type { Actor } from '#shared/roles/actor.ts';
import { builtInRoles, type Permissions } from '#shared/roles/roles.ts';
import {
  allowedTransitions,
  approvedContentFields,
  canSeeTicket,
  contentFrozenReason,
  fieldChangeRefusal,
  groupApproverIds,
  inApproverGroup,
  isGroupApprover,
  maxGroupApprovers,
  partiesFor,
  requestDetailsChangeRefusal,
  requestDetailsTypeRefusal,
} from '#shared/tickets/policy.ts';
import { CreateTicketBody, RequestDetails, UpdateTicketBody } from '#shared/tickets/schemas.ts';
import { requestDetailsRecord, sameRequestDetails, type TicketItem } from '#shared/tickets/ticket.entity.ts';
import { memoryDependencies, streamRecord, ticketItem } from './notify-fixtures.ts';

const details = { cableType: 'Cat6', length: { value: 100, unit: 'ft' } } as const;

/** The pointers of a failed parse's issues (`length/unit` style), or `[]` when it parsed. */
function issuesOf(input: unknown): string[] {
  const result = RequestDetails.safeParse(input);
  return result.success ? [] : result.error.issues.map((issue) => issue.path.join('/'));
}

describe('RequestDetails (schema)', () => {
  it('takes a cable type and a length in ft or m, quantity 1 by default', () => {
    expect(RequestDetails.parse(details)).toEqual({ ...details, quantity: 1 });
    expect(
      RequestDetails.parse({
        cableType: 'fiber-OS2',
        length: { value: 2.5, unit: 'm' },
        quantity: 12,
        gauge: ' 23AWG ',
        location: 'Room 12',
        notes: 'Blue jacket',
      }),
    ).toEqual({
      cableType: 'fiber-OS2',
      length: { value: 2.5, unit: 'm' },
      quantity: 12,
      gauge: '23AWG',
      location: 'Room 12',
      notes: 'Blue jacket',
    });
  });

  it('refuses a unit other than ft or m, naming length/unit', () => {
    expect(issuesOf({ ...details, length: { value: 10, unit: 'yd' } })).toEqual(['length/unit']);
    const result = RequestDetails.safeParse({ ...details, length: { value: 10, unit: 'yd' } });
    expect(result.error?.issues[0]?.message).toBe('Invalid option: expected one of ft|m');
  });

  it('refuses a length that is not positive or beyond 100 km in its unit', () => {
    expect(issuesOf({ ...details, length: { value: -5, unit: 'ft' } })).toEqual(['length/value']);
    expect(issuesOf({ ...details, length: { value: 0, unit: 'm' } })).toEqual(['length/value']);
    expect(issuesOf({ ...details, length: { value: 100_000.01, unit: 'm' } })).toEqual(['length/value']);
    expect(issuesOf({ ...details, length: { value: 328_083.99, unit: 'ft' } })).toEqual(['length/value']);
    expect(issuesOf({ ...details, length: { value: 328_083.98, unit: 'ft' } })).toEqual([]);
    expect(issuesOf({ ...details, length: { value: '100', unit: 'ft' } })).toEqual(['length/value']);
  });

  it('refuses an unknown cable type, a quantity out of 1..1000 or not whole, blank and long texts, unknown fields', () => {
    expect(issuesOf({ ...details, cableType: 'Cat7' })).toEqual(['cableType']);
    expect(issuesOf({ ...details, quantity: 0 })).toEqual(['quantity']);
    expect(issuesOf({ ...details, quantity: 1001 })).toEqual(['quantity']);
    expect(issuesOf({ ...details, quantity: 1.5 })).toEqual(['quantity']);
    expect(issuesOf({ ...details, gauge: '   ' })).toEqual(['gauge']);
    expect(issuesOf({ ...details, gauge: 'x'.repeat(21) })).toEqual(['gauge']);
    expect(issuesOf({ ...details, location: 'x'.repeat(201) })).toEqual(['location']);
    expect(issuesOf({ ...details, lengthMm: 30_480 })).toEqual(['']);
    expect(issuesOf({ length: details.length })).toEqual(['cableType']);
  });

  it('is optional on create and nullable on PATCH', () => {
    const base = { title: 'Cable', description: 'For room 12', type: 'request' };
    expect(CreateTicketBody.parse({ ...base, requestDetails: details }).requestDetails).toEqual({
      ...details,
      quantity: 1,
    });
    expect(CreateTicketBody.parse(base).requestDetails).toBeUndefined();
    expect(UpdateTicketBody.parse({ requestDetails: null })).toMatchObject({ requestDetails: null });
  });
});

describe('stored request details', () => {
  it('keeps the length as given and in whole millimetres (1 ft = 304.8 mm)', () => {
    expect(requestDetailsRecord(RequestDetails.parse(details))).toEqual({
      cableType: 'Cat6',
      length: { value: 100, unit: 'ft' },
      lengthMm: 30_480,
      quantity: 1,
    });
    expect(
      requestDetailsRecord(RequestDetails.parse({ cableType: 'coax', length: { value: 0.01, unit: 'ft' } }))
        .lengthMm,
    ).toBe(3);
    expect(
      requestDetailsRecord(RequestDetails.parse({ cableType: 'coax', length: { value: 100_000, unit: 'm' } }))
        .lengthMm,
    ).toBe(100_000_000);
  });

  it('compares field by field, whatever the key order', () => {
    const stored = requestDetailsRecord(RequestDetails.parse({ ...details, gauge: '23AWG' }));
    const reordered = { gauge: '23AWG', quantity: 1, lengthMm: 30_480, length: { unit: 'ft', value: 100 } };
    expect(sameRequestDetails(stored, { ...reordered, cableType: 'Cat6' } as typeof stored)).toBe(true);
    expect(sameRequestDetails(stored, { ...stored, quantity: 2 })).toBe(false);
    expect(sameRequestDetails(undefined, null)).toBe(true);
    expect(sameRequestDetails(stored, undefined)).toBe(false);
  });
});

const inventory: Permissions = { ...builtInRoles.agent, canCreateTickets: true };
const member = (userId: string, role = 'inventory'): Actor => ({ userId, role, permissions: inventory });
const requester: Actor = { userId: 'req-1', role: 'requester', permissions: builtInRoles.requester };
const group = parseApproverGroup('role:inventory');

const pending = {
  status: 'pending_approval' as const,
  requesterId: requester.userId,
  approverIds: ['inv-1', 'inv-2'],
};

describe('approver groups (policy)', () => {
  afterEach(() => {
    delete process.env.CABLE_APPROVER_GROUP;
  });

  it('lists the members less the requester, at most 20', () => {
    expect(groupApproverIds(['inv-1', 'req-1', 'inv-2'], 'req-1')).toEqual(['inv-1', 'inv-2']);
    const many = Array.from({ length: 30 }, (_, n) => `inv-${n}`);
    expect(groupApproverIds(many, 'req-1')).toHaveLength(maxGroupApprovers);
    expect(maxGroupApprovers).toBe(20);
  });

  it('is a role or a list of ids', () => {
    expect(inApproverGroup(member('inv-1'), group)).toBe(true);
    expect(inApproverGroup(member('inv-1', 'agent'), group)).toBe(false);
    expect(inApproverGroup(member('u-2', 'agent'), parseApproverGroup('u-1, u-2'))).toBe(true);
    expect(inApproverGroup(member('u-3'), parseApproverGroup('u-1,u-2'))).toBe(false);
  });

  it('lets a listed member who is enabled and still in the group decide, never the requester', () => {
    expect(isGroupApprover(member('inv-1'), pending, group)).toBe(true);
    // Moved to another role since the request went out.
    expect(isGroupApprover(member('inv-1', 'agent'), pending, group)).toBe(false);
    expect(isGroupApprover({ ...member('inv-1'), disabled: true }, pending, group)).toBe(false);
    // In the role but not listed (joined after the request went out).
    expect(isGroupApprover(member('inv-3'), pending, group)).toBe(false);
    // Listed by mistake as the requester: still not.
    expect(isGroupApprover(member('req-1'), { ...pending, approverIds: ['req-1'] }, group)).toBe(false);
  });

  it('makes a listed member the approver party, judged against the configured group now', () => {
    process.env.CABLE_APPROVER_GROUP = 'role:inventory';
    expect(partiesFor(member('inv-1'), pending).has('approver')).toBe(true);
    expect(allowedTransitions(member('inv-2'), pending).sort()).toEqual(['approved', 'rejected']);
    expect(partiesFor(member('inv-3'), pending).has('approver')).toBe(false);
    process.env.CABLE_APPROVER_GROUP = 'role:stores';
    expect(partiesFor(member('inv-1'), pending).has('approver')).toBe(false);
  });

  it('shows the ticket to listed members', () => {
    const lister: Actor = { userId: 'inv-1', role: 'lister', permissions: builtInRoles.requester };
    expect(canSeeTicket(lister, pending)).toBe(true);
    expect(canSeeTicket({ ...lister, userId: 'inv-9' }, pending)).toBe(false);
  });
});

describe('request details (policy)', () => {
  it('belong to tickets of type request only', () => {
    expect(requestDetailsTypeRefusal('request', true)).toBeUndefined();
    expect(requestDetailsTypeRefusal('incident', false)).toBeUndefined();
    expect(requestDetailsTypeRefusal('incident', true)).toMatch(/type request/);
  });

  it('change only while the request waits for approval', () => {
    expect(requestDetailsChangeRefusal(pending)).toBeUndefined();
    expect(requestDetailsChangeRefusal({ ...pending, status: 'open' })).toMatch(/open/);
  });

  it('are approved content: frozen once decided, the requester may change them before', () => {
    expect(approvedContentFields.has('requestDetails')).toBe(true);
    expect(fieldChangeRefusal(requester, pending, 'requestDetails')).toBeUndefined();
    const decided = { ...pending, status: 'approved' as const, decidedAt: '2026-12-01T10:00:00.000Z' };
    expect(contentFrozenReason(requester, decided)).toMatch(/request details/);
    expect(contentFrozenReason(member('inv-1'), decided)).toMatch(/frozen for everyone/);
  });
});

const summary = {
  ticketId: '01JD3ZQ5R7V0M9X2K8W4T6Y1AB',
  number: 7,
  title: 'Cable for room 12',
  description: 'New desks',
  priority: 'medium',
  status: 'pending_approval',
  requesterId: 'req-1',
  approverIds: ['inv-1', 'inv-2'],
  approverGroup: 'role:inventory',
  requestDetails: {
    cableType: 'Cat6',
    length: { value: 100, unit: 'ft' },
    lengthMm: 30_480,
    quantity: 2,
    gauge: '23AWG',
    location: 'Building A, room 12',
  },
} as const;

const [ticketRule] = approvalStreamRules;

describe('approval fan-out (stream rule)', () => {
  it('asks every listed member of a new group-approved ticket, each by email and SMS', () => {
    const intents = ticketRule?.plan({
      eventName: 'INSERT',
      eventId: 'e1',
      newImage: { ...summary, entityType: 'ticket' },
      oldImage: undefined,
    });
    expect(intents?.map((intent) => [intent.type, intent.recipient, intent.sms])).toEqual([
      ['approval_requested', { userId: 'inv-1' }, true],
      ['approval_requested', { userId: 'inv-2' }, true],
    ]);
  });

  it('asks them again when the details change while pending, and tells the requester of the decision', () => {
    const before = { ...summary, entityType: 'ticket', requestChangedAt: undefined };
    const edited = { ...before, requestChangedAt: '2026-12-01T10:00:00.000Z' };
    expect(
      ticketRule?.plan({ eventName: 'MODIFY', eventId: 'e2', newImage: edited, oldImage: before }),
    ).toHaveLength(2);
    const approved = { ...before, status: 'approved', decidedBy: 'inv-2' };
    expect(
      ticketRule
        ?.plan({ eventName: 'MODIFY', eventId: 'e3', newImage: approved, oldImage: before })
        .map((intent) => [intent.type, intent.recipient]),
    ).toEqual([['approval_decided', { userId: 'req-1' }]]);
  });
});

describe('approval messages', () => {
  const facts = {
    type: 'approval_requested',
    // The summary as the stream image holds it (mutable arrays).
    ticket: structuredClone(summary) as unknown as TicketSummary,
    requesterName: 'Tina Technician',
    link: `https://api.example.com/approvals/${'a'.repeat(43)}`,
    linkExpiresAt: '2026-12-04T10:00:00.000Z',
  } as const;

  it('list the cable type, the length in both units, quantity, gauge and location in the mail', () => {
    const mail = renderEmail(facts);
    for (const text of [mail.text, mail.html]) {
      expect(text).toContain('Cat6');
      expect(text).toContain('100 ft (30.48 m)');
      expect(text).toMatch(/Quantity:(<\/strong>)? 2/);
      expect(text).toContain('23AWG');
      expect(text).toContain('Building A, room 12');
    }
  });

  it('fit them in the SMS before the whole link', () => {
    const sms = renderSms(facts);
    expect(sms.length).toBeLessThanOrEqual(smsMaxLength);
    expect(sms).toContain('Cat6 100 ft (30.48 m) x2, 23AWG');
    expect(sms.endsWith(facts.link)).toBe(true);
  });
});

describe('the approval-request quota with a group', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('counts the fan-out of one request once against the requester, however many members it asks', async () => {
    registerInvocation({ getRemainingTimeInMillis: () => 60_000 } as Context);
    vi.stubEnv('QUOTA_APPROVAL_REQUESTS_PER_REQUESTER_PER_HOUR', '1');
    const members = ['inv-1', 'inv-2', 'inv-3'];
    const ticket = {
      ...summary,
      ticketId: '01JD3ZQ5R7V0M9X2K8W4T6Y1AB',
      approverIds: members,
      priority: 'medium',
      status: 'pending_approval',
    } as TicketSummary;
    const memory = memoryDependencies({
      users: members.map((userId) => ({ userId, email: `${userId}@example.com`, smsOptIn: false })),
      tickets: [ticket],
    });
    const counted = new Map<string, Set<string>>();
    const countQuota: QuotaCounter = async (use) => {
      const keys = counted.get(use.subjectId) ?? new Set<string>();
      counted.set(use.subjectId, keys);
      if (keys.has(use.countKey)) return true;
      if (keys.size >= use.limit) return false;
      keys.add(use.countKey);
      return true;
    };
    const send = createSender({ ...memory.deps, countQuota });
    const record = (eventID: string) =>
      plannedIntentsOf(
        streamRecord('INSERT', {
          newItem: ticketItem({
            approverId: undefined,
            approverIds: members,
            approverGroup: 'role:inventory',
            requesterId: 'req-1',
          }),
          eventID,
        }),
      );
    const receive = { receiveCount: 1, finalAttempt: false };
    const first = record('group-1');
    expect(first).toHaveLength(3);
    for (const planned of first) await send(planned, receive);
    expect(memory.emails).toHaveLength(3);
    expect(counted.get('req-1')?.size).toBe(1);
    // The next request of the same requester in that hour is over the quota of 1, for every member.
    for (const planned of record('group-2')) await send(planned, receive);
    expect(memory.emails).toHaveLength(3);
  });
});

describe('approval pages', () => {
  const ticket: TicketItem = {
    ticketId: '01JD3ZQ5R7V0M9X2K8W4T6Y1AB',
    number: 7,
    title: 'Cable for room 12',
    description: 'New desks',
    type: 'request',
    priority: 'medium',
    status: 'pending_approval',
    requesterId: 'req-1',
    approverIds: ['inv-1', 'inv-2'],
    approverGroup: 'role:inventory',
    requestDetails: requestDetailsRecord(
      RequestDetails.parse({ ...details, quantity: 2, location: 'Room <12>', notes: 'Blue' }),
    ),
    createdAt: '2026-12-01T10:00:00.000Z',
    updatedAt: '2026-12-01T10:00:00.000Z',
    version: 1,
  };

  it('show the cable details on the confirmation page, escaped', () => {
    const page = confirmationPage(ticket, undefined);
    expect(page).toContain('<dt>Cable type</dt><dd>Cat6</dd>');
    expect(page).toContain('<dt>Length</dt><dd>100 ft (30.48 m)</dd>');
    expect(page).toContain('<dt>Quantity</dt><dd>2</dd>');
    expect(page).toContain('Room &lt;12&gt;');
  });

  it('say who decided on every other link', () => {
    const decided = {
      ...ticket,
      status: 'approved' as const,
      decidedBy: 'inv-1',
      decidedAt: ticket.createdAt,
    };
    expect(linkProblemPage('decided', decided, [], { name: 'Ivy <Stores>' })).toContain(
      'Already decided by <strong>Ivy &lt;Stores&gt;</strong>: approved.',
    );
  });
});
