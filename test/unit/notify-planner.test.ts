/**
 * The planner (`shared/notifications/planner.ts`): one stream record → one delivery-queue message per intent; a
 * poison record is dead-lettered at once and holds nothing back; a queue failure rejects so the stream retries.
 */
import type { DynamoDBRecord } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DeliveryMessage } from '#shared/notifications/delivery-queue.ts';
import { notificationsFor } from '#shared/notifications/plan.ts';
import { createPlanner, type PlannerDependencies, plannedIntentsOf } from '#shared/notifications/planner.ts';
import { logger } from '#shared/platform/logger.ts';
import {
  commentItem,
  idempotencyRecordItem,
  ids,
  streamRecord,
  streamRecordTime,
  ticketEventItem,
  ticketItem,
} from './notify-fixtures.ts';

beforeAll(() => logger.setLogLevel('SILENT'));

const plannedAt = new Date(streamRecordTime * 1000).toISOString();
const clock = new Date('2026-11-27T12:00:00.000Z');

/** A planner over an in-memory queue and dead-letter queue. */
function setup(overrides: Partial<PlannerDependencies> = {}) {
  const enqueued: DeliveryMessage[][] = [];
  const deadLetters: Array<{ message: DeliveryMessage; reason: string }> = [];
  const plan = createPlanner({
    enqueue: async (messages) => {
      enqueued.push(structuredClone([...messages]));
    },
    deadLetter: async (message, reason) => {
      deadLetters.push({ message: structuredClone(message), reason });
    },
    now: () => clock,
    ...overrides,
  });
  return { plan, enqueued, deadLetters };
}

/** A ticket item without the title its rules need: they throw `UnreadableRecordError`. */
function poisonRecord(): DynamoDBRecord {
  const { title: _title, ...broken } = ticketItem();
  return streamRecord('INSERT', { newItem: broken, eventID: 'event-poison-1' });
}

describe('plannedIntentsOf', () => {
  it("gives each intent the record's eventID and its ApproximateCreationDateTime as plannedAt", () => {
    const record = streamRecord('INSERT', { newItem: ticketItem(), eventID: 'event-1' });
    expect(plannedIntentsOf(record, () => clock)).toEqual(
      notificationsFor(record).map((intent) => ({ eventId: 'event-1', plannedAt, intent })),
    );
  });

  it('uses the clock only when the record has no creation time, and the sequence number when it has no eventID', () => {
    const base = streamRecord('INSERT', { newItem: ticketItem() });
    const { ApproximateCreationDateTime: _time, ...dynamodb } = base.dynamodb ?? {};
    const { eventID: _id, ...rest } = base;
    const [planned] = plannedIntentsOf({ ...rest, dynamodb }, () => clock);
    expect(planned).toMatchObject({
      eventId: base.dynamodb?.SequenceNumber,
      plannedAt: '2026-11-27T12:00:00.000Z',
    });
  });

  it('throws what the rules throw for a poison record', () => {
    expect(() => plannedIntentsOf(poisonRecord())).toThrow(/UnreadableRecordError|lacks or mistypes title/);
  });
});

