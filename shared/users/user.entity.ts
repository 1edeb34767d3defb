/**
 * A user profile: name, role, contact details, and the state the API checks on every request (`disabled`,
 * `sessionsRevokedAt`); the Cognito user holds sign-in and password. Stored at `pk = USER#<userId>`,
 * `sk = PROFILE`.
 *
 * Lists (`docs/data-model.md`), all over profiles only (tickets have no gsi4-6 keys):
 * - every user, most tickets opened first: gsi4, partition `USERS#<shard>` (the shard, 0 to
 *   {@link userListShards} − 1, from the user id, so ticket creation spreads its index writes), sort key the number
 *   `ticketsCount` itself, so the ticket create's `ADD ticketsCount 1` moves the user in the list with no other
 *   write;
 * - users of a role, most tickets first: gsi5, partition `ROLE#<role>#<shard>`, sort key `ticketsCount`;
 * - names by prefix: gsi6, partition `NAMES#<directory>#<first character of the lower-cased name>`, sort key the
 *   lower-cased name. The directory is `approver` for enabled users whose role may approve (the approver
 *   directory anyone signed in may search) and `user` for everyone else.
 * {@link userIndexKeys} derives every index key from the profile's fields; writers set the keys a change alters
 * ({@link userIndexKeyChanges}), so the indexes never disagree with the item.
 */
import { createHash } from 'node:crypto';
import { canApprove } from '#shared/roles/roles.ts';

export interface UserItem {
  /** The Cognito `sub`. */
  readonly userId: string;
  /** Lower-cased. The verified address: it signs in and gets every mail. */
  readonly email: string;
  /**
   * Lower-cased. A new address that waits for the code mailed to it (`shared/users/email-verification.ts`): it
   * gets nothing else, and signs in only once `POST /me/email/verify` moved it to `email`. Absent when none waits.
   */
  readonly pendingEmail?: string | undefined;
  readonly name: string;
  /** A built-in role (`admin`, `agent`, `requester`) or one an admin created. */
  readonly role: string;
  /** Tickets this user opened (the ticket create adds 1); 0 from the start, so every user is in gsi4 and gsi5. */
  readonly ticketsCount?: number;
  /** E.164 phone number for SMS, e.g. `+15555550100`. */
  readonly phone?: string | undefined;
  /** Whether the user agreed to receive SMS (sent only with a verified phone number and this consent). */
  readonly smsOptIn: boolean;
  /**
   * Whether the user gets the email digest of direct messages that wait unread (`shared/messages/digest.ts`);
   * absent means yes (the default), `false` turns it off (`PATCH /users/{userId}`).
   */
  readonly messageEmails?: boolean | undefined;
  /**
   * `false` while the phone number awaits its SMS code (`POST /me/phone/code`, then
   * `POST /me/phone/verify`): no SMS goes to it until then. Setting or changing the number makes it `false`; absent
   * without a phone number, and on profiles from before phone verification (counted as verified). Seeded accounts
   * are `true`.
   */
  readonly phoneVerified?: boolean | undefined;
  /**
   * `false` from self sign-up until the email address is confirmed with the code Cognito mailed
   * (`POST /auth/confirm`): the notifier sends such an account nothing. Absent (accounts an admin created, seeded
   * ones, profiles from before) means confirmed.
   */
  readonly emailVerified?: boolean | undefined;
  /** A disabled user can neither sign in nor call the API; their tickets and comments stay. */
  readonly disabled?: boolean | undefined;
  /**
   * ISO 8601: tokens issued at or before this second are refused (logout, disable). Cognito's JWTs stay valid
   * until they expire, so the API checks this on every request.
   */
  readonly sessionsRevokedAt?: string | undefined;
  /** ISO 8601. */
  readonly createdAt: string;
  readonly updatedAt?: string;
}

export const userEntity = 'user';

/**
 * How many gsi4 (and, per role, gsi5) partitions hold the user lists. Every ticket created writes its requester's
 * entry in both indexes (the sort key changes), so like the ticket list, 8 partitions take ≈ 8,000 new tickets/s;
 * a list page reads all 8. Changing it needs the index keys of existing profiles rewritten.
 */
export const userListShards = 8;

/** The list shard of a user: stable, uniform over {@link userListShards}. */
export function userShard(userId: string): number {
  return (createHash('sha256').update(userId).digest()[0] ?? 0) % userListShards;
}

/** The key of a user's profile. */
export const userKey = (userId: string) => ({ pk: `USER#${userId}`, sk: 'PROFILE' });

/** The partition of one shard of the every-user list (gsi4). */
export const allUsersPartition = (shard: number) => ({ gsi4pk: `USERS#${shard}` });

/** The partition of one shard of a role's users (gsi5). */
export const roleUsersPartition = (role: string, shard: number) => ({ gsi5pk: `ROLE#${role}#${shard}` });

/** The two name directories of gsi6: people who may approve (searchable by anyone signed in), everyone else. */
export type NameDirectory = 'approver' | 'user';

/** How names are compared: trimmed, lower case, accents folded (`Ádá` is found as `ada`). */
export const nameKey = (name: string) => name.normalize('NFKD').replace(/\p{M}/gu, '').trim().toLowerCase();

/** The gsi6 partition of the names in `directory` starting with the first character of `prefix`. */
export function namesPartition(directory: NameDirectory, prefix: string) {
  const first = [...nameKey(prefix)][0] ?? '';
  return { gsi6pk: `NAMES#${directory}#${first}` };
}

/** The name directory of a user: `approver` for enabled users whose role may approve. */
export const nameDirectory = (user: Pick<UserItem, 'role' | 'disabled'>): NameDirectory =>
  canApprove(user.role) && !user.disabled ? 'approver' : 'user';

/** The index keys of a profile, from its fields. */
export function userIndexKeys(
  user: Pick<UserItem, 'userId' | 'role' | 'name' | 'disabled'>,
): Record<string, string> {
  const shard = userShard(user.userId);
  return {
    ...allUsersPartition(shard),
    ...roleUsersPartition(user.role, shard),
    ...namesPartition(nameDirectory(user), user.name),
    gsi6sk: nameKey(user.name),
  };
}

/** The index keys a change alters (those that differ between the profile before and after). */
export function userIndexKeyChanges(before: UserItem, after: UserItem): Record<string, string> {
  const was = userIndexKeys(before);
  const is = userIndexKeys(after);
  return Object.fromEntries(Object.entries(is).filter(([name, value]) => was[name] !== value));
}

/** The stored item of a profile: keys, index keys (`ticketsCount` 0 unless given), entity name and fields. */
export const userRecord = (user: UserItem) => ({
  ...user,
  ticketsCount: user.ticketsCount ?? 0,
  ...userKey(user.userId),
  ...userIndexKeys(user),
  entityType: userEntity,
});
