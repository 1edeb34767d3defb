/** Which index partitions serve which `GET /tickets` filters, and who may list what (pure: `listPlan`). */
import { describe, expect, it } from 'vitest';
import { InvalidInput, NotAllowed } from '#shared/platform/errors.ts';
import type { Actor } from '#shared/roles/actor.ts';
import { builtInRoles, type RoleName } from '#shared/roles/roles.ts';
import { listPlan, supportedFilterCombinations } from '#shared/tickets/listing.ts';
import { ticketListShards } from '#shared/tickets/ticket.entity.ts';

const as = (role: RoleName, userId = `${role}-1`): Actor => ({
  userId,
  role,
  permissions: builtInRoles[role],
});
const requester = as('requester', 'req-1');
const agent = as('agent', 'agent-1');
const viewer: Actor = {
  userId: 'viewer-1',
  role: 'auditor',
  permissions: { ...builtInRoles.requester, canViewAll: true, canCreateTickets: false },
};

const partitionKeys = (plan: ReturnType<typeof listPlan>) =>
  plan.partitions.map((list) => [list.index, Object.values(list.partition)[0]]);

describe('ticket list filters', () => {
  it('reads every ticket from the gsi1 shards without a filter (canViewAll)', () => {
    for (const actor of [agent, viewer]) {
      const plan = listPlan(actor, {});
      expect(plan.partitions).toHaveLength(ticketListShards);
      expect(partitionKeys(plan)[0]).toEqual(['gsi1', 'TICKETS#0']);
      expect(plan.match).toEqual({});
    }
  });

  it('serves status, priority and type each from its own sharded index, with no condition', () => {
    expect(partitionKeys(listPlan(agent, { status: 'closed' }))).toEqual(
      Array.from({ length: ticketListShards }, (_, shard) => ['gsi7', `STATUS#closed#${shard}`]),
    );
    expect(partitionKeys(listPlan(agent, { priority: 'urgent' }))[3]).toEqual(['gsi8', 'PRIORITY#urgent#3']);
    expect(partitionKeys(listPlan(agent, { type: 'request' }))[7]).toEqual(['gsi9', 'TYPE#request#7']);
    expect(listPlan(agent, { status: 'closed' }).match).toEqual({});
  });

  it('refuses two of status, priority and type without a person, naming the supported combinations', () => {
    const refused = (() => {
      try {
        listPlan(agent, { status: 'open', priority: 'high' });
      } catch (error) {
        return error;
      }
    })();
    expect(refused).toBeInstanceOf(InvalidInput);
    expect((refused as InvalidInput).message).toContain(supportedFilterCombinations);
    expect((refused as InvalidInput).fields.map((field) => field.pointer)).toEqual(['/status', '/priority']);
  });

  it('reads one person’s partition for mine, assigned, requesterId and assigneeId, the rest as conditions', () => {
    expect(partitionKeys(listPlan(agent, { assigned: true }))).toEqual([['gsi3', 'ASSIGNEE#agent-1']]);
    expect(partitionKeys(listPlan(agent, { assigneeId: 'agent-2', status: 'open' }))).toEqual([
      ['gsi3', 'ASSIGNEE#agent-2'],
    ]);
    expect(listPlan(agent, { assigneeId: 'agent-2', status: 'open', type: 'task' }).match).toEqual({
      status: 'open',
      type: 'task',
    });
    const both = listPlan(agent, { requesterId: 'req-9', assigned: true, priority: 'low' });
    expect(partitionKeys(both)).toEqual([['gsi2', 'REQUESTER#req-9']]);
    expect(both.match).toEqual({ assigneeId: 'agent-1', priority: 'low' });
    expect(partitionKeys(listPlan(as('admin'), { mine: true }))).toEqual([['gsi2', 'REQUESTER#admin-1']]);
  });

  it('lists a requester’s own tickets, their status filter included, and nobody else’s', () => {
    expect(partitionKeys(listPlan(requester, {}))).toEqual([['gsi2', 'REQUESTER#req-1']]);
    const byStatus = listPlan(requester, { status: 'closed' });
    expect(partitionKeys(byStatus)).toEqual([['gsi2', 'REQUESTER#req-1']]);
    expect(byStatus.match).toEqual({ status: 'closed' });
    expect(
      partitionKeys(listPlan(requester, { requesterId: 'req-1', priority: 'high', type: 'task' })),
    ).toEqual([['gsi2', 'REQUESTER#req-1']]);
    expect(partitionKeys(listPlan(requester, { assigned: true }))).toEqual([['gsi3', 'ASSIGNEE#req-1']]);
    expect(() => listPlan(requester, { requesterId: 'req-2' })).toThrow(NotAllowed);
    expect(() => listPlan(requester, { assigneeId: 'agent-1' })).toThrow(NotAllowed);
  });

  it('refuses a shortcut and an id that name two people', () => {
    expect(() => listPlan(agent, { mine: true, requesterId: 'req-1' })).toThrow(InvalidInput);
    expect(() => listPlan(agent, { assigned: true, assigneeId: 'agent-2' })).toThrow(InvalidInput);
    expect(partitionKeys(listPlan(agent, { assigned: true, assigneeId: 'agent-1' }))).toEqual([
      ['gsi3', 'ASSIGNEE#agent-1'],
    ]);
  });

  it('gives every list its own cursor scope', () => {
    const scopes = [
      listPlan(agent, {}),
      listPlan(agent, { status: 'open' }),
      listPlan(agent, { status: 'closed' }),
      listPlan(agent, { priority: 'high' }),
      listPlan(agent, { assigned: true }),
      listPlan(agent, { assigned: true, status: 'open' }),
      listPlan(requester, {}),
      listPlan(requester, { status: 'open' }),
      listPlan(as('requester', 'req-2'), {}),
    ].map((plan) => plan.scope);
    expect(new Set(scopes).size).toBe(scopes.length);
  });
});
