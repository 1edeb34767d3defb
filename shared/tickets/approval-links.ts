/**
 * Which approval links a ticket has: a small pointer item per link in the ticket's partition,
 * `pk = TICKET#<ticketId>`, `sk = LINK#<tokenHash>`, so that deleting a ticket finds and deletes its links (they
 * live in their own partitions, `APPROVAL#<tokenHash>`, keyed by the hash of their token). The pointer expires with
 * its link (the table's TTL on `expiresAt`). The notifier writes it with the link, in one transaction
 * (`saveApproval` in `shared/notifications/aws-dependencies.ts`).
 */
/** The sort key prefix of a ticket's approval link pointers. */
export const approvalLinkRefPrefix = 'LINK#';

export const approvalLinkRefEntity = 'approvalLinkRef';

/** What a pointer names: the ticket, the link's token hash, and when the link expires. */
export interface ApprovalLinkRef {
  readonly ticketId: string;
  /** SHA-256 of the link token, hex (the approval link item is `APPROVAL#<tokenHash>`). */
  readonly tokenHash: string;
  /** Expiry of the link, epoch seconds; the pointer expires with it. */
  readonly expiresAt: number;
}

/** The key of the pointer to one approval link of a ticket. */
export const approvalLinkRefKey = (ticketId: string, tokenHash: string) => ({
  pk: `TICKET#${ticketId}`,
  sk: `${approvalLinkRefPrefix}${tokenHash}`,
});

/** The stored pointer item. */
export const approvalLinkRefRecord = (link: ApprovalLinkRef) => ({
  ticketId: link.ticketId,
  tokenHash: link.tokenHash,
  expiresAt: link.expiresAt,
  ...approvalLinkRefKey(link.ticketId, link.tokenHash),
  entityType: approvalLinkRefEntity,
});
