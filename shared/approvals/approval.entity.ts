/**
 * An approval link, keyed by the hash of its token (the token itself is never stored):
 * `pk = APPROVAL#<tokenHash>`, `sk = APPROVAL`. Expires through the table's TTL (`expiresAt`).
 */
export interface ApprovalItem {
  /** SHA-256 of the link token, hex. */
  readonly tokenHash: string;
  readonly ticketId: string;
  readonly approverId: string;
  /** ISO 8601. */
  readonly createdAt: string;
  /** Expiry, epoch seconds; also the table's TTL attribute. */
  readonly expiresAt: number;
  /** ISO 8601, once used. */
  readonly usedAt?: string | undefined;
  readonly decision?: 'approved' | 'rejected' | undefined;
}

export const approvalEntity = 'approval';

/** The key of an approval link. */
export const approvalKey = (tokenHash: string) => ({ pk: `APPROVAL#${tokenHash}`, sk: 'APPROVAL' });

/** The stored item of an approval link. */
export const approvalRecord = (approval: ApprovalItem) => ({
  ...approval,
  ...approvalKey(approval.tokenHash),
  entityType: approvalEntity,
});
