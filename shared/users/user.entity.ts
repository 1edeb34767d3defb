/** A user profile: name, role and contact details; the Cognito user holds sign-in and password. */
import { Entity, type EntityItem } from 'electrodb';
import { nowIso, service } from '#shared/platform/entity.ts';
import { roleNames } from '#shared/roles/roles.ts';

export const User = new Entity({
  model: { entity: 'user', version: '1', service },
  attributes: {
    userId: { type: 'string', required: true, readOnly: true },
    email: { type: 'string', required: true },
    name: { type: 'string', required: true },
    role: { type: roleNames, required: true },
    /** E.164 phone number for SMS, e.g. `+15555550100`. */
    phone: { type: 'string' },
    /** Whether the user agreed to receive SMS (PRODUCT: "when they have a phone number and opted in"). */
    smsOptIn: { type: 'boolean', default: false },
    createdAt: { type: 'string', readOnly: true, default: nowIso },
  },
  indexes: {
    /** A user profile by id (the Cognito `sub`). */
    byId: { pk: { field: 'pk', composite: ['userId'] }, sk: { field: 'sk', composite: [] } },
  },
});

export type UserItem = EntityItem<typeof User>;
