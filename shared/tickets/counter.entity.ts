/** A named counter (human ticket numbers). */
import { Entity } from 'electrodb';
import { service } from '#shared/platform/entity.ts';

export const Counter = new Entity({
  model: { entity: 'counter', version: '1', service },
  attributes: {
    name: { type: 'string', required: true, readOnly: true },
    value: { type: 'number', required: true },
  },
  indexes: {
    /** A named counter (human ticket numbers). */
    byName: { pk: { field: 'pk', composite: ['name'] }, sk: { field: 'sk', composite: [] } },
  },
});
