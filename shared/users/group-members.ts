/**
 * The members of an approver group (`ApproverGroup`, `shared/inventory/config.ts`): who approves a cable request
 * that names no approver, and who the inventory team is. Never a Scan:
 * - `role:<name>`: that role's users from gsi5, one Query per shard partition `ROLE#<role>#<shard>`
 *   (`roleUsersPartition`, {@link userListShards} of them, in parallel), each read to its end in pages of
 *   {@link memberPageSize}, {@link maxGroupMembers} users at most in all (`docs/data-model.md`, "users of a role");
 * - a list of user ids: their profiles, one BatchGetItem (`findUsers`).
 * Only enabled users count (`disabled` is projected into gsi5). gsi5 is eventually consistent: a role given a moment
 * ago may be missing, which is why a decision re-checks the decider's own profile (`isGroupApprover`,
 * `shared/tickets/policy.ts`).
 */
import type { ApproverGroup } from '#shared/inventory/config.ts';
import { queryPage } from '#shared/platform/db.ts';
import { findUsers } from '#shared/users/profiles.ts';
import { roleUsersPartition, type UserItem, userListShards } from '#shared/users/user.entity.ts';

/** Most members a group lookup returns (a larger role is cut, in user id order). */
export const maxGroupMembers = 200;

/** Users one Query page of a role's shard reads. */
export const memberPageSize = 100;

type Member = Pick<UserItem, 'userId' | 'disabled'>;

/** Every enabled user of one shard of a role, page by page, at most `max`. */
async function roleShardMembers(role: string, shard: number, max: number): Promise<string[]> {
  const members: string[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await queryPage<Member>({
      index: 'gsi5',
      partition: roleUsersPartition(role, shard),
      limit: memberPageSize,
      startKey,
    });
    for (const user of page.items) if (!user.disabled) members.push(user.userId);
    startKey = page.lastKey;
  } while (startKey && members.length < max);
  return members.slice(0, max);
}

/**
 * The user ids of a group's enabled members, sorted by user id for a role (stable from call to call), in the
 * listed order for a list of ids (ids without a profile left out), {@link maxGroupMembers} at most.
 * @returns possibly empty (a role nobody has, a list of disabled or unknown users)
 */
export async function membersOf(group: ApproverGroup): Promise<string[]> {
  if (group.kind === 'users') {
    const ids = [...new Set(group.userIds)];
    const users = await findUsers(ids);
    return ids
      .filter((id) => {
        const user = users.get(id);
        return user !== undefined && !user.disabled;
      })
      .slice(0, maxGroupMembers);
  }
  const shards = await Promise.all(
    Array.from({ length: userListShards }, (_, shard) =>
      roleShardMembers(group.role, shard, maxGroupMembers),
    ),
  );
  return [...new Set(shards.flat())].sort().slice(0, maxGroupMembers);
}
