/**
 * User accounts: a Cognito user (sign-in, password; for built-in roles a group of the same name, mirroring the
 * role for token consumers) plus a profile item in the table (name, role, phone for SMS, disabled). The profile
 * is the authority: the API reads the role and the disabled state from it on every request (docs/roles.md).
 *
 * Every Cognito call an existing user needs goes by user id (the `sub`): with email as the sign-in alias, the
 * Cognito user name is the `sub` itself, and the admin calls accept it locally too.
 */
import { randomInt } from 'node:crypto';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminGetUserCommand,
  type AdminGetUserCommandOutput,
  AdminRemoveUserFromGroupCommand,
  AdminSetUserPasswordCommand,
  AdminUpdateUserAttributesCommand,
  ChangePasswordCommand,
  ConfirmSignUpCommand,
  ResendConfirmationCodeCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { cognitoClient } from '#shared/platform/aws-clients.ts';
import { config } from '#shared/platform/config.ts';
import { deleteItem, getItem, putItem, updateItem } from '#shared/platform/db.ts';
import { nowIso } from '#shared/platform/entity.ts';
import { isBuiltInRole, type RoleName, signUpRole } from '#shared/roles/roles.ts';
import { accountError } from '#shared/users/cognito-errors.ts';
import { type UserItem, userKey, userRecord } from '#shared/users/user.entity.ts';

export interface NewAccount {
  readonly email: string;
  readonly password: string;
  readonly name: string;
  /** E.164 phone number, e.g. `+15555550100`. */
  readonly phone?: string | undefined;
  readonly smsOptIn?: boolean | undefined;
}

const errorName = (error: unknown) => (error as { name?: string } | undefined)?.name;
const poolId = () => config.userPoolId;

/** What self sign-up did: created the account, or found the email taken (and mailed its owner instead). */
export type SignUpOutcome =
  | { readonly created: true; readonly profile: UserItem }
  | { readonly created: false; readonly email: string };

/**
 * Self sign-up of a requester (requesters register themselves; nobody signs up into another role): Cognito
 * `SignUp`, which leaves the account unconfirmed and mails a code to the address (the pool auto-verifies email),
 * then group `requester` and the profile item with `emailVerified: false` (and `phoneVerified: false` with a phone
 * number). The account signs in only after `POST /auth/confirm` ({@link confirmAccount}). If any step after
 * `SignUp` fails, the Cognito user is deleted again so that the email can sign up once more.
 *
 * An email that has an account (`UsernameExistsException`, `AliasExistsException` from `SignUp`) creates nothing
 * and changes nothing: the outcome says `created: false`, and the route mails the owner (`signup-notice.ts`) and
 * answers exactly as for a new account, so that sign-up does not reveal who has an account (docs/security.md).
 * An address held by an unconfirmed sign-up whose code expired is freed first and signed up anew.
 * @param freed set on the one retry after freeing the address
 * @throws InvalidInput (password or attributes Cognito refuses), RateLimited; other Cognito errors as they are
 */
export async function signUpRequester(account: NewAccount, freed = false): Promise<SignUpOutcome> {
  try {
    return { created: true, profile: await createRequester(account) };
  } catch (error) {
    const name = errorName(error);
    if (name === 'UsernameExistsException' || name === 'AliasExistsException') {
      if (!freed && (await releaseStaleSignUp(account.email))) return signUpRequester(account, true);
      return { created: false, email: account.email.toLowerCase() };
    }
    throw accountError(error, 'signup');
  }
}

/**
 * How long an unconfirmed sign-up holds its address, seconds: the life of the code Cognito mails at sign-up (24
 * hours, "Signing up and confirming user accounts", Amazon Cognito developer guide). Past it nobody can confirm
 * the account any more without asking for a new code, which goes to the address's owner.
 */
export const unconfirmedSignUpHoldSeconds = 24 * 60 * 60;

/**
 * Frees an address held by a sign-up that was never confirmed and whose code has expired
 * ({@link unconfirmedSignUpHoldSeconds}): deletes that Cognito user and its profile, so that whoever owns the
 * address can sign up (else anyone could block an address forever by signing up with it first). A confirmed
 * account, or an unconfirmed one still within its code's life, is left alone.
 * @returns whether the address was freed (then the caller signs up again, once: a second refusal is a real owner)
 */
