/** One row of the notification log: a send (or a skip) of one message on one channel. */
import { Entity, type EntityItem } from 'electrodb';
import { service } from '#shared/platform/entity.ts';

export const Notification = new Entity({
  model: { entity: 'notification', version: '1', service },
  attributes: {
    ticketId: { type: 'string', required: true, readOnly: true },
    notificationId: { type: 'string', required: true, readOnly: true },
    recipientId: { type: 'string', required: true },
    /** Email address or E.164 phone number. */
    recipient: { type: 'string' },
    channel: { type: ['email', 'sms'] as const, required: true },
    type: { type: 'string', required: true },
    status: { type: ['sent', 'failed', 'skipped'] as const, required: true },
    error: { type: 'string' },
    providerMessageId: { type: 'string' },
    /** The stream record that caused it (`eventID`). */
    sourceEventId: { type: 'string' },
    at: { type: 'string', required: true },
  },
  indexes: {
    /** A ticket's notification log in time order. */
    byTicket: {
      collection: 'notifications',
      pk: { field: 'pk', composite: ['ticketId'] },
      sk: { field: 'sk', composite: ['notificationId'] },
    },
  },
});

export type NotificationItem = EntityItem<typeof Notification>;
