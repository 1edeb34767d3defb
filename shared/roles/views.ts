/** What the API shows of a role. */
import type { RoleItem } from '#shared/roles/role.entity.ts';
import { builtInRoles, type RoleName } from '#shared/roles/roles.ts';

/** A role: built-ins carry `builtIn: true` and no user count (nobody counts the users of a built-in role). */
export type RoleDefinition = Pick<RoleItem, 'name' | 'permissions'> &
  Partial<Pick<RoleItem, 'description' | 'usersCount' | 'createdAt' | 'updatedAt'>> & {
    readonly builtIn: boolean;
  };

/** The definition of a built-in role. */
export const builtInRole = (name: RoleName): RoleDefinition => ({
  name,
  builtIn: true,
  permissions: builtInRoles[name],
});

/** A role as the API returns it. */
export function roleView(role: RoleDefinition) {
  return {
    name: role.name,
    description: role.description ?? null,
    builtIn: role.builtIn,
    permissions: role.permissions,
    usersCount: role.builtIn ? null : (role.usersCount ?? 0),
    createdAt: role.createdAt ?? null,
    updatedAt: role.updatedAt ?? null,
  };
}
