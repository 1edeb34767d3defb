/**
 * The demo accounts of local development (PRODUCT: "Demo accounts exist in local development, with their
 * credentials printed at start"), also seeded by the integration tests' global setup. Seeding goes through the
 * same `provisionAccount` the service uses, so it is idempotent and restarts keep the same user ids.
 */
import type { RoleName } from '#shared/roles/roles.ts';

/** Satisfies the new-password rules (`shared/users/schemas.ts`: 12+ characters with lower case, upper case and a digit, not a common password). */
export const demoPassword = 'Demo-pass-word-1';

export interface DemoAccount {
  readonly email: string;
  readonly name: string;
  readonly role: RoleName;
  /**
   * E.164 number that receives SMS (opted in, and seeded verified by `provisionAccount`: no SMS code round), visible in
   * the local SMS log.
   */
  readonly phone?: string;
}

export const demoAccounts: readonly DemoAccount[] = [
  { email: 'admin@example.com', name: 'Ada Admin', role: 'admin' },
  { email: 'agent@example.com', name: 'Alex Agent', role: 'agent', phone: '+15555550100' },
  { email: 'requester@example.com', name: 'Riley Requester', role: 'requester', phone: '+15555550101' },
];

export interface SeededAccount extends DemoAccount {
  readonly userId: string;
  readonly password: string;
}

/**
 * Creates the demo accounts unless they exist: confirmed (an admin's `AdminCreateUser` with `email_verified`, no
 * code) and with verified phone numbers, so they sign in and get mail and SMS at once. Needs the stack's environment on `process.env` (the shared
 * clients read it), so call it after `startLocalStack`.
 */
export async function seedDemoAccounts(): Promise<SeededAccount[]> {
  // Imported late: the shared modules read process.env, which the stack has just set.
  const { provisionAccount } = await import('#shared/users/accounts.ts');
  const seeded: SeededAccount[] = [];
  for (const account of demoAccounts) {
    const { userId } = await provisionAccount({
      email: account.email,
      password: demoPassword,
      name: account.name,
      role: account.role,
      phone: account.phone,
      smsOptIn: account.phone !== undefined,
    });
    seeded.push({ ...account, userId, password: demoPassword });
  }
  // The demo data's optics parts list (shared/optics/optics.entity.ts), unless one is stored already.
  const { seedOpticsParts } = await import('#shared/optics/operations.ts');
  await seedOpticsParts();
  return seeded;
}
