import { describe, expect, it } from 'vitest';
import { approvalRecord } from '#shared/approvals/approval.entity.ts';
import {
  type NotificationIntent,
  type TicketSummary,
  UnreadableRecordError,
} from '#shared/notifications/intents.ts';
import { notificationRecord } from '#shared/notifications/notification.entity.ts';
import { channelsFor, deliveryKey, notificationsFor, recipientIdFor } from '#shared/notifications/plan.ts';
import { userRecord } from '#shared/users/user.entity.ts';
import {
  commentItem,
  idempotencyRecordItem,
  ids,
  streamRecord,
  ticketEventItem,
  ticketItem,
} from './notify-fixtures.ts';

const summary: TicketSummary = {
  ticketId: ids.ticket,
  number: 42,
  title: 'Cat6 cable for room 204',
  description: 'We need a 5 m Cat6 cable for the new printer in room 204.',
  priority: 'high',
  status: 'pending_approval',
  requesterId: ids.requester,
  approverId: ids.approver,
};

describe('notificationsFor: approval requests', () => {
  it('asks the approver of a new pending_approval ticket, by email and SMS', () => {
    const intents = notificationsFor(streamRecord('INSERT', { newItem: ticketItem() }));
    expect(intents).toEqual([
      {
        type: 'approval_requested',
        ticketId: ids.ticket,
        ticket: summary,
        recipient: { userId: ids.approver },
        actorId: undefined,
        sms: true,
      },
    ]);
  });

  it('reads the ticket fields from the marshalled image, ignoring keys and the entity name', () => {
    const [intent] = notificationsFor(
      streamRecord('INSERT', { newItem: ticketItem({ tags: ['cable', 'printer'] }) }),
    );
    expect(intent?.ticket).toEqual(summary);
    expect(intent?.ticket).not.toHaveProperty('pk');
    expect(intent?.ticket).not.toHaveProperty('entityType');
  });

  it('plans nothing for a new open ticket or a pending one without approver', () => {
    expect(
      notificationsFor(
        streamRecord('INSERT', { newItem: ticketItem({ status: 'open', approverId: undefined }) }),
      ),
    ).toEqual([]);
    expect(
      notificationsFor(streamRecord('INSERT', { newItem: ticketItem({ approverId: undefined }) })),
    ).toEqual([]);
  });

  it('asks the approver when a ticket moves into pending_approval', () => {
    const record = streamRecord('MODIFY', {
      oldItem: ticketItem({ status: 'open', approverId: undefined }),
      newItem: ticketItem({ status: 'pending_approval', version: 2 }),
    });
    expect(notificationsFor(record).map((i) => [i.type, i.recipient])).toEqual([
      ['approval_requested', { userId: ids.approver }],
    ]);
  });

  it('asks the new approver when the approver changes while pending', () => {
    const record = streamRecord('MODIFY', {
      oldItem: ticketItem(),
      newItem: ticketItem({ approverId: ids.otherAgent, version: 2 }),
    });
    expect(notificationsFor(record).map((i) => [i.type, i.recipient])).toEqual([
      ['approval_requested', { userId: ids.otherAgent }],
    ]);
  });

  it('does not ask again when a pending ticket is edited (title, priority, version)', () => {
    const record = streamRecord('MODIFY', {
      oldItem: ticketItem(),
      newItem: ticketItem({ title: 'Cat6 cable, 10 m', priority: 'urgent', version: 2 }),
    });
    expect(notificationsFor(record)).toEqual([]);
  });
});

