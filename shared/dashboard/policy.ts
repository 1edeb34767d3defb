/**
 * Who sees which dashboard counts (pure; from permission flags, never role names; `docs/roles.md`):
 * - everyone signed in: their own counts (tickets they requested and tickets assigned to them, per status;
 *   approvals waiting on them; their optics requests per status);
 * - `canViewAll` (agents, admins, viewers): also every ticket by status, priority and type, and the cable types
 *   low on stock;
 * - those who manage optics (`canManageUsers`, the admins who decide optics requests): also every optics request
 *   by status.
 */
import { managesOptics } from '#shared/optics/policy.ts';
import type { Actor } from '#shared/roles/actor.ts';

/** Every ticket by status, priority and type. */
export const seesTicketTotals = (actor: Actor) => actor.permissions.canViewAll;

/** The cable types low on stock. */
export const seesLowStock = (actor: Actor) => actor.permissions.canViewAll;

/** Every optics request by status. */
export const seesOpticsTotals = (actor: Actor) => managesOptics(actor);
