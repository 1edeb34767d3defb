/** User profiles in the table (name, role, contact details), without Cognito: what most features read of a user. */
import { getItem } from '#shared/platform/db.ts';
import { type UserItem, userKey } from '#shared/users/user.entity.ts';

/** The profile of a user, or `undefined`. One GetItem. */
export function findUser(userId: string): Promise<UserItem | undefined> {
  return getItem<UserItem>(userKey(userId));
}
