/** What the API shows of a user. */
import type { Actor } from '#shared/roles/actor.ts';
import type { UserItem } from '#shared/users/user.entity.ts';

/** The caller's own profile with role and permission flags (`GET /me`). */
export function meView(actor: Actor, profile: UserItem | undefined) {
  return {
    userId: actor.userId,
    email: profile?.email ?? null,
    name: profile?.name ?? null,
    phone: profile?.phone ?? null,
    smsOptIn: profile?.smsOptIn ?? false,
    role: actor.role,
    permissions: actor.permissions,
  };
}
