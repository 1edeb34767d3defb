/**
 * Who may do what with the inventory (pure). Writers (receive stock, adjust it, set thresholds): admins, those who
 * manage users (`canManageUsers`, as for optics), and the inventory team, the members of the role the deployment
 * names (`inventoryRole()`, `INVENTORY_ROLE`, default `inventory`: a deployment setting, not a built-in role, so it is
 * compared here by its configured name). Readers (on-hand, movements, receipts): any agent (`canViewAll`) and every
 * writer. Anyone else gets 403.
 */
import { inventoryRole } from '#shared/inventory/config.ts';
import type { Actor } from '#shared/roles/actor.ts';

/** A member of the inventory team: the actor holds the configured inventory role. */
export const inInventoryTeam = (actor: Actor, teamRole = inventoryRole()) => actor.role === teamRole;

/** Receives stock, adjusts it and sets low-stock thresholds. */
export const managesInventory = (actor: Actor, teamRole = inventoryRole()) =>
  actor.permissions.canManageUsers || inInventoryTeam(actor, teamRole);

/** Reads on-hand, movements and receipts. */
export const readsInventory = (actor: Actor, teamRole = inventoryRole()) =>
  actor.permissions.canViewAll || managesInventory(actor, teamRole);
