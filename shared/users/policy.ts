/**
 * Who may see and change a user, from the actor's permission flags and whether the user is the actor. Pure: no
 * AWS, unit-tested in `test/unit/roles.test.ts`.
 */
import type { Actor } from '#shared/roles/actor.ts';

/** Whether the actor may list users (`GET /users`): `canManageUsers` or `canViewAll`. */
export const canListUsers = (actor: Actor) =>
  actor.permissions.canManageUsers || actor.permissions.canViewAll;

/**
 * Whether the actor may see this user's profile: the user themself, `canManageUsers` or `canViewAll`. Others get
 * "not found", never "not allowed", so user ids cannot be probed.
 */
export const canSeeUser = (actor: Actor, userId: string) => actor.userId === userId || canListUsers(actor);

/** Fields of a profile: what each needs. */
const ownOrManager = new Set(['name', 'email', 'phone', 'smsOptIn', 'messageEmails']);
const ownOnly = new Set(['password', 'currentPassword']);
const managerOnly = new Set(['role', 'disabled']);

/**
 * Why the actor may not change `field` of this user, or `undefined` when they may: the user themself and
 * `canManageUsers` change name, email, phone and SMS consent; only the user themself their password (Cognito
 * checks the current one); only `canManageUsers` role and disabled state, and not their own (another admin must,
 * so nobody locks the last admin out by mistake).
 */
export function userChangeRefusal(actor: Actor, userId: string, field: string): string | undefined {
  const self = actor.userId === userId;
  if (ownOrManager.has(field)) {
    return self || actor.permissions.canManageUsers ? undefined : `You may not change ${field} of this user.`;
  }
  if (ownOnly.has(field)) return self ? undefined : 'Only the user themself changes their password.';
  if (managerOnly.has(field)) {
    if (!actor.permissions.canManageUsers) return `You may not change ${field}: it needs canManageUsers.`;
    return self ? `Another admin must change your own ${field}.` : undefined;
  }
  return `${field} cannot be changed.`;
}
