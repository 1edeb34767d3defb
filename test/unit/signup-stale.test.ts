/**
 * An address held by a sign-up nobody confirmed: freed once the code Cognito mailed has expired (24 hours), kept
 * while it may still be confirmed, and never taken from a confirmed account. Cognito (the provider) and the table
 * writes are stubbed to force each case; the flow against cognito-local is in test/integration/identity.test.ts.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const sent: string[] = [];
const deleted: unknown[] = [];
let holder: { status: string; ageSeconds: number } | undefined;
let signUps = 0;

vi.mock('#shared/platform/aws-clients.ts', () => ({
  cognitoClient: () => ({
    send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      const name = command.constructor.name;
      sent.push(name);
      if (name === 'SignUpCommand') {
        signUps += 1;
        if (holder) throw Object.assign(new Error('exists'), { name: 'UsernameExistsException' });
        return { UserSub: 'new-sub' };
      }
      if (name === 'AdminGetUserCommand') {
        if (!holder) throw Object.assign(new Error('none'), { name: 'UserNotFoundException' });
        return {
          Username: 'old-sub',
          UserStatus: holder.status,
          UserCreateDate: new Date(Date.now() - holder.ageSeconds * 1000),
          UserAttributes: [{ Name: 'sub', Value: 'old-sub' }],
        };
      }
      if (name === 'AdminDeleteUserCommand') {
        holder = undefined;
        return {};
      }
      return {};
    },
  }),
}));

vi.mock('#shared/platform/db.ts', async (original) => ({
  ...(await original<typeof import('#shared/platform/db.ts')>()),
  putItem: async () => undefined,
  deleteItem: async (key: unknown) => {
    deleted.push(key);
  },
}));

const { signUpRequester, unconfirmedSignUpHoldSeconds } = await import('#shared/users/accounts.ts');
const account = { email: 'Held@Example.com', password: 'Long-enough-pass-1', name: 'Hal Held' };

beforeEach(() => {
  vi.stubEnv('USER_POOL_ID', 'us-east-1_unit');
  vi.stubEnv('USER_POOL_CLIENT_ID', 'unit-client');
  sent.length = 0;
  deleted.length = 0;
  signUps = 0;
  holder = undefined;
});

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('an address held by an unconfirmed sign-up', () => {
  it('is freed once its code expired: the stale user and profile go, and the sign-up creates the account', async () => {
    holder = { status: 'UNCONFIRMED', ageSeconds: unconfirmedSignUpHoldSeconds + 60 };
    const outcome = await signUpRequester(account);
    expect(outcome.created).toBe(true);
    expect(sent).toContain('AdminDeleteUserCommand');
    expect(deleted).toEqual([{ pk: 'USER#old-sub', sk: 'PROFILE' }]);
    expect(signUps).toBe(2);
  });

  it('is kept while the code may still be confirmed: the answer is the taken-address one', async () => {
    holder = { status: 'UNCONFIRMED', ageSeconds: unconfirmedSignUpHoldSeconds - 60 };
    expect(await signUpRequester(account)).toEqual({ created: false, email: 'held@example.com' });
    expect(sent).not.toContain('AdminDeleteUserCommand');
    expect(deleted).toEqual([]);
  });

  it('is never taken from a confirmed account, however old', async () => {
    holder = { status: 'CONFIRMED', ageSeconds: 10 * unconfirmedSignUpHoldSeconds };
    expect(await signUpRequester(account)).toEqual({ created: false, email: 'held@example.com' });
    expect(sent).not.toContain('AdminDeleteUserCommand');
    expect(signUps).toBe(1);
  });
});