async function releaseStaleSignUp(email: string): Promise<boolean> {
  let found: AdminGetUserCommandOutput;
  try {
    found = await cognitoClient().send(
      new AdminGetUserCommand({ UserPoolId: poolId(), Username: email.toLowerCase() }),
    );
  } catch (error) {
    if (errorName(error) === 'UserNotFoundException') return false;
    throw error;
  }
  const createdAt = found.UserCreateDate ? new Date(found.UserCreateDate).getTime() : Number.NaN;
  if (found.UserStatus !== 'UNCONFIRMED' || !(Date.now() - createdAt >= unconfirmedSignUpHoldSeconds * 1000))
    return false;
  const userId = found.UserAttributes?.find((attribute) => attribute.Name === 'sub')?.Value ?? found.Username;
  if (!userId) return false;
  try {
    await deleteAccount(userId);
  } catch (error) {
    // Another sign-up freed it at the same moment.
    if (errorName(error) !== 'UserNotFoundException') throw error;
  }
  await deleteItem(userKey(userId));
  return true;
}

async function createRequester(account: NewAccount): Promise<UserItem> {
  const cognito = cognitoClient();
  const username = account.email.toLowerCase();
  const signUp = await cognito.send(
    new SignUpCommand({
      ClientId: config.userPoolClientId,
      Username: username,
      Password: account.password,
      UserAttributes: [
        { Name: 'email', Value: username },
        { Name: 'name', Value: account.name },
      ],
    }),
  );
  const userId = signUp.UserSub as string;
  try {
    await addToRoleGroup(userId, signUpRole);
    const profile = { ...newProfile(userId, account, signUpRole), emailVerified: false };
    await putItem(userRecord(profile));
    return profile;
  } catch (error) {
    await deleteAccount(userId).catch(() => undefined);
    throw error;
  }
}

/** A new profile: no tickets yet, enabled. */
function newProfile(
  userId: string,
  account: Omit<NewAccount, 'password'>,
  role: string,
): UserItem & { ticketsCount: number } {
  return {
    userId,
    email: account.email.toLowerCase(),
    name: account.name,
    role,
    phone: account.phone,
    ...(account.phone ? { phoneVerified: false } : {}),
    smsOptIn: account.smsOptIn ?? false,
    ticketsCount: 0,
    disabled: false,
    createdAt: nowIso(),
  };
}

/**
 * Confirm a self sign-up with the code Cognito mailed (`ConfirmSignUp`), then mark the profile's email verified
 * (`AdminGetUser` for the user id, one UpdateItem). The profile is also marked at the next sign-in, should this
 * last step fail ({@link markEmailVerified}).
 * @throws InvalidInput on `/code` for a wrong or expired code, an unknown address or one confirmed already (one
 *   answer for all, so the route reveals no account); RateLimited
 */
export async function confirmAccount(email: string, code: string): Promise<void> {
  const username = email.toLowerCase();
  await cognitoClient()
    .send(
      new ConfirmSignUpCommand({
        ClientId: config.userPoolClientId,
        Username: username,
        ConfirmationCode: code,
      }),
    )
    .catch((error: unknown) => {
      throw accountError(error, 'confirm');
    });
  const userId = await accountOfEmail(username);
  if (userId) await markEmailVerified(userId);
}

/** Set `emailVerified: true` on a profile that has `false` (no write otherwise; nothing for a missing profile). */
export async function markEmailVerified(userId: string): Promise<void> {
  await updateItem(
    userKey(userId),
    { set: { emailVerified: true } },
    {
      condition: {
        expression: 'attribute_exists(pk) AND #emailVerified = :false',
        names: { '#emailVerified': 'emailVerified' },
        values: { ':false': false },
      },
    },
  );
}

/**
 * Mail a new confirmation code to an address that signed up and is not confirmed yet (`ResendConfirmationCode`).
 * Answers alike for an unknown address and a confirmed account (nothing is sent), so the route reveals no account.
 * @throws RateLimited when Cognito says too many
 */
