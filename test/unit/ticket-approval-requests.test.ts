/**
 * When an approval request goes out again (`shared/approvals/stream-rules.ts`): an edit of the approved content
 * while `pending_approval` (`requestChangedAt` moves, set by `applyTicketChange`) re-sends it to the approver; a
 * change that leaves the approved content alone (an assignment) does not.
 */
import { describe, expect, it } from 'vitest';
import { notificationsFor } from '#shared/notifications/plan.ts';
import { ids, streamRecord, ticketItem } from './notify-fixtures.ts';

const types = (record: Parameters<typeof notificationsFor>[0]) =>
  notificationsFor(record).map((intent) => [intent.type, intent.recipient]);

describe('approval request re-sent on an edit while pending', () => {
  it('asks the approver again when the approved content changed (new title, requestChangedAt moved)', () => {
    const record = streamRecord('MODIFY', {
      oldItem: ticketItem({ title: 'USB mouse' }),
      newItem: ticketItem({ title: '40 laptops', requestChangedAt: '2026-12-01T09:00:00.000Z', version: 2 }),
    });
    expect(types(record)).toEqual([['approval_requested', { userId: ids.approver }]]);
    const [intent] = notificationsFor(record);
    expect(intent?.ticket?.title).toBe('40 laptops');

    const again = streamRecord('MODIFY', {
      oldItem: ticketItem({ title: '40 laptops', requestChangedAt: '2026-12-01T09:00:00.000Z', version: 2 }),
      newItem: ticketItem({ title: '41 laptops', requestChangedAt: '2026-12-01T09:05:00.000Z', version: 3 }),
    });
    expect(types(again)).toEqual([['approval_requested', { userId: ids.approver }]]);
  });

  it('does not ask again for a change that leaves the approved content alone', () => {
    const assigned = streamRecord('MODIFY', {
      oldItem: ticketItem({ requestChangedAt: '2026-12-01T09:00:00.000Z', version: 2 }),
      newItem: ticketItem({
        requestChangedAt: '2026-12-01T09:00:00.000Z',
        assigneeId: ids.agent,
        version: 3,
      }),
    });
    expect(types(assigned).filter(([type]) => type === 'approval_requested')).toEqual([]);
  });
});
