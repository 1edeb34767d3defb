/**
 * Role operations: list, read, create, change and delete the roles admins define, and check that a role a request
 * names exists. Built-in roles (`roles.ts`) are listed and read like the others but cannot be created, changed or
 * deleted. Plain values in, domain errors out.
 */
import { decodeCursor, encodeCursor } from '#shared/platform/cursor.ts';
import {
  attributesEqual,
  both,
  getItem,
  itemExists,
  itemIsNew,
  putItem,
  queryPage,
  transactWrite,
  updateItem,
} from '#shared/platform/db.ts';
import { nowIso } from '#shared/platform/entity.ts';
import { Conflict, type FieldError } from '#shared/platform/errors.ts';
import {
  BuiltInRoleImmutable,
  RoleExists,
  RoleInUse,
  RoleNotFound,
  UnknownRole,
} from '#shared/roles/errors.ts';
import { type RoleItem, roleKey, roleRecord, rolesPartition } from '#shared/roles/role.entity.ts';
import { forgetRole } from '#shared/roles/role-permissions.ts';
import {
  isBuiltInRole,
  noPermissions,
  type Permissions,
  permissionFlags,
  roleNames,
} from '#shared/roles/roles.ts';
import type { CreateRoleInput, ReplaceRoleInput, UpdateRoleInput } from '#shared/roles/schemas.ts';
import { builtInRole, type CustomRoleDefinition, type RoleDefinition } from '#shared/roles/views.ts';

export interface Page<T> {
  readonly items: T[];
  /** Opaque cursor of the next page, or null at the end. */
  readonly nextCursor: string | null;
}

const listScope = 'roles';

/**
 * Every role, by name: the first page starts with the built-in roles, then the roles admins created (one Query
 * on the `ROLES` partition, at most `limit` items).
 * @throws InvalidInput for a cursor from another listing, or altered
 */
export async function listRoles(page: {
  limit: number;
  cursor?: string | undefined;
}): Promise<Page<RoleDefinition>> {
  const after = await decodeCursor(page.cursor, listScope);
  const { items, lastKey } = await queryPage<RoleItem>({
    partition: rolesPartition,
    limit: page.limit,
    startKey: after === undefined ? undefined : roleKey(after),
  });
  const builtIns = after === undefined ? roleNames.map(builtInRole) : [];
  return {
    items: [...builtIns, ...items.map(customRole)],
    nextCursor: lastKey ? await encodeCursor(String(lastKey.sk), listScope) : null,
  };
}

const customRole = (item: RoleItem): CustomRoleDefinition => ({
  name: item.name,
  description: item.description,
  permissions: { ...noPermissions, ...item.permissions },
  usersCount: item.usersCount,
  createdAt: item.createdAt,
  updatedAt: item.updatedAt,
  builtIn: false,
});

/**
 * A role by name: a built-in from code, another from its item (one GetItem).
 * @throws RoleNotFound
 */
export async function findRole(name: string): Promise<RoleDefinition> {
  if (isBuiltInRole(name)) return builtInRole(name);
  const item = await getItem<RoleItem>(roleKey(name), { consistent: true });
  if (!item) throw new RoleNotFound(name);
  return customRole(item);
}

/**
 * Check that a role a request names exists (no read for a built-in; one GetItem otherwise).
 * @param where the request part and JSON Pointer of the field naming it, for the 422
 * @returns whether it is a built-in role
 * @throws UnknownRole (422 naming the role and the field)
 */
export async function requireRole(
  name: string,
  where: Omit<FieldError, 'detail'>,
): Promise<{ builtIn: boolean }> {
  if (isBuiltInRole(name)) return { builtIn: true };
  const item = await getItem<RoleItem>(roleKey(name), { consistent: true });
  if (!item) throw new UnknownRole(name, where);
  return { builtIn: false };
}

const fullPermissions = (flags: Partial<Permissions>): Permissions =>
  Object.fromEntries(permissionFlags.map((flag) => [flag, flags[flag] ?? false])) as unknown as Permissions;

/**
 * Create a role (one PutItem, only if the name is free).
 * @throws BuiltInRoleImmutable for a built-in name; RoleExists
 */
export async function createRole(input: CreateRoleInput): Promise<CustomRoleDefinition> {
  if (isBuiltInRole(input.name)) throw new BuiltInRoleImmutable(input.name);
  const now = nowIso();
  const role: RoleItem = {
    name: input.name,
    description: input.description,
    permissions: fullPermissions(input.permissions),
    usersCount: 0,
    createdAt: now,
    updatedAt: now,
  };
  try {
    await putItem(roleRecord(role), itemIsNew);
  } catch (error) {
    if ((error as { name?: string }).name === 'ConditionalCheckFailedException')
      throw new RoleExists(input.name);
    throw error;
  }
  return customRole(role);
}

/**
 * Change a role's description and flags: PATCH semantics (what is sent changes, flags left out keep their value)
 * or, with `replace`, PUT semantics (the description and every flag as sent). One GetItem and one UpdateItem,
 * conditioned on the role being unchanged since the read. The flags take effect at once in this function instance
 * and within `rolePermissionsCacheMs` in every other (docs/roles.md).
 * @throws BuiltInRoleImmutable; RoleNotFound; Conflict when the role changed concurrently
 */
export async function changeRole(
  name: string,
  changes: UpdateRoleInput | ReplaceRoleInput,
  options: { replace?: boolean } = {},
): Promise<CustomRoleDefinition> {
  if (isBuiltInRole(name)) throw new BuiltInRoleImmutable(name);
  const current = await getItem<RoleItem>(roleKey(name), { consistent: true });
  if (!current) throw new RoleNotFound(name);
  const sent = Object.fromEntries(
    Object.entries(changes.permissions ?? {}).filter(([, value]) => value !== undefined),
  ) as Partial<Permissions>;
  const permissions = options.replace
    ? fullPermissions(sent)
    : { ...noPermissions, ...current.permissions, ...sent };
  const description = options.replace
    ? changes.description
    : changes.description === undefined
      ? current.description
      : (changes.description ?? undefined);
  const updated = await updateItem<RoleItem>(
    roleKey(name),
    { set: { description, permissions } },
    { condition: attributesEqual({ updatedAt: current.updatedAt }), returnNew: true },
  );
  if (updated === false) throw new Conflict(`The role "${name}" changed while you were editing it; retry.`);
  forgetRole(name);
  return customRole(updated ?? { ...current, description: description ?? undefined, permissions });
}

/**
 * Delete a role nobody holds (one conditioned DeleteItem inside a transaction, so the condition and the count are
 * read together).
 * @throws BuiltInRoleImmutable; RoleNotFound; RoleInUse (409 with `usersCount`)
 */
export async function deleteRole(name: string): Promise<void> {
  if (isBuiltInRole(name)) throw new BuiltInRoleImmutable(name);
  const result = await transactWrite([
    { delete: roleKey(name), condition: both(itemExists, attributesEqual({ usersCount: 0 })) },
  ]);
  if (!result.ok) {
    const role = await getItem<RoleItem>(roleKey(name), { consistent: true });
    if (!role) throw new RoleNotFound(name);
    throw new RoleInUse(name, role.usersCount);
  }
  forgetRole(name);
}
