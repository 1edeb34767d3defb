/**
 * What every stored item shares: the attribute naming its entity (stream rules tell items apart by it) and the
 * time format. Each feature's `<name>.entity.ts` defines its item type, its keys and its stored record.
 */

/** The attribute holding an item's entity name (`ticket`, `comment`, ...) on every item. */
export const entityNameAttribute = 'entityType';

/** Now, ISO 8601 UTC. */
export const nowIso = () => new Date().toISOString();
