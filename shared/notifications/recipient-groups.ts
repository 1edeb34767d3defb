/**
 * The people behind a group recipient of an operations message (`RecipientGroup` in `intents.ts`), read by the
 * sender when it delivers, so a message reaches the group as it is then:
 * - `opticsAlerts`: the addresses of `OPTICS_ALERT_EMAILS` (`opticsAlertEmails()`), else every enabled admin;
 * - `inventoryTeam`: every enabled member of the role `INVENTORY_ROLE` (`inventoryRole()`, default `inventory`).
 *
 * A role's members are `membersOf` (`shared/users/group-members.ts`): gsi5 `ROLE#<role>#<shard>`, one Query per
 * shard, paged, never a scan, enabled users only (the index projects `disabled`), at most `maxGroupMembers`.
 */
import { inventoryRole, opticsAlertEmails } from '#shared/inventory/config.ts';
import type { OperationsRecipient, RecipientGroup } from '#shared/notifications/intents.ts';
import { membersOf } from '#shared/users/group-members.ts';

/** The built-in role whose members are alerted of optics requests when no list is configured. */
export const adminRole = 'admin';

/** The people of a group now (see the module comment). */
export async function groupMembers(group: RecipientGroup): Promise<OperationsRecipient[]> {
  if (group === 'opticsAlerts') {
    const addresses = opticsAlertEmails();
    if (addresses.length > 0) return addresses.map((address) => ({ address: address.toLowerCase() }));
    return (await membersOf({ kind: 'role', role: adminRole })).map((userId) => ({ userId }));
  }
  return (await membersOf({ kind: 'role', role: inventoryRole() })).map((userId) => ({ userId }));
}
