/**
 * What this feature's routes answer, for the OpenAPI document and the contract tests: each route's success body
 * schema (the views are typed by these) and an example of its request and its response. Only the document
 * generator (`shared/api-document.ts`) and the tests import this module, so no function bundle carries it.
 */
import * as z from 'zod/mini';
import { nextCursor } from '#shared/platform/responses.ts';
import { documented, type RouteResponses } from '#shared/platform/route-table.ts';
import { builtInRoles, roleNames } from '#shared/roles/roles.ts';
import type { roleRoutes } from '#shared/roles/routes.ts';
import {
  type CreateRoleBody,
  type ReplaceRoleBody,
  RoleName,
  type UpdateRoleBody,
} from '#shared/roles/schemas.ts';

/** An ISO 8601 UTC timestamp with milliseconds, as `nowIso()` writes it (`2024-05-01T10:00:05.700Z`). */
const timestamp = (description: string) =>
  z.iso.datetime().check(z.maxLength(30), z.meta({ description: `${description} (ISO 8601, UTC)` }));

/** A count of users or tickets: a non-negative integer. */
const count = (description: string) => z.int().check(z.gte(0), z.lte(2_147_483_647), z.meta({ description }));

const flag = (description: string) => z.boolean().check(z.meta({ description }));

/** A role's permission flags: all seven, always (`Permissions` in `roles.ts`). */
export const PermissionsView = /* @__PURE__ */ (() =>
  z
    .object({
      canViewAll: flag("See every ticket, not only one's own"),
      canEditAll: flag('Change any field of any ticket'),
      canDeleteAll: flag('Delete any ticket or comment'),
      canManageUsers: flag('Create, change and disable users and roles'),
      canManageTickets: flag('Work tickets: respond, write internal notes, move them along the lifecycle'),
      canAssignTickets: flag("Set a ticket's assignee"),
      canCreateTickets: flag('Open tickets'),
    })
    .check(z.meta({ id: 'Permissions', description: "A role's permission flags, every one of them" })))();

/** A role an admin created: its description (or null), flags, holders and timestamps. */
export const CustomRoleView = /* @__PURE__ */ (() =>
  z
    .object({
      name: RoleName,
      description: z.nullable(
        z.string().check(z.minLength(1), z.maxLength(500), z.regex(/^\S(?:[\s\S]*\S)?$/)),
      ),
      builtIn: z.literal(false),
      permissions: PermissionsView,
      usersCount: count('Users holding the role (exact: kept by the same transactions that give or take it)'),
      createdAt: timestamp('When the role was created'),
      updatedAt: timestamp('When the role was last changed'),
    })
    .check(z.meta({ id: 'CustomRole', description: 'A role an admin created' })))();

/**
 * Any role, as `GET /roles` and `GET /roles/{roleName}` answer it: a built-in one (`builtIn: true`: defined in
 * code, immutable; `description`, `usersCount`, `createdAt` and `updatedAt` null) or one an admin created (as
 * {@link CustomRoleView}). One object rather than a union of the two: openapi-fetch's response types drop
 * properties whose only type is null.
 */
export const RoleView = /* @__PURE__ */ (() =>
  z
    .object({
      name: RoleName,
      description: z.nullable(
        z.string().check(z.minLength(1), z.maxLength(500), z.regex(/^\S(?:[\s\S]*\S)?$/)),
      ),
      builtIn: z.boolean().check(
        z.meta({
          description: `A built-in role (${roleNames.join(', ')}): it can be neither changed nor deleted`,
        }),
      ),
      permissions: PermissionsView,
      usersCount: z.nullable(
        count('Users holding the role; null for a built-in role (nobody counts its users)'),
      ),
      createdAt: z.nullable(timestamp('When the role was created; null for a built-in role')),
      updatedAt: z.nullable(timestamp('When the role was last changed; null for a built-in role')),
    })
    .check(
      z.meta({
        id: 'Role',
        description:
          'A role: built-in (builtIn true; description, usersCount and timestamps null) or created by an admin',
      }),
    ))();

/**
 * `GET /roles`: the first page starts with the three built-in roles, then up to `limit` (at most 100) roles
 * admins created, by name; later pages hold only created roles.
 */
export const RolePageView = /* @__PURE__ */ (() =>
  z
    .object({
      items: z.array(RoleView).check(z.maxLength(roleNames.length + 100)),
      nextCursor: nextCursor(),
    })
    .check(z.meta({ id: 'RolePage', description: 'A page of roles' })))();

const nightShift = {
  name: 'night-shift',
  description: 'Agents on the night shift: work and assign tickets, never delete',
  builtIn: false,
  permissions: {
    canViewAll: true,
    canEditAll: false,
    canDeleteAll: false,
    canManageUsers: false,
    canManageTickets: true,
    canAssignTickets: true,
    canCreateTickets: false,
  },
  usersCount: 2,
  createdAt: '2024-05-01T10:00:05.700Z',
  updatedAt: '2024-05-03T08:12:44.031Z',
} as const satisfies z.output<typeof CustomRoleView>;

const builtIn = (name: (typeof roleNames)[number]): z.output<typeof RoleView> => ({
  name,
  description: null,
  builtIn: true,
  permissions: builtInRoles[name],
  usersCount: null,
  createdAt: null,
  updatedAt: null,
});

export const roleResponses: RouteResponses<(typeof roleRoutes)[number]> = {
  ListRoles: documented(RolePageView, {
    example: { items: [...roleNames.map(builtIn), nightShift], nextCursor: null },
  }),
  CreateRole: documented(CustomRoleView, {
    request: {
      name: 'night-shift',
      description: 'Agents on the night shift: work and assign tickets, never delete',
      permissions: { canViewAll: true, canManageTickets: true, canAssignTickets: true },
    } satisfies z.input<typeof CreateRoleBody>,
    example: { ...nightShift, usersCount: 0, updatedAt: nightShift.createdAt },
  }),
  GetRole: documented(RoleView, { example: nightShift }),
  UpdateRole: documented(CustomRoleView, {
    request: { permissions: { canEditAll: true } } satisfies z.input<typeof UpdateRoleBody>,
    example: { ...nightShift, permissions: { ...nightShift.permissions, canEditAll: true } },
  }),
  ReplaceRole: documented(CustomRoleView, {
    request: {
      description: 'Night shift: read and work tickets only',
      permissions: { ...nightShift.permissions, canAssignTickets: false },
    } satisfies z.input<typeof ReplaceRoleBody>,
    example: {
      ...nightShift,
      description: 'Night shift: read and work tickets only',
      permissions: { ...nightShift.permissions, canAssignTickets: false },
    },
  }),
  DeleteRole: documented(undefined),
};
