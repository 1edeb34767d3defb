/** User profiles in the table (name, role, contact details), without Cognito: what most features read of a user. */
import { db } from '#shared/platform/db.ts';
import type { UserItem } from '#shared/users/user.entity.ts';

/** The profile of a user, or `undefined`. One GetItem. */
export async function findUser(userId: string): Promise<UserItem | undefined> {
  const { data } = await db().entities.User.get({ userId }).go();
  return data ?? undefined;
}
