/**
 * Roles and their permission flags: a role is a named set of flags; every route and operation decides from the
 * actor's flags plus ownership, never from a role name. The only role-name checks in the code base live in this
 * folder (a test enforces it).
 *
 * The three built-in roles are defined here, in code: they exist from the start and can be neither changed nor
 * deleted. Admins create other roles as items in the table (`role.entity.ts`, `operations.ts`). Each built-in role
 * has a Cognito group of the same name that mirrors it for token consumers; the API itself reads a user's role
 * from their profile on every request (`actor.ts`, docs/roles.md), never from the group claim.
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

/** Every permission flag, in the order the API shows them. */
export const permissionFlags: readonly PermissionFlag[] = [
  'canViewAll',
  'canEditAll',
  'canDeleteAll',
  'canManageUsers',
  'canManageTickets',
  'canAssignTickets',
  'canCreateTickets',
];

/** A role's name: lower case letters, digits and dashes, starting with a letter, 2 to 32 characters. */
export const roleNamePattern = /^[a-z][a-z0-9-]{1,31}$/;

/**
 * A Cognito group's name as this service creates them (one per built-in role, `lib/stacks/auth-stack.ts` and the
 * local `scripts/local/provision.ts`): lower case letters, digits and dashes, 2 to 32 characters. Cognito itself
 * takes spaces, commas and brackets in a group name (`GroupName`: `[\p{L}\p{M}\p{S}\p{N}\p{P}]+`, Cognito API
 * reference), but the HTTP API authorizer hands `cognito:groups` to functions as `[a b]` (elements joined by
 * spaces in brackets), so such a name could not be told apart from two groups: none is ever created.
 */
export const groupNamePattern = /^[a-z][a-z0-9-]{1,31}$/;

/**
 * The name, if it is a valid group name ({@link groupNamePattern}).
 * @throws Error naming the group otherwise (a deployment or provisioning mistake, never a client's)
 */
export function checkedGroupName(name: string): string {
  if (!groupNamePattern.test(name)) {
    throw new Error(
      `Group name ${JSON.stringify(name)} does not match ${groupNamePattern}: no spaces, commas or brackets`,
    );
  }
  return name;
}

/** Whether `name` is one of the built-in roles (defined in code, immutable). */
export const isBuiltInRole = (name: string): name is RoleName =>
  (roleNames as readonly string[]).includes(name);

/** The flags of a role nobody could find: every flag off. */
export const noPermissions: Permissions = Object.freeze(
  Object.fromEntries(permissionFlags.map((flag) => [flag, false])) as unknown as Permissions,
);

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

/** The role self sign-up gives: requesters register themselves, nobody signs up into another role. */
export const signUpRole: RoleName = 'requester';

/**
 * Whether a user of this role may act as an approver or assignee: agents approve requests addressed to them;
 * admins all. Custom roles do not approve (the approver directory, `GET /approvers`, lists these two roles).
 */
export const canApprove = (role: string) => role === 'admin' || role === 'agent';

/** Whether a user of this role approves every ticket, not only those addressed to them (admins). */
export const approvesEverything = (role: string) => role === 'admin';
