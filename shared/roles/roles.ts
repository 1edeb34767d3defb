/**
 * Roles and their permission flags (PRODUCT "People and roles"): a role is a set of flags; every route and
 * operation decides from the actor's flags plus ownership, never from a role name. The only role-name checks in
 * the code base live in this module (a test enforces it).
 *
 * The three built-in roles map one-to-one to the Cognito groups of the same name.
 */

export const roleNames = ['admin', 'agent', 'requester'] as const;
export type RoleName = (typeof roleNames)[number];

export interface Permissions {
  /** See every ticket, not only one's own. */
  readonly canViewAll: boolean;
  /** Change any field of any ticket. */
  readonly canEditAll: boolean;
  /** Delete any ticket or comment. */
  readonly canDeleteAll: boolean;
  /** Create, change and disable users and roles. */
  readonly canManageUsers: boolean;
  /** Work tickets: respond, write internal notes, move them along the lifecycle. */
  readonly canManageTickets: boolean;
  /** Set a ticket's assignee. */
  readonly canAssignTickets: boolean;
  /** Open tickets (customer-service agents may not). */
  readonly canCreateTickets: boolean;
}

/** The name of one permission flag. */
export type PermissionFlag = keyof Permissions;

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

/** Whether a user of this role may act as an approver: agents approve requests addressed to them; admins all. */
export const canApprove = (role: string) => role === 'admin' || role === 'agent';

/** Whether a user of this role approves every ticket, not only those addressed to them (admins). */
export const approvesEverything = (role: string) => role === 'admin';
