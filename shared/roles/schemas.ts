/**
 * Request schemas of the role routes. Bodies are strict: unknown fields (a misspelt flag) are a 400.
 * `zod/mini`, each schema built by a pure `defineSchema` call so a bundle keeps only those its route uses
 * (`shared/platform/schemas.ts`).
 */
import * as z from 'zod/mini';
import { defineSchema } from '#shared/platform/schemas.ts';
import { maxChars } from '#shared/platform/text.ts';
import { roleNamePattern } from '#shared/roles/roles.ts';

/**
 * A role name as requests carry it: a lower-case letter, then 1 to 31 lower-case letters, digits or dashes
 * (`roleNamePattern`). Whether the role exists is the operation's check (422, or 404 in a path).
 */
export const RoleName = /* @__PURE__ */ defineSchema(() =>
  z
    .string()
    .check(
      z.minLength(2),
      z.maxLength(32),
      z.regex(
        roleNamePattern,
        'Expected a role name: a lower-case letter, then 1-31 lower-case letters, digits or -',
      ),
      z.meta({ description: 'A role name (built-in: admin, agent, requester)' }),
    ),
);

/** A role's description: at most 500 characters once trimmed, not only spaces (the pattern `\S`). */
const roleDescription = () =>
  z.string().check(maxChars(500), z.trim(), z.regex(/\S/, 'Expected a description, not only spaces'));

/** Each flag optional: a missing flag is `false` on create and unchanged on PATCH. */
const somePermissions = () =>
  z.strictObject({
    canViewAll: z.optional(z.boolean()),
    canEditAll: z.optional(z.boolean()),
    canDeleteAll: z.optional(z.boolean()),
    canManageUsers: z.optional(z.boolean()),
    canManageTickets: z.optional(z.boolean()),
    canAssignTickets: z.optional(z.boolean()),
    canCreateTickets: z.optional(z.boolean()),
  });

/** Every flag required (a full replacement). */
const allPermissions = () =>
  z.strictObject({
    canViewAll: z.boolean(),
    canEditAll: z.boolean(),
    canDeleteAll: z.boolean(),
    canManageUsers: z.boolean(),
    canManageTickets: z.boolean(),
    canAssignTickets: z.boolean(),
    canCreateTickets: z.boolean(),
  });

export const CreateRoleBody = /* @__PURE__ */ defineSchema(() =>
  z
    .strictObject({
      name: RoleName,
      description: z.optional(roleDescription()),
      /** Flags left out are off. */
      permissions: somePermissions(),
    })
    .check(z.meta({ id: 'CreateRoleRequest' })),
);
export type CreateRoleInput = z.output<typeof CreateRoleBody>;

export const UpdateRoleBody = /* @__PURE__ */ defineSchema(() =>
  z
    .strictObject({
      /** `null` removes the description. */
      description: z.optional(z.nullable(roleDescription())),
      /** Flags left out keep their value. */
      permissions: z.optional(somePermissions()),
    })
    .check(
      z.refine(
        (body) => body.description !== undefined || body.permissions !== undefined,
        'Send description or permissions',
      ),
      // The refinement as the document states it: one of the two fields at least.
      z.meta({ id: 'UpdateRoleRequest', minProperties: 1 }),
    ),
);
export type UpdateRoleInput = z.output<typeof UpdateRoleBody>;

export const ReplaceRoleBody = /* @__PURE__ */ defineSchema(() =>
  z
    .strictObject({
      /** Left out: the role has no description. */
      description: z.optional(roleDescription()),
      permissions: allPermissions(),
    })
    .check(z.meta({ id: 'ReplaceRoleRequest' })),
);
export type ReplaceRoleInput = z.output<typeof ReplaceRoleBody>;

export const RoleParams = /* @__PURE__ */ defineSchema(() => z.object({ roleName: RoleName }));
