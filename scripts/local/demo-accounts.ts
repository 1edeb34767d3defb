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
  /** A built-in role, or the demo inventory team's role ({@link demoInventoryRole}). */
  readonly role: RoleName | typeof demoInventoryRole.name;
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
  // The inventory team: the cable approver group (`role:inventory`, shared/inventory/config.ts), so a cable request
  // without approver mails and texts both.
  { email: 'ivy.inventory@example.com', name: 'Ivy Inventory', role: 'inventory', phone: '+15555550110' },
  { email: 'ian.inventory@example.com', name: 'Ian Inventory', role: 'inventory', phone: '+15555550111' },
];

/**
 * The demo inventory team's custom role: agent-like (sees, edits, works and assigns every ticket), and it may open
 * tickets too (the team requests cable for its own jobs; the group never approves its own requests).
 */
export const demoInventoryRole = {
  name: 'inventory',
  description: 'Inventory team: approves cable requests, receives and issues stock',
  permissions: {
    canViewAll: true,
    canEditAll: true,
    canManageTickets: true,
    canAssignTickets: true,
    canCreateTickets: true,
  },
} as const;

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
  // The inventory role, unless it exists (its members are seeded below).
  const { createRole } = await import('#shared/roles/operations.ts');
  await createRole(demoInventoryRole).catch((error: { name?: string }) => {
    if (error.name !== 'RoleExists') throw error;
  });
  const seeded: SeededAccount[] = [];
  for (const account of demoAccounts) {
    const { userId } = await provisionAccount({
      email: account.email,
      password: demoPassword,
      name: account.name,
      // A custom role's members are not put in a Cognito group (groups mirror the built-in roles only).
      role: account.role as RoleName,
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
