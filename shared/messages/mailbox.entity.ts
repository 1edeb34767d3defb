/**
 * A user's mailbox: their unread direct messages over all conversations, and whether a digest mail about them is
 * scheduled. `pk = INBOX#<userId>`, `sk = MAILBOX` (next to their conversation sides).
 *
 * - `unread`: `ADD 1` in the transaction of each message they receive, `ADD -n` when they read a conversation
 *   holding `n` unread, `ADD -1` when the sender deletes a message they have not read.
 * - `unmailedSince`: set (`if_not_exists`) by a message that finds it absent, i.e. the first message since the last
 *   digest or since everything was read; removed when they have read everything, or when the digest is handled.
 *   The stream rule (`stream-rules.ts`) plans one delayed digest when it appears, so several messages share one
 *   mail; the digest names the `unmailedSince` it was planned for, and the sender sends it only if that value is
 *   still there and something is still unread (`docs/notifications.md`, "Direct messages: the unread digest").
 */

export interface MailboxItem {
  readonly userId: string;
  readonly unread: number;
  /** ISO 8601: the first message not yet covered by a digest; absent when none waits. */
  readonly unmailedSince?: string | undefined;
}

export const mailboxEntity = 'mailbox';

/** The key of a user's mailbox. */
export const mailboxKey = (userId: string) => ({ pk: `INBOX#${userId}`, sk: 'MAILBOX' });
