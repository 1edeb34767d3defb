/**
 * The permission flags of a role by name, as the actor resolver needs them on every request: built-in roles from
 * code, other roles from their item, cached per function instance for {@link rolePermissionsCacheMs}. So a role
 * item is read at most once a minute per warm instance, and an edit of a role's flags reaches every instance
 * within that time (docs/roles.md).
 */
import { getItem } from '#shared/platform/db.ts';
import { logger } from '#shared/platform/logger.ts';
import { type RoleItem, roleKey } from '#shared/roles/role.entity.ts';
import { builtInRoles, isBuiltInRole, noPermissions, type Permissions } from '#shared/roles/roles.ts';

/** How long an instance keeps a custom role's flags: the bound within which a flag edit takes effect. */
export const rolePermissionsCacheMs = 60_000;

const cache = new Map<string, { readonly permissions: Permissions; readonly until: number }>();

/**
 * The flags of a role: a built-in's from code (no read), another role's from its item (one GetItem, then cached
 * for {@link rolePermissionsCacheMs}). A role without an item (it cannot be deleted while a user holds it, so
 * this means a profile written outside the API) has every flag off.
 */
export async function permissionsOf(role: string): Promise<Permissions> {
  if (isBuiltInRole(role)) return builtInRoles[role];
  const cached = cache.get(role);
  if (cached && cached.until > Date.now()) return cached.permissions;
  const item = await getItem<RoleItem>(roleKey(role));
  if (!item) logger.warn('A user holds a role that has no item; every flag is off', { role });
  const permissions: Permissions = { ...noPermissions, ...item?.permissions };
  cache.set(role, { permissions, until: Date.now() + rolePermissionsCacheMs });
  return permissions;
}

/** Drop a role from this instance's cache (after this instance changed or deleted it). */
export function forgetRole(role: string): void {
  cache.delete(role);
}