describe('notificationsFor: approval decisions', () => {
  it('tells the requester about an approval, by email and SMS', () => {
    const record = streamRecord('MODIFY', {
      oldItem: ticketItem(),
      newItem: ticketItem({
        status: 'approved',
        decidedBy: ids.approver,
        decidedAt: '2026-11-27T13:00:00.000Z',
        version: 2,
      }),
    });
    const intents = notificationsFor(record);
    expect(intents).toHaveLength(1);
    expect(intents[0]).toMatchObject({
      type: 'approval_decided',
      recipient: { userId: ids.requester },
      actorId: ids.approver,
      decision: 'approved',
      reason: undefined,
      sms: true,
    });
  });

  it('includes the reason of a rejection', () => {
    const record = streamRecord('MODIFY', {
      oldItem: ticketItem(),
      newItem: ticketItem({
        status: 'rejected',
        decidedBy: ids.approver,
        decisionReason: '  Use the spare cable in the storeroom.  ',
        version: 2,
      }),
    });
    expect(notificationsFor(record)[0]).toMatchObject({
      type: 'approval_decided',
      decision: 'rejected',
      reason: 'Use the spare cable in the storeroom.',
    });
  });

  it('treats a blank reason as none', () => {
    const record = streamRecord('MODIFY', {
      oldItem: ticketItem(),
      newItem: ticketItem({ status: 'rejected', decidedBy: ids.approver, decisionReason: '   ', version: 2 }),
    });
    expect(notificationsFor(record)[0]).toMatchObject({ reason: undefined });
  });

  it('does not tell requesters about their own decision', () => {
    const record = streamRecord('MODIFY', {
      oldItem: ticketItem(),
      newItem: ticketItem({ status: 'approved', decidedBy: ids.requester, version: 2 }),
    });
    expect(notificationsFor(record)).toEqual([]);
  });

  it('plans nothing for later status changes on the ticket item (audit events carry those)', () => {
    const record = streamRecord('MODIFY', {
      oldItem: ticketItem({ status: 'approved' }),
      newItem: ticketItem({ status: 'in_progress', version: 3 }),
    });
    expect(notificationsFor(record)).toEqual([]);
  });

  it('plans nothing for a requester canceling a pending ticket', () => {
    const record = streamRecord('MODIFY', {
      oldItem: ticketItem(),
      newItem: ticketItem({ status: 'canceled', version: 2 }),
    });
    expect(notificationsFor(record)).toEqual([]);
  });
});

