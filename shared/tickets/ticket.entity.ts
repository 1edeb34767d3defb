/** A ticket. With its comments and images it forms the `thread` collection (one partition, one Query). */
import { Entity, type EntityItem } from 'electrodb';
import { service, updatedAtAttribute } from '#shared/platform/entity.ts';
import { priorities, ticketStatuses, ticketTypes } from '#shared/tickets/lifecycle.ts';

export const Ticket = new Entity({
  model: { entity: 'ticket', version: '1', service },
  attributes: {
    ticketId: { type: 'string', required: true, readOnly: true },
    /** Human ticket number, from the `ticketNumber` counter. */
    number: { type: 'number', required: true, readOnly: true },
    title: { type: 'string', required: true },
    description: { type: 'string', required: true },
    type: { type: ticketTypes, required: true },
    priority: { type: priorities, required: true },
    status: { type: ticketStatuses, required: true },
    requesterId: { type: 'string', required: true, readOnly: true },
    assigneeId: { type: 'string' },
    approverId: { type: 'string' },
    category: { type: 'string' },
    tags: { type: 'set', items: 'string' },
    /** True once an agent posted a `response` comment (nobody resolves a ticket no agent answered). */
    agentResponded: { type: 'boolean', default: false },
    /** Reason given with an approval decision. */
    decisionReason: { type: 'string' },
    decidedBy: { type: 'string' },
    decidedAt: { type: 'string' },
    createdAt: { type: 'string', readOnly: true, required: true },
    updatedAt: updatedAtAttribute,
    /** Optimistic-locking version, starts at 1, +1 per change (`ETag`/`If-Match`). */
    version: { type: 'number', required: true },
  },
  indexes: {
    /** A ticket by id; `thread` collection with its comments and images. */
    byId: {
      collection: 'thread',
      pk: { field: 'pk', composite: ['ticketId'] },
      sk: { field: 'sk', composite: [] },
    },
    /** Every ticket, newest first (agents' and admins' list). */
    all: {
      index: 'gsi1',
      pk: { field: 'gsi1pk', composite: [] },
      sk: { field: 'gsi1sk', composite: ['createdAt', 'ticketId'] },
    },
    /** A requester's tickets, newest first (requesters' list). */
    byRequester: {
      index: 'gsi2',
      pk: { field: 'gsi2pk', composite: ['requesterId'] },
      sk: { field: 'gsi2sk', composite: ['createdAt', 'ticketId'] },
    },
  },
});

export type TicketItem = EntityItem<typeof Ticket>;
