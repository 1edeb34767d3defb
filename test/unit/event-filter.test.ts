import { describe, expect, it } from 'vitest';
import { streamFilterPatterns } from '#shared/notifications/plan.ts';
import { matchesPattern, passesFilters } from '../../scripts/local/event-filter.ts';
import {
  commentItem,
  idempotencyRecordItem,
  streamRecord,
  ticketEventItem,
  ticketItem,
} from './notify-fixtures.ts';

describe('event filter patterns', () => {
  it('matches nested exact values and ORs patterns', () => {
    const pattern = { eventName: ['INSERT'], dynamodb: { NewImage: { kind: { S: ['a', 'b'] } } } };
    expect(
      matchesPattern(pattern, { eventName: 'INSERT', dynamodb: { NewImage: { kind: { S: 'b' } } } }),
    ).toBe(true);
    expect(
      matchesPattern(pattern, { eventName: 'MODIFY', dynamodb: { NewImage: { kind: { S: 'b' } } } }),
    ).toBe(false);
    expect(matchesPattern(pattern, { eventName: 'INSERT', dynamodb: {} })).toBe(false);
    expect(passesFilters([pattern, { eventName: ['REMOVE'] }], { eventName: 'REMOVE' })).toBe(true);
    expect(passesFilters(undefined, { anything: 1 })).toBe(true);
  });

  it('refuses operators it does not implement instead of matching everything', () => {
    expect(() => matchesPattern({ eventName: [{ prefix: 'IN' }] }, { eventName: 'INSERT' })).toThrow(
      /Unsupported/,
    );
  });
});

describe("the notifier's stream filter on the table's real items", () => {
  const passes = (record: unknown) => passesFilters(streamFilterPatterns, record);

  it('lets ticket inserts and changes, comment and audit-event inserts through', () => {
    expect(passes(streamRecord('INSERT', { newItem: ticketItem() }))).toBe(true);
    expect(
      passes(streamRecord('MODIFY', { newItem: ticketItem({ status: 'approved' }), oldItem: ticketItem() })),
    ).toBe(true);
    expect(
      passes(streamRecord('INSERT', { newItem: commentItem({ kind: 'response', authorId: 'a' }) })),
    ).toBe(true);
    expect(
      passes(
        streamRecord('INSERT', { newItem: ticketEventItem({ actorId: 'a', field: 'status', to: 'open' }) }),
      ),
    ).toBe(true);
  });

  it("drops deletes, comment edits and the notifier's own idempotency records", () => {
    expect(passes(streamRecord('REMOVE', { oldItem: ticketItem() }))).toBe(false);
    const comment = commentItem({ kind: 'response', authorId: 'a' });
    expect(passes(streamRecord('MODIFY', { newItem: comment, oldItem: comment }))).toBe(false);
    expect(passes(streamRecord('INSERT', { newItem: idempotencyRecordItem('INPROGRESS') }))).toBe(false);
  });
});
