import { describe, expect, it } from 'vitest';
import {
  type TicketItem,
  ticketIndexKeyChanges,
  ticketListShards,
  ticketRecord,
  ticketShard,
} from '#shared/tickets/ticket.entity.ts';

const ticket: TicketItem = {
  ticketId: '01JD3ZQ5R7V0M9X2K8W4T6Y1AB',
  number: 7,
  title: 'Printer',
  description: 'Jammed',
  type: 'incident',
  priority: 'high',
  status: 'open',
  requesterId: 'req-1',
  createdAt: '2026-11-27T10:00:00.000Z',
  updatedAt: '2026-11-27T10:00:00.000Z',
  version: 1,
};

describe('ticket keys', () => {
  it('stores the ticket under its id, in its list shard, its requester list, and no assignee list', () => {
    const record = ticketRecord(ticket);
    expect(record).toMatchObject({
      pk: `TICKET#${ticket.ticketId}`,
      sk: 'TICKET',
      entityType: 'ticket',
      gsi1pk: `TICKETS#${ticketShard(ticket.ticketId)}`,
      gsi1sk: `${ticket.createdAt}#${ticket.ticketId}`,
      gsi2pk: 'REQUESTER#req-1',
    });
    expect(record).not.toHaveProperty('gsi3pk');
  });

  it('spreads tickets over every list shard', () => {
    const shards = new Set(Array.from({ length: 400 }, (_, n) => ticketShard(`01JD3ZQ5R7V0M9X2K8W4T6${n}`)));
    expect(shards.size).toBe(ticketListShards);
  });

  it('moves a ticket into and out of its assignee list as the assignee changes', () => {
    const assigned = { ...ticket, assigneeId: 'agent-1' };
    expect(ticketIndexKeyChanges(ticket, assigned)).toEqual({
      gsi3pk: 'ASSIGNEE#agent-1',
      gsi3sk: `${ticket.createdAt}#${ticket.ticketId}`,
    });
    expect(ticketIndexKeyChanges(assigned, { ...assigned, assigneeId: 'agent-2' })).toEqual({
      gsi3pk: 'ASSIGNEE#agent-2',
    });
    expect(ticketIndexKeyChanges(assigned, { ...assigned, assigneeId: undefined })).toEqual({
      gsi3pk: undefined,
      gsi3sk: undefined,
    });
    expect(ticketIndexKeyChanges(ticket, { ...ticket, title: 'Printer 2' })).toEqual({});
  });

  it('indexes a ticket by status, priority and type in its list shard', () => {
    const shard = ticketShard(ticket.ticketId);
    const sortKey = `${ticket.createdAt}#${ticket.ticketId}`;
    expect(ticketRecord(ticket)).toMatchObject({
      gsi7pk: `STATUS#open#${shard}`,
      gsi7sk: sortKey,
      gsi8pk: `PRIORITY#high#${shard}`,
      gsi8sk: sortKey,
      gsi9pk: `TYPE#incident#${shard}`,
      gsi9sk: sortKey,
    });
  });

  it('moves a ticket to the partition of its new status, priority or type, and writes no other key', () => {
    const shard = ticketShard(ticket.ticketId);
    expect(ticketIndexKeyChanges(ticket, { ...ticket, status: 'in_progress' })).toEqual({
      gsi7pk: `STATUS#in_progress#${shard}`,
    });
    expect(ticketIndexKeyChanges(ticket, { ...ticket, priority: 'low', type: 'task' })).toEqual({
      gsi8pk: `PRIORITY#low#${shard}`,
      gsi9pk: `TYPE#task#${shard}`,
    });
  });
});
