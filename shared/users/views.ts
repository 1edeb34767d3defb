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

/** A person a ticket or comment names, as others see them: id, name and email (`null` when not found). */
export function personView(userId: string | undefined, people: ReadonlyMap<string, UserItem>) {
  if (!userId) return null;
  const user = people.get(userId);
  return { userId, name: user?.name ?? null, email: user?.email ?? null };
}
