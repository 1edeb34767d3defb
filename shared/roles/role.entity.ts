/**
 * A role an admin created (the built-in roles live in code, `roles.ts`, and have no item). All roles share one
 * small partition, `pk = ROLES`, `sk = <name>`: listing them is one Query, reading one a GetItem, and the actor
 * resolver caches each role it reads per function instance (`actor.ts`), so the partition is read rarely.
 *
 * `usersCount` counts the users holding the role; every write that gives or takes the role changes it in the same
 * transaction as the user's profile (`shared/users/operations.ts`), so deleting a role in use can be refused by a
 * condition on the count, without reading any user.
 */
import type { Permissions } from '#shared/roles/roles.ts';

export interface RoleItem {
  /** Lower case, `roleNamePattern` in `roles.ts`; never a built-in name. */
  readonly name: string;
  readonly description?: string | undefined;
  readonly permissions: Permissions;
  /** Users holding this role (kept exact by transactions). */
  readonly usersCount: number;
  /** ISO 8601. */
  readonly createdAt: string;
  readonly updatedAt: string;
}

export const roleEntity = 'role';

/** The partition of every role item. */
export const rolesPartition = { pk: 'ROLES' } as const;

/** The key of a role. */
export const roleKey = (name: string) => ({ pk: rolesPartition.pk, sk: name });

/** The stored item of a role. */
export const roleRecord = (role: RoleItem) => ({ ...role, ...roleKey(role.name), entityType: roleEntity });
