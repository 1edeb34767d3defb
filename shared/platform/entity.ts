/**
 * What every entity shares: the service name in its keys, the entity-name attribute ElectroDB writes on each item,
 * and the `updatedAt` stamp.
 */

/** ElectroDB's `service`: the first segment of every key. */
export const service = 'helpdesk';

/** ElectroDB's entity-name attribute on every item (stream rules tell items apart by it). */
export const entityNameAttribute = '__edb_e__';

/** Now, ISO 8601 UTC. */
export const nowIso = () => new Date().toISOString();

/**
 * The `updatedAt` attribute: stamped on every write of the item (ElectroDB `watch: '*'`) with the time the write
 * was built, unless the operation gives one (it does when the same instant also goes into an audit event or the
 * response).
 */
export const updatedAtAttribute = {
  type: 'string',
  required: true,
  default: nowIso,
  watch: '*',
  set: (value?: string) => value ?? nowIso(),
} as const;
