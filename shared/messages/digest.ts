/**
 * The unread digest of direct messages: one email to a user about the messages that waited unread, however many
 * (`docs/notifications.md`, "Direct messages: the unread digest").
 *
 * The mailbox rule (`stream-rules.ts`) plans one `message_digest` when a user's mailbox gets a new `unmailedSince`;
 * the notifier puts it on the delivery queue with a delay (`deliveryDelaySeconds`, 5 minutes deployed). When the
 * sender gets it (`sendDigest` in `shared/notifications/sender.ts`), the digest is due only if the mailbox still
 * holds that very marker (reading everything removes it; a later message's marker has its own digest). It is then
 * delivered like any notification: once per delivery key (Powertools idempotency), logged as one row of the
 * notification log in the user's partition, retried through the delivery queue on a transient failure. Once its
 * outcome is final, {@link mailboxesInTable}'s `release` removes the marker, so the next message schedules the next
 * digest.
 *
 * This module is in the sender's bundle, which sits near its size budget: keep it small.
 */

import { type MailboxItem, mailboxKey } from '#shared/messages/mailbox.entity.ts';
import type { DigestMailbox, DigestMailboxes } from '#shared/notifications/sender.ts';
import type { EmailContent } from '#shared/notifications/templates.ts';
import { getItem, updateItem } from '#shared/platform/db.ts';
import type { UserItem } from '#shared/users/user.entity.ts';

/**
 * Why no digest goes to this user about this mailbox, or `undefined` when it is mailed (pure;
 * `test/unit/messages-rules.test.ts`): nothing is unread any more, the user turned message emails off, is disabled,
 * or never confirmed their email (like every notification). Logged as the row's `skipped` reason.
 * @param mailbox the mailbox, `false` or `undefined` when there is none
 */
export function digestSkipReason(
  mailbox: Pick<MailboxItem, 'unread'> | false | undefined,
  user: Pick<UserItem, 'disabled' | 'messageEmails' | 'emailVerified'> | undefined,
): string | undefined {
  if (!mailbox || !(mailbox.unread > 0)) return 'Nothing is unread any more.';
  if (!user) return 'The recipient has no user profile.';
  if (user.disabled) return 'The recipient is disabled.';
  if (user.emailVerified === false) return 'The recipient has not confirmed their email address yet.';
  if (user.messageEmails === false) return 'The recipient turned message emails off.';
  return undefined;
}

/** Whether a digest is mailed: {@link digestSkipReason} finds no reason not to. */
export const digestIsDue = (
  mailbox: Pick<MailboxItem, 'unread'> | false | undefined,
  user: Pick<UserItem, 'disabled' | 'messageEmails' | 'emailVerified'> | undefined,
): boolean => digestSkipReason(mailbox, user) === undefined;

/** The digest email: how many messages wait (no user text in it). */
export function digestEmail(unread: number): EmailContent {
  const text = `${unread} unread direct message(s) wait for you.`;
  return { subject: `Unread messages: ${unread}`, text, html: text };
}

/**
 * The sender's digest dependencies on the table (`SenderDependencies.digest`):
 * - `read`: one GetItem of the mailbox (`INBOX#<userId>` / `MAILBOX`), strongly consistent;
 * - `release(userId, since, mailedUnread)`: one conditional UpdateItem removing `unmailedSince` if it is still
 *   `since` (and, after a sent digest, if no message arrived since it counted `mailedUnread`); when messages did
 *   arrive meanwhile, a second one sets a new marker (now), which schedules a digest of them. A marker that changed
 *   meanwhile is left alone.
 */
export function mailboxesInTable(now: () => Date = () => new Date()): DigestMailboxes {
  return {
    async read(userId) {
      const mailbox = await getItem<MailboxItem>(mailboxKey(userId), { consistent: true });
      return mailbox
        ? ({ unread: mailbox.unread, unmailedSince: mailbox.unmailedSince } as DigestMailbox)
        : undefined;
    },
    async release(userId, since, mailedUnread) {
      const key = mailboxKey(userId);
      const names = { '#m': 'unmailedSince', '#u': 'unread' };
      const removed = await updateItem(
        key,
        { set: { unmailedSince: undefined } },
        {
          condition:
            mailedUnread === undefined
              ? { expression: '#m = :since', names: { '#m': 'unmailedSince' }, values: { ':since': since } }
              : {
                  expression: '#m = :since AND #u <= :mailed',
                  names,
                  values: { ':since': since, ':mailed': mailedUnread },
                },
        },
      );
      if (removed !== false || mailedUnread === undefined) return;
      await updateItem(
        key,
        { set: { unmailedSince: now().toISOString() } },
        {
          condition: {
            expression: '#m = :since',
            names: { '#m': 'unmailedSince' },
            values: { ':since': since },
          },
        },
      );
    },
    skipReason: digestSkipReason,
    email: digestEmail,
  };
}