export async function resendConfirmationCode(email: string): Promise<void> {
  try {
    await cognitoClient().send(
      new ResendConfirmationCodeCommand({ ClientId: config.userPoolClientId, Username: email.toLowerCase() }),
    );
  } catch (error) {
    const name = errorName(error);
    if (name === 'LimitExceededException' || name === 'TooManyRequestsException')
      throw accountError(error, 'signup');
    // UserNotFoundException, InvalidParameterException (confirmed already): nothing to send, the same answer.
    if (
      name === 'UserNotFoundException' ||
      name === 'InvalidParameterException' ||
      name === 'NotAuthorizedException'
    )
      return;
    throw error;
  }
}

/**
 * A password Cognito's default policy takes (upper and lower case, digits, symbols; 16 characters), from
 * `crypto.randomInt`: the temporary password of an account an admin creates.
 */
export function temporaryPassword(): string {
  const sets = ['ABCDEFGHJKLMNPQRSTUVWXYZ', 'abcdefghijkmnopqrstuvwxyz', '23456789', '-_.!#%'];
  const all = sets.join('');
  const chars = [
    ...sets.map((set) => set[randomInt(set.length)]),
    ...Array.from({ length: 12 }, () => all[randomInt(all.length)]),
  ];
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j], chars[i]];
  }
  return chars.join('');
}

/**
 * Create the Cognito user of an account an admin creates, with a temporary password that must be changed at the
 * first sign-in (`AdminCreateUser` with `MessageAction: SUPPRESS`: Cognito sends nothing, the API returns the
 * password once), and put it in its role's group when the role is built-in.
 * @returns the user id and the temporary password
 * @throws Conflict when the email has an account; InvalidInput for attributes Cognito refuses
 */
export async function createCognitoUser(account: {
  email: string;
  name: string;
  role: string;
}): Promise<{ userId: string; temporaryPassword: string }> {
  const password = temporaryPassword();
  const email = account.email.toLowerCase();
  try {
    const created = await cognitoClient().send(
      new AdminCreateUserCommand({
        UserPoolId: poolId(),
        Username: email,
        TemporaryPassword: password,
        MessageAction: 'SUPPRESS',
        UserAttributes: [
          { Name: 'email', Value: email },
          { Name: 'email_verified', Value: 'true' },
          { Name: 'name', Value: account.name },
        ],
      }),
    );
    const userId = created.User?.Attributes?.find((attribute) => attribute.Name === 'sub')?.Value;
    if (!userId) throw new Error(`Cognito returned no sub for ${email}`);
    try {
      await addToRoleGroup(userId, account.role);
    } catch (error) {
      await deleteAccount(userId).catch(() => undefined);
      throw error;
    }
    return { userId, temporaryPassword: password };
  } catch (error) {
    throw accountError(error, 'signup');
  }
}

/** Delete a Cognito user (undoing a creation whose later steps failed). */
export async function deleteAccount(userId: string): Promise<void> {
  await cognitoClient().send(new AdminDeleteUserCommand({ UserPoolId: poolId(), Username: userId }));
}

/** Put a user in the group of a built-in role (custom roles have no group). */
async function addToRoleGroup(userId: string, role: string): Promise<void> {
  if (!isBuiltInRole(role)) return;
  await cognitoClient().send(
    new AdminAddUserToGroupCommand({ UserPoolId: poolId(), Username: userId, GroupName: role }),
  );
}

/**
 * Move a user from the group of their old role to that of the new one (built-in roles only). The groups only
 * mirror the role for token consumers: the API reads the role from the profile.
 */
export async function moveRoleGroup(userId: string, from: string, to: string): Promise<void> {
  if (from === to) return;
  if (isBuiltInRole(from)) {
    await cognitoClient().send(
      new AdminRemoveUserFromGroupCommand({ UserPoolId: poolId(), Username: userId, GroupName: from }),
    );
  }
  await addToRoleGroup(userId, to);
}

