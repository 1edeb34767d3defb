/**
 * Approval link tokens (PRODUCT "Approvals"): random, at least 128 bits (here 256), stored only as a SHA-256 hash,
 * single-use, expiring, bound to one ticket and one approver (the bound fields live on the `Approval` item keyed
 * by the hash).
 */
import { createHash, randomBytes } from 'node:crypto';

/** A new link token: 32 random bytes, base64url (43 characters). */
export const newApprovalToken = (): string => randomBytes(32).toString('base64url');

/** The stored form of a token: SHA-256, lower-case hex (64 characters). */
export const hashApprovalToken = (token: string): string => createHash('sha256').update(token).digest('hex');

/** Whether a string has the shape of a token (so junk never reaches the table). */
export const looksLikeApprovalToken = (token: string): boolean => /^[A-Za-z0-9_-]{43}$/.test(token);

/** The approval page URL for a token. @param publicApiUrl API base URL without trailing slash */
export const approvalLink = (publicApiUrl: string, token: string): string =>
  `${publicApiUrl}/approvals/${token}`;