describe('createPlanner', () => {
  it('enqueues one intent message per intent, with the eventID and plannedAt of the record', async () => {
    const t = setup();
    const record = streamRecord('MODIFY', {
      eventID: 'event-decision-1',
      oldItem: ticketItem(),
      newItem: ticketItem({ status: 'approved', decidedBy: ids.approver, version: 2 }),
    });
    await expect(t.plan(record)).resolves.toEqual({ status: 'planned', messages: 1 });
    expect(t.enqueued).toEqual([
      [
        {
          kind: 'intent',
          eventId: 'event-decision-1',
          plannedAt,
          intent: expect.objectContaining({
            type: 'approval_decided',
            ticketId: ids.ticket,
            recipient: { userId: ids.requester },
            decision: 'approved',
          }),
        },
      ],
    ]);
    expect(t.deadLetters).toEqual([]);
  });

  it('enqueues the intent of each kind of record (ticket, audit event, comment) under its own eventID', async () => {
    const t = setup();
    const records = [
      streamRecord('INSERT', { newItem: ticketItem() }),
      streamRecord('INSERT', {
        newItem: ticketEventItem({ actorId: ids.agent, field: 'assigneeId', to: ids.otherAgent }),
      }),
      streamRecord('INSERT', { newItem: commentItem({ kind: 'response', authorId: ids.agent }) }),
    ];
    for (const record of records) await t.plan(record);
    expect(
      t.enqueued.map((batch) => batch.map((message) => message.kind === 'intent' && message.intent.type)),
    ).toEqual([['approval_requested'], ['assigned'], ['agent_response']]);
    expect(
      t.enqueued.map((batch) => batch.map((message) => message.kind === 'intent' && message.eventId)),
    ).toEqual(records.map((record) => [record.eventID]));
  });

  it('enqueues the same messages for a redelivered copy of a record', async () => {
    const t = setup();
    const record = streamRecord('INSERT', { newItem: ticketItem(), eventID: 'event-approval-1' });
    await t.plan(record);
    await t.plan(structuredClone(record));
    expect(t.enqueued).toHaveLength(2);
    expect(t.enqueued[1]).toEqual(t.enqueued[0]);
    expect(t.enqueued[0]).toMatchObject([{ eventId: 'event-approval-1', plannedAt }]);
  });

  it('enqueues nothing for records that plan nothing', async () => {
    const t = setup();
    const records = [
      streamRecord('INSERT', { newItem: commentItem({ kind: 'note', authorId: ids.agent }) }),
      streamRecord('INSERT', { newItem: idempotencyRecordItem('COMPLETED') }),
      streamRecord('REMOVE', { oldItem: ticketItem() }),
      streamRecord('MODIFY', { oldItem: ticketItem(), newItem: ticketItem({ version: 2 }) }),
    ];
    for (const record of records) {
      await expect(t.plan(record)).resolves.toEqual({ status: 'planned', messages: 0 });
    }
    expect(t.enqueued).toEqual([]);
    expect(t.deadLetters).toEqual([]);
  });

  it('dead-letters a poison record once, whole, with the reason, and resolves poison', async () => {
    const t = setup();
    const record = poisonRecord();
    const outcome = await t.plan(record);
    expect(outcome).toEqual({
      status: 'poison',
      reason: expect.stringMatching(/^UnreadableRecordError: .*title/),
    });
    expect(t.deadLetters).toEqual([
      {
        message: { kind: 'record', record, reason: (outcome as { reason: string }).reason },
        reason: (outcome as { reason: string }).reason,
      },
    ]);
    expect(t.enqueued).toEqual([]);
  });

  it('holds nothing back: the records after a poison record are planned', async () => {
    const t = setup();
    await t.plan(poisonRecord());
    await t.plan(streamRecord('INSERT', { newItem: ticketItem(), eventID: 'event-after' }));
    expect(t.deadLetters).toHaveLength(1);
    expect(t.enqueued).toMatchObject([[{ kind: 'intent', eventId: 'event-after' }]]);
  });

  it('rejects when the queue refuses the messages, so the stream retries the record', async () => {
    const t = setup({
      enqueue: async () => {
        throw new Error('SendMessageBatch failed for 1 of 1: InternalError: try again');
      },
    });
    await expect(t.plan(streamRecord('INSERT', { newItem: ticketItem() }))).rejects.toThrow(
      'SendMessageBatch failed',
    );
    expect(t.deadLetters).toEqual([]);
  });

  it('rejects when the dead-letter queue refuses a poison record, so it is not lost', async () => {
    const t = setup({
      deadLetter: async () => {
        throw new Error('AccessDenied');
      },
    });
    await expect(t.plan(poisonRecord())).rejects.toThrow('AccessDenied');
  });
});