/** The user id of the account signed in with this email, or `undefined` (`AdminGetUser` by the email alias). */
export async function accountOfEmail(email: string): Promise<string | undefined> {
  try {
    const user = await cognitoClient().send(
      new AdminGetUserCommand({ UserPoolId: poolId(), Username: email.toLowerCase() }),
    );
    return user.UserAttributes?.find((attribute) => attribute.Name === 'sub')?.Value;
  } catch (error) {
    if (errorName(error) === 'UserNotFoundException') return undefined;
    throw error;
  }
}

/**
 * Change the sign-in email and the name of a Cognito user (`AdminUpdateUserAttributes`). An email is set with
 * `email_verified = true`, so Cognito mails no code of its own and the account keeps signing in, now with the new
 * email; its `sub`, and so the user id, stays. Only `verifyEmailCode` (`email-verification.ts`) sets an email: once
 * the code mailed to it came back, or to set the old one back.
 * @throws Conflict when the email has another account (`AliasExistsException`); InvalidInput for a value Cognito
 *   refuses
 */
export async function updateAccountAttributes(
  userId: string,
  attributes: { email?: string | undefined; name?: string | undefined },
): Promise<void> {
  const list = [
    ...(attributes.email
      ? [
          { Name: 'email', Value: attributes.email.toLowerCase() },
          { Name: 'email_verified', Value: 'true' },
        ]
      : []),
    ...(attributes.name ? [{ Name: 'name', Value: attributes.name }] : []),
  ];
  if (list.length === 0) return;
  await cognitoClient()
    .send(
      new AdminUpdateUserAttributesCommand({ UserPoolId: poolId(), Username: userId, UserAttributes: list }),
    )
    .catch((error: unknown) => {
      throw accountError(error, 'update');
    });
}

/** Enable or disable sign-in (`AdminEnableUser` / `AdminDisableUser`). */
export async function setAccountEnabled(userId: string, enabled: boolean): Promise<void> {
  const input = { UserPoolId: poolId(), Username: userId };
  await cognitoClient().send(
    enabled ? new AdminEnableUserCommand(input) : new AdminDisableUserCommand(input),
  );
}

/**
 * Change the caller's own password with their access token and current password (`ChangePassword`: Cognito
 * checks the current password; no IAM permission involved).
 * @throws InvalidInput on `/currentPassword` when it is wrong, on `/password` when the pool refuses the new one
 */
export async function changeOwnPassword(accessToken: string, current: string, next: string): Promise<void> {
  await cognitoClient()
    .send(
      new ChangePasswordCommand({
        AccessToken: accessToken,
        PreviousPassword: current,
        ProposedPassword: next,
      }),
    )
    .catch((error: unknown) => {
      throw accountError(error, 'password');
    });
}

/**
 * Create an account with a given built-in role and a permanent password, or bring the existing one (same email)
 * up to date: for seeding the demo and test accounts. Keeps an existing profile's ticket count, disabled state and
 * revoked sessions.
 * @returns the user id (Cognito `sub`)
 */
export async function provisionAccount(
  account: NewAccount & { role: RoleName },
): Promise<{ userId: string }> {
  const cognito = cognitoClient();
  const username = account.email.toLowerCase();
  let userId = await accountOfEmail(username);
  if (!userId) {
    userId = (await createCognitoUser(account)).userId;
    await cognito.send(
      new AdminSetUserPasswordCommand({
        UserPoolId: poolId(),
        Username: username,
        Password: account.password,
        Permanent: true,
      }),
    );
  }
  await addToRoleGroup(userId, account.role);
  const existing = await getItem<UserItem>(userKey(userId), { consistent: true });
  // Seeded accounts' numbers count as verified (the demo SMS go to the local SNS log).
  const profile = {
    ...newProfile(userId, account, account.role),
    ...(account.phone ? { phoneVerified: true } : {}),
  };
  await putItem(
    userRecord({
      ...profile,
      ticketsCount: existing?.ticketsCount ?? 0,
      disabled: existing?.disabled ?? false,
      sessionsRevokedAt: existing?.sessionsRevokedAt,
      createdAt: existing?.createdAt ?? profile.createdAt,
    }),
  );
  return { userId };
}
