/**
 * Roles and their permission flags (PRODUCT "People and roles"; seed S1's role table with `can_view_all`,
 * `can_edit_all`, `can_delete_all`, `can_manage_users`, `can_manage_tickets`, `can_assign_tickets`, plus S2's rule
 * that customer-service users may not create tickets).
 *
 * The three built-in roles map one-to-one to the Cognito groups of the same name.
 */

export const roleNames = ['admin', 'agent', 'requester'] as const;
export type RoleName = (typeof roleNames)[number];

export interface Permissions {
  readonly canViewAll: boolean;
  readonly canEditAll: boolean;
  readonly canDeleteAll: boolean;
  readonly canManageUsers: boolean;
  readonly canManageTickets: boolean;
  readonly canAssignTickets: boolean;
  readonly canCreateTickets: boolean;
}

export const builtInRoles: Readonly<Record<RoleName, Permissions>> = {
  admin: {
    canViewAll: true,
    canEditAll: true,
    canDeleteAll: true,
    canManageUsers: true,
    canManageTickets: true,
    canAssignTickets: true,
    canCreateTickets: true,
  },
  agent: {
    canViewAll: true,
    canEditAll: true,
    canDeleteAll: false,
    canManageUsers: false,
    canManageTickets: true,
    canAssignTickets: true,
    canCreateTickets: false,
  },
  requester: {
    canViewAll: false,
    canEditAll: false,
    canDeleteAll: false,
    canManageUsers: false,
    canManageTickets: false,
    canAssignTickets: false,
    canCreateTickets: true,
  },
};

/**
 * The role of a user in several groups: the most privileged one. A user in no known group is a requester
 * (self sign-up puts every new account in `requester`).
 * @param groups Cognito group names
 */
export function roleFromGroups(groups: readonly string[]): RoleName {
  for (const role of roleNames) if (groups.includes(role)) return role;
  return 'requester';
}

/** Whether a user may act as an approver (PRODUCT: agents approve requests addressed to them; admins do all). */
export const canApprove = (role: RoleName) => role === 'admin' || role === 'agent';