describe('notificationsFor: status changes, assignments, responses', () => {
  it('tells the requester about a status change by an agent (email only)', () => {
    const record = streamRecord('INSERT', {
      newItem: ticketEventItem({ actorId: ids.agent, field: 'status', from: 'open', to: 'in_progress' }),
    });
    expect(notificationsFor(record)).toEqual([
      {
        type: 'status_changed',
        ticketId: ids.ticket,
        ticket: undefined,
        recipient: 'requester',
        actorId: ids.agent,
        sms: false,
        from: 'open',
        to: 'in_progress',
      },
    ]);
  });

  it('leaves decisions and the creation event to the ticket rules', () => {
    for (const to of ['approved', 'rejected']) {
      const decided = ticketEventItem({
        actorId: ids.approver,
        field: 'status',
        from: 'pending_approval',
        to,
      });
      expect(notificationsFor(streamRecord('INSERT', { newItem: decided }))).toEqual([]);
    }
    const created = ticketEventItem({ actorId: ids.requester, field: 'created', to: 'pending_approval' });
    expect(notificationsFor(streamRecord('INSERT', { newItem: created }))).toEqual([]);
  });

  it('ignores audit events of other fields', () => {
    const record = streamRecord('INSERT', {
      newItem: ticketEventItem({ actorId: ids.agent, field: 'priority', from: 'low', to: 'high' }),
    });
    expect(notificationsFor(record)).toEqual([]);
  });

  it('tells a new assignee, but not one who assigned themself, and nobody on unassignment', () => {
    const assigned = ticketEventItem({ actorId: ids.agent, field: 'assigneeId', to: ids.otherAgent });
    expect(notificationsFor(streamRecord('INSERT', { newItem: assigned }))).toMatchObject([
      { type: 'assigned', recipient: { userId: ids.otherAgent }, actorId: ids.agent, sms: false },
    ]);
    const self = ticketEventItem({
      actorId: ids.agent,
      field: 'assigneeId',
      from: ids.otherAgent,
      to: ids.agent,
    });
    expect(notificationsFor(streamRecord('INSERT', { newItem: self }))).toEqual([]);
    const unassigned = ticketEventItem({ actorId: ids.agent, field: 'assigneeId', from: ids.otherAgent });
    expect(notificationsFor(streamRecord('INSERT', { newItem: unassigned }))).toEqual([]);
  });

  it("tells the requester about an agent's response", () => {
    const record = streamRecord('INSERT', {
      newItem: commentItem({ kind: 'response', authorId: ids.agent }),
    });
    expect(notificationsFor(record)).toEqual([
      {
        type: 'agent_response',
        ticketId: ids.ticket,
        ticket: undefined,
        recipient: 'requester',
        actorId: ids.agent,
        sms: false,
        commentId: '01JD3ZS0000000000000000001',
        body: 'The cable is on its way; it should arrive tomorrow.',
      },
    ]);
  });

  it("tells the ticket's assignee about the requester's reply (the assignee is read with the ticket)", () => {
    const record = streamRecord('INSERT', {
      newItem: commentItem({ kind: 'request', authorId: ids.requester, body: 'It is still broken.' }),
    });
    expect(notificationsFor(record)).toEqual([
      {
        type: 'requester_reply',
        ticketId: ids.ticket,
        ticket: undefined,
        recipient: 'assignee',
        actorId: ids.requester,
        sms: false,
        commentId: '01JD3ZS0000000000000000001',
        body: 'It is still broken.',
      },
    ]);
  });

  it('never notifies anyone about internal notes, nor about edited or deleted comments', () => {
    const note = commentItem({
      kind: 'note',
      authorId: ids.agent,
      body: 'Requester is difficult, be careful.',
    });
    expect(notificationsFor(streamRecord('INSERT', { newItem: note }))).toEqual([]);
    const request = commentItem({ kind: 'request', authorId: ids.requester });
    const editedRequest = commentItem({ kind: 'request', authorId: ids.requester, body: 'Edited.' });
    expect(notificationsFor(streamRecord('MODIFY', { oldItem: request, newItem: editedRequest }))).toEqual(
      [],
    );
    expect(notificationsFor(streamRecord('REMOVE', { oldItem: request }))).toEqual([]);
    expect(notificationsFor(streamRecord('REMOVE', { oldItem: note }))).toEqual([]);
    const response = commentItem({ kind: 'response', authorId: ids.agent });
    const edited = commentItem({ kind: 'response', authorId: ids.agent, body: 'Edited.' });
    expect(notificationsFor(streamRecord('MODIFY', { oldItem: response, newItem: edited }))).toEqual([]);
  });
});

describe('notificationsFor: what it ignores', () => {
  it('ignores REMOVE records (deletes and TTL expiry)', () => {
    expect(notificationsFor(streamRecord('REMOVE', { oldItem: ticketItem() }))).toEqual([]);
  });

  it('ignores Powertools idempotency records in the same table', () => {
    expect(
      notificationsFor(streamRecord('INSERT', { newItem: idempotencyRecordItem('INPROGRESS') })),
    ).toEqual([]);
    expect(
      notificationsFor(
        streamRecord('MODIFY', {
          oldItem: idempotencyRecordItem('INPROGRESS'),
          newItem: idempotencyRecordItem('COMPLETED'),
        }),
      ),
    ).toEqual([]);
  });

  it('ignores its own writes and other entities (approvals, notification log, users, counters)', () => {
    const others = [
      approvalRecord({
        tokenHash: 'ab',
        ticketId: ids.ticket,
        approverId: ids.approver,
        createdAt: '2026-11-27T10:00:00.000Z',
        expiresAt: 1_764_300_000,
      }),
      notificationRecord({
        ticketId: ids.ticket,
        notificationId: '01JD3ZT0000000000000000001',
        recipientId: ids.approver,
        channel: 'email',
        type: 'approval_requested',
        status: 'sent',
        at: '2026-11-27T10:00:00.000Z',
      }),
      userRecord({
        userId: 'u',
        email: 'a@example.com',
        name: 'A',
        role: 'agent',
        smsOptIn: false,
        createdAt: '2026-11-27T10:00:00.000Z',
      }),
      { pk: 'COUNTER#ticketNumber', sk: 'COUNTER', entityType: 'counter', value: 43 },
    ];
    for (const item of others)
      expect(notificationsFor(streamRecord('INSERT', { newItem: item }))).toEqual([]);
  });

  it('throws UnreadableRecordError for a ticket without the fields it needs', () => {
    const { title: _title, ...broken } = ticketItem();
    expect(() => notificationsFor(streamRecord('INSERT', { newItem: broken }))).toThrow(
      UnreadableRecordError,
    );
    expect(() => notificationsFor(streamRecord('INSERT', { newItem: broken }))).toThrow(/title/);
  });

  it('throws UnreadableRecordError for a ticket MODIFY without an old image', () => {
    expect(() => notificationsFor(streamRecord('MODIFY', { newItem: ticketItem() }))).toThrow(
      UnreadableRecordError,
    );
  });
});

