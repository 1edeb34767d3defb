/**
 * User accounts: a Cognito user (sign-in, password, group = role) plus a profile item in the table (name, role,
 * phone for SMS). Used by `POST /auth/signup` and by the local stack's demo seeding.
 */
import {
  AdminAddUserToGroupCommand,
  AdminConfirmSignUpCommand,
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminGetUserCommand,
  AdminSetUserPasswordCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { cognitoClient } from '#shared/platform/aws-clients.ts';
import { config } from '#shared/platform/config.ts';
import { updateItem } from '#shared/platform/db.ts';
import { nowIso } from '#shared/platform/entity.ts';
import type { RoleName } from '#shared/roles/roles.ts';
import { accountError } from '#shared/users/cognito-errors.ts';
import { type UserItem, userEntity, userKey } from '#shared/users/user.entity.ts';

export interface NewAccount {
  readonly email: string;
  readonly password: string;
  readonly name: string;
  /** E.164 phone number, e.g. `+15555550100`. */
  readonly phone?: string | undefined;
  readonly smsOptIn?: boolean | undefined;
}

const errorName = (error: unknown) => (error as { name?: string } | undefined)?.name;

/** Write the profile (an upsert: `createdAt` is kept when the profile exists). One UpdateItem. */
async function putProfile(userId: string, account: NewAccount, role: RoleName): Promise<UserItem> {
  const profile = await updateItem<UserItem>(
    userKey(userId),
    {
      set: {
        entityType: userEntity,
        userId,
        email: account.email.toLowerCase(),
        name: account.name,
        role,
        phone: account.phone,
        smsOptIn: account.smsOptIn ?? false,
      },
      setIfMissing: { createdAt: nowIso() },
    },
    { returnNew: true },
  );
  if (!profile) throw new Error(`The profile of ${userId} was not written.`);
  return profile;
}

/**
 * Self sign-up of a requester (requesters register themselves; nobody else does): Cognito `SignUp`, then
 * `AdminConfirmSignUp` (no email code round trip), group `requester`, and the profile item. If any step after
 * `SignUp` fails, the Cognito user is deleted again so that the email can sign up once more.
 * @throws Conflict (the email has an account), InvalidInput (password or attributes Cognito refuses),
 *   RateLimited; other Cognito errors as they are
 */
export async function signUpRequester(account: NewAccount): Promise<UserItem> {
  return createRequester(account).catch((error: unknown) => {
    throw accountError(error, 'signup');
  });
}

async function createRequester(account: NewAccount): Promise<UserItem> {
  const cognito = cognitoClient();
  const signUp = await cognito.send(
    new SignUpCommand({
      ClientId: config.userPoolClientId,
      Username: account.email.toLowerCase(),
      Password: account.password,
      UserAttributes: [
        { Name: 'email', Value: account.email.toLowerCase() },
        { Name: 'name', Value: account.name },
      ],
    }),
  );
  const userId = signUp.UserSub as string;
  const username = account.email.toLowerCase();
  try {
    await cognito.send(new AdminConfirmSignUpCommand({ UserPoolId: config.userPoolId, Username: username }));
    await cognito.send(
      new AdminAddUserToGroupCommand({
        UserPoolId: config.userPoolId,
        Username: username,
        GroupName: 'requester',
      }),
    );
    return await putProfile(userId, account, 'requester');
  } catch (error) {
    await cognito
      .send(new AdminDeleteUserCommand({ UserPoolId: config.userPoolId, Username: username }))
      .catch(() => undefined);
    throw error;
  }
}

/**
 * Create an account with a given role and a permanent password, or return the existing one (idempotent by
 * email). For seeding demo and test accounts; admins creating agents will use it too.
 * @returns the user id (Cognito `sub`)
 */
export async function provisionAccount(
  account: NewAccount & { role: RoleName },
): Promise<{ userId: string }> {
  const cognito = cognitoClient();
  const username = account.email.toLowerCase();
  let userId: string | undefined;
  try {
    const existing = await cognito.send(
      new AdminGetUserCommand({ UserPoolId: config.userPoolId, Username: username }),
    );
    userId = existing.UserAttributes?.find((attribute) => attribute.Name === 'sub')?.Value;
  } catch (error) {
    if (errorName(error) !== 'UserNotFoundException') throw error;
  }
  if (!userId) {
    const createdUser = await cognito.send(
      new AdminCreateUserCommand({
        UserPoolId: config.userPoolId,
        Username: username,
        MessageAction: 'SUPPRESS',
        UserAttributes: [
          { Name: 'email', Value: username },
          { Name: 'email_verified', Value: 'true' },
          { Name: 'name', Value: account.name },
          ...(account.phone ? [{ Name: 'phone_number', Value: account.phone }] : []),
        ],
      }),
    );
    userId = createdUser.User?.Attributes?.find((attribute) => attribute.Name === 'sub')?.Value;
    if (!userId) throw new Error(`Cognito returned no sub for ${username}`);
    await cognito.send(
      new AdminSetUserPasswordCommand({
        UserPoolId: config.userPoolId,
        Username: username,
        Password: account.password,
        Permanent: true,
      }),
    );
  }
  await cognito.send(
    new AdminAddUserToGroupCommand({
      UserPoolId: config.userPoolId,
      Username: username,
      GroupName: account.role,
    }),
  );
  await putProfile(userId, account, account.role);
  return { userId };
}
