/**
 * A user profile: name, role and contact details; the Cognito user holds sign-in and password.
 * Stored at `pk = USER#<userId>`, `sk = PROFILE`.
 */
export interface UserItem {
  /** The Cognito `sub`. */
  readonly userId: string;
  /** Lower-cased. */
  readonly email: string;
  readonly name: string;
  /** A built-in role (`admin`, `agent`, `requester`) or one an admin created. */
  readonly role: string;
  /** Tickets this user opened (maintained on each create). */
  readonly ticketsCount?: number;
  /** E.164 phone number for SMS, e.g. `+15555550100`. */
  readonly phone?: string | undefined;
  /** Whether the user agreed to receive SMS (sent only with a phone number and this consent). */
  readonly smsOptIn: boolean;
  /** ISO 8601. */
  readonly createdAt: string;
  readonly updatedAt?: string;
}

export const userEntity = 'user';

/** The key of a user's profile. */
export const userKey = (userId: string) => ({ pk: `USER#${userId}`, sk: 'PROFILE' });

/** The stored item of a profile. */
export const userRecord = (user: UserItem) => ({ ...user, ...userKey(user.userId), entityType: userEntity });