describe('recipientIdFor', () => {
  const intent = (overrides: Partial<NotificationIntent>): NotificationIntent =>
    ({
      type: 'status_changed',
      ticketId: ids.ticket,
      ticket: undefined,
      recipient: 'requester',
      actorId: ids.agent,
      sms: false,
      from: 'open',
      to: 'resolved',
      ...overrides,
    }) as NotificationIntent;

  it("resolves `requester` to the ticket's requester", () => {
    expect(recipientIdFor(intent({}), summary)).toBe(ids.requester);
  });

  it("resolves `assignee` to the ticket's assignee, and to nobody on an unassigned ticket", () => {
    const reply = intent({
      type: 'requester_reply',
      recipient: 'assignee',
      actorId: ids.requester,
    } as Partial<NotificationIntent>);
    expect(recipientIdFor(reply, { ...summary, assigneeId: ids.otherAgent })).toBe(ids.otherAgent);
    expect(recipientIdFor(reply, { ...summary, assigneeId: undefined })).toBeUndefined();
    // An assignee who is also the requester is not told about their own reply.
    expect(recipientIdFor(reply, { ...summary, assigneeId: ids.requester })).toBeUndefined();
  });

  it('drops a notification to the person who acted', () => {
    expect(recipientIdFor(intent({ actorId: ids.requester }), summary)).toBeUndefined();
    expect(recipientIdFor(intent({ recipient: { userId: ids.agent } }), summary)).toBeUndefined();
  });
});

describe('channelsFor', () => {
  const [approval] = notificationsFor(streamRecord('INSERT', { newItem: ticketItem() }));
  const [statusChange] = notificationsFor(
    streamRecord('INSERT', {
      newItem: ticketEventItem({ actorId: ids.agent, field: 'status', from: 'open', to: 'pending' }),
    }),
  );

  it('adds SMS only with a phone number AND opt-in, for messages that allow it', () => {
    if (!approval || !statusChange) throw new Error('fixtures');
    expect(channelsFor(approval, { email: 'a@example.com', phone: '+15555550100', smsOptIn: true })).toEqual([
      'email',
      'sms',
    ]);
    expect(channelsFor(approval, { email: 'a@example.com', phone: '+15555550100', smsOptIn: false })).toEqual(
      ['email'],
    );
    expect(channelsFor(approval, { email: 'a@example.com', smsOptIn: true })).toEqual(['email']);
    expect(
      channelsFor(statusChange, { email: 'a@example.com', phone: '+15555550100', smsOptIn: true }),
    ).toEqual(['email']);
  });

  it('keeps the email channel for a recipient without profile (to be logged as skipped)', () => {
    if (!approval) throw new Error('fixtures');
    expect(channelsFor(approval, undefined)).toEqual(['email']);
  });
});

describe('deliveryKey', () => {
  it('is stream record × channel × recipient × type', () => {
    expect(deliveryKey('ev1', 'sms', ids.approver, 'approval_requested')).toBe(
      `ev1#sms#${ids.approver}#approval_requested`,
    );
  });
});
