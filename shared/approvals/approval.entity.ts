/** An approval link, keyed by the hash of its token (the token itself is never stored). */
import { Entity, type EntityItem } from 'electrodb';
import { service } from '#shared/platform/entity.ts';

export const Approval = new Entity({
  model: { entity: 'approval', version: '1', service },
  attributes: {
    /** SHA-256 of the link token, hex; the token itself is never stored. */
    tokenHash: { type: 'string', required: true, readOnly: true },
    ticketId: { type: 'string', required: true, readOnly: true },
    approverId: { type: 'string', required: true, readOnly: true },
    createdAt: { type: 'string', readOnly: true, required: true },
    /** Expiry, epoch seconds; also the table's TTL attribute. */
    expiresAt: { type: 'number', required: true, readOnly: true },
    usedAt: { type: 'string' },
    decision: { type: ['approved', 'rejected'] as const },
  },
  indexes: {
    /** An approval link by the hash of its token. */
    byTokenHash: { pk: { field: 'pk', composite: ['tokenHash'] }, sk: { field: 'sk', composite: [] } },
  },
});

export type ApprovalItem = EntityItem<typeof Approval>;
