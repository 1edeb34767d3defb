/** Role routes: admins (`canManageUsers`) list, read, create, change and delete roles. */
import type { Route } from '#shared/platform/route-table.ts';
import { ListQuery } from '#shared/platform/schemas.ts';
import { CreateRoleBody, ReplaceRoleBody, RoleParams, UpdateRoleBody } from '#shared/roles/schemas.ts';

export const listRolesRoute = {
  id: 'ListRoles',
  method: 'GET',
  path: '/roles',
  entry: 'functions/roles/list.ts',
  permission: 'canManageUsers',
  summary: 'Every role: the built-in ones first, then those admins created, by name',
  query: ListQuery,
  success: {
    status: 200,
    description:
      '{ items, nextCursor }: the built-in roles (first page only), then created roles with flags and usersCount',
  },
  problems: ['unprocessable-content'],
  grants: ['table:read'],
} as const satisfies Route;

export const createRoleRoute = {
  id: 'CreateRole',
  method: 'POST',
  path: '/roles',
  entry: 'functions/roles/create.ts',
  permission: 'canManageUsers',
  summary: 'Create a role (flags left out are off); 409 when the name is taken or built-in',
  body: CreateRoleBody,
  success: {
    status: 201,
    description: 'The created role: its flags, usersCount 0 and timestamps; Location is its URL',
    headers: ['location'],
  },
  problems: ['conflict'],
  grants: ['table:read', 'table:write'],
} as const satisfies Route;

export const getRoleRoute = {
  id: 'GetRole',
  method: 'GET',
  path: '/roles/{roleName}',
  entry: 'functions/roles/get.ts',
  permission: 'canManageUsers',
  summary: 'A role with its flags and usersCount',
  params: RoleParams,
  success: {
    status: 200,
    description: 'The role: a built-in one (builtIn true, no count) or a created one with usersCount',
  },
  grants: ['table:read'],
} as const satisfies Route;

export const updateRoleRoute = {
  id: 'UpdateRole',
  method: 'PATCH',
  path: '/roles/{roleName}',
  entry: 'functions/roles/update.ts',
  permission: 'canManageUsers',
  summary: 'Change a role (flags left out keep their value); 409 for a built-in role',
  params: RoleParams,
  body: UpdateRoleBody,
  success: { status: 200, description: 'The changed role; its users get the new flags within 60 s' },
  problems: ['conflict'],
  grants: ['table:read', 'table:write'],
} as const satisfies Route;

export const replaceRoleRoute = {
  id: 'ReplaceRole',
  method: 'PUT',
  path: '/roles/{roleName}',
  entry: 'functions/roles/replace.ts',
  permission: 'canManageUsers',
  summary: 'Replace a role: description and every flag; 409 for a built-in role',
  params: RoleParams,
  body: ReplaceRoleBody,
  success: { status: 200, description: 'The replaced role; its users get the new flags within 60 s' },
  problems: ['conflict'],
  grants: ['table:read', 'table:write'],
} as const satisfies Route;

export const deleteRoleRoute = {
  id: 'DeleteRole',
  method: 'DELETE',
  path: '/roles/{roleName}',
  entry: 'functions/roles/delete.ts',
  permission: 'canManageUsers',
  summary: 'Delete a role nobody holds; 409 for a built-in role or one in use (with usersCount)',
  params: RoleParams,
  success: { status: 204, description: 'Deleted' },
  problems: ['conflict'],
  grants: ['table:read', 'table:write'],
} as const satisfies Route;

/** Every route of this feature, for `shared/routes.ts`. */
export const roleRoutes = [
  listRolesRoute,
  createRoleRoute,
  getRoleRoute,
  updateRoleRoute,
  replaceRoleRoute,
  deleteRoleRoute,
] as const;
