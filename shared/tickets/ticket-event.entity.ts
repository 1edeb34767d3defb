/** One change of a ticket (who, when, field, old → new): its audit trail. */
import { Entity, type EntityItem } from 'electrodb';
import { service } from '#shared/platform/entity.ts';

export const TicketEvent = new Entity({
  model: { entity: 'ticketEvent', version: '1', service },
  attributes: {
    ticketId: { type: 'string', required: true, readOnly: true },
    eventId: { type: 'string', required: true, readOnly: true },
    actorId: { type: 'string', required: true, readOnly: true },
    /** The changed field, or `created`. */
    field: { type: 'string', required: true },
    from: { type: 'string' },
    to: { type: 'string' },
    at: { type: 'string', required: true, readOnly: true },
  },
  indexes: {
    /** A ticket's audit trail in time order. */
    byTicket: {
      collection: 'history',
      pk: { field: 'pk', composite: ['ticketId'] },
      sk: { field: 'sk', composite: ['eventId'] },
    },
  },
});

export type TicketEventItem = EntityItem<typeof TicketEvent>;
