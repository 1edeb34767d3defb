/** A comment on a ticket: a request, a response or an internal note; part of the ticket's `thread`. */
import { Entity, type EntityItem } from 'electrodb';
import { service, updatedAtAttribute } from '#shared/platform/entity.ts';

export const Comment = new Entity({
  model: { entity: 'comment', version: '1', service },
  attributes: {
    ticketId: { type: 'string', required: true, readOnly: true },
    commentId: { type: 'string', required: true, readOnly: true },
    authorId: { type: 'string', required: true, readOnly: true },
    /** `request` (by the requester), `response` (by an agent), `note` (internal, never shown to requesters). */
    kind: { type: ['request', 'response', 'note'] as const, required: true },
    body: { type: 'string', required: true },
    createdAt: { type: 'string', readOnly: true, required: true },
    updatedAt: updatedAtAttribute,
  },
  indexes: {
    /** A ticket's comments in posting order (ULIDs sort by time). */
    byTicket: {
      collection: 'thread',
      pk: { field: 'pk', composite: ['ticketId'] },
      sk: { field: 'sk', composite: ['commentId'] },
    },
  },
});

export type CommentItem = EntityItem<typeof Comment>;
