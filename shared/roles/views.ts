/** What the API shows of a role (the schemas in `responses.ts`: `Role`, `CustomRole`). */
import type * as z from 'zod/mini';
import type { CustomRoleView, RoleView } from '#shared/roles/responses.ts';
import type { RoleItem } from '#shared/roles/role.entity.ts';
import { builtInRoles, type Permissions, type RoleName } from '#shared/roles/roles.ts';

/** A built-in role: defined in code, with no description, user count or timestamps. */
export interface BuiltInRoleDefinition {
  readonly name: RoleName;
  readonly builtIn: true;
  readonly permissions: Permissions;
}

/** A role an admin created, from its item. */
export type CustomRoleDefinition = Pick<
  RoleItem,
  'name' | 'description' | 'permissions' | 'usersCount' | 'createdAt' | 'updatedAt'
> & { readonly builtIn: false };

/** A role: built-ins carry `builtIn: true` and no user count (nobody counts the users of a built-in role). */
export type RoleDefinition = BuiltInRoleDefinition | CustomRoleDefinition;

/** The definition of a built-in role. */
export const builtInRole = (name: RoleName): BuiltInRoleDefinition => ({
  name,
  builtIn: true,
  permissions: builtInRoles[name],
});

/** A built-in role as the API returns it: `null` for what only created roles have. */
export function builtInRoleView(role: BuiltInRoleDefinition): z.output<typeof RoleView> {
  return {
    name: role.name,
    description: null,
    builtIn: true,
    permissions: role.permissions,
    usersCount: null,
    createdAt: null,
    updatedAt: null,
  };
}

/** A role an admin created as the API returns it (`description` null when it has none). */
export function customRoleView(role: CustomRoleDefinition): z.output<typeof CustomRoleView> {
  return {
    name: role.name,
    description: role.description ?? null,
    builtIn: false,
    permissions: role.permissions,
    usersCount: role.usersCount ?? 0,
    createdAt: role.createdAt,
    updatedAt: role.updatedAt,
  };
}

/** Any role as the API returns it. */
export function roleView(role: RoleDefinition): z.output<typeof RoleView> {
  return role.builtIn ? builtInRoleView(role) : customRoleView(role);
}
