/** An image of a ticket and the state of its upload check; part of the ticket's `thread`. */
import { Entity, type EntityItem } from 'electrodb';
import { service, updatedAtAttribute } from '#shared/platform/entity.ts';

export const Image = new Entity({
  model: { entity: 'image', version: '1', service },
  attributes: {
    ticketId: { type: 'string', required: true, readOnly: true },
    imageId: { type: 'string', required: true, readOnly: true },
    /** S3 object key: `tickets/<ticketId>/images/<imageId>`. */
    objectKey: { type: 'string', required: true, readOnly: true },
    /** `pending` until the object-created check; then `ready` or `rejected`. */
    status: { type: ['pending', 'ready', 'rejected'] as const, required: true },
    /** The content type the client declared when asking for the upload. */
    declaredContentType: { type: 'string', required: true },
    /** The content type found from the bytes (magic number). */
    contentType: { type: 'string' },
    /** Size in bytes, once uploaded. */
    size: { type: 'number' },
    fileName: { type: 'string' },
    rejectionReason: { type: 'string' },
    uploaderId: { type: 'string', required: true, readOnly: true },
    createdAt: { type: 'string', readOnly: true, required: true },
    updatedAt: updatedAtAttribute,
  },
  indexes: {
    /** A ticket's images. */
    byTicket: {
      collection: 'thread',
      pk: { field: 'pk', composite: ['ticketId'] },
      sk: { field: 'sk', composite: ['imageId'] },
    },
  },
});

export type ImageItem = EntityItem<typeof Image>;
