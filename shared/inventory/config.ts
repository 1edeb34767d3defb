/**
 * Operations settings, read from the function's environment (set from CDK context by `lib/deploy-config.ts`, and
 * by the local stack):
 *
 * | variable | meaning | default |
 * |---|---|---|
 * | `INVENTORY_ROLE` | the role whose members are the inventory team (receive stock, adjust it, set thresholds; told of low stock) | `inventory` |
 * | `CABLE_APPROVER_GROUP` | who approves a cable request that names no approver: `role:<roleName>` (that role's members) or a comma list of user ids | `role:<INVENTORY_ROLE>` |
 * | `OPTICS_ALERT_EMAILS` | comma list of addresses told of each new optics request; empty: every admin | empty |
 */

/** The inventory team's role name. */
export function inventoryRole(): string {
  return process.env.INVENTORY_ROLE?.trim() || 'inventory';
}

/** An approver group: the members of a role, or named users. */
export type ApproverGroup =
  | { readonly kind: 'role'; readonly role: string }
  | { readonly kind: 'users'; readonly userIds: readonly string[] };

/**
 * Parses an approver group setting (`role:<name>` or `id1,id2`).
 * @throws Error on an empty list
 */
export function parseApproverGroup(setting: string): ApproverGroup {
  const value = setting.trim();
  if (value.startsWith('role:')) {
    const role = value.slice('role:'.length).trim();
    if (!role) throw new Error(`Approver group "${setting}": no role name after "role:"`);
    return { kind: 'role', role };
  }
  const userIds = value
    .split(',')
    .map((id) => id.trim())
    .filter(Boolean);
  if (userIds.length === 0) throw new Error(`Approver group "${setting}" names nobody`);
  return { kind: 'users', userIds };
}

/** The group that approves cable requests without an approver. */
export function cableApproverGroup(): ApproverGroup {
  return parseApproverGroup(process.env.CABLE_APPROVER_GROUP?.trim() || `role:${inventoryRole()}`);
}

/** The addresses told of new optics requests; empty means every admin. */
export function opticsAlertEmails(): readonly string[] {
  return (process.env.OPTICS_ALERT_EMAILS ?? '')
    .split(',')
    .map((address) => address.trim())
    .filter(Boolean);
}
