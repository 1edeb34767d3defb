/** User profiles in the table (name, role, contact details), without Cognito: what most features read of a user. */
import { getItem, getItems } from '#shared/platform/db.ts';
import { type UserItem, userKey } from '#shared/users/user.entity.ts';

/**
 * The profile of a user, or `undefined`. One GetItem (`consistent`: strongly consistent, as the actor resolver
 * reads it so that a disable or logout counts from the very next request).
 */
export function findUser(
  userId: string,
  options: { consistent?: boolean } = {},
): Promise<UserItem | undefined> {
  return getItem<UserItem>(userKey(userId), options);
}

/**
 * The profiles of several users, by id (one BatchGetItem per 100 distinct ids; none for an empty list). Ids
 * without a profile are absent from the map.
 */
export async function findUsers(userIds: Iterable<string | undefined>): Promise<Map<string, UserItem>> {
  const ids = [...new Set([...userIds].filter((id): id is string => Boolean(id)))];
  if (ids.length === 0) return new Map();
  const users = await getItems<UserItem>(ids.map(userKey));
  return new Map(users.map((user) => [user.userId, user]));
}
