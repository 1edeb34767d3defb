/**
 * The unread digest of direct messages: one email to a user about the messages that waited unread, however many
 * (`docs/notifications.md`, "Direct messages: the unread digest").
 *
 * The mailbox rule (`stream-rules.ts`) plans one `message_digest` when a user's mailbox gets a new `unmailedSince`;
 * the notifier puts it on the delivery queue with a delay (`deliveryDelaySeconds`, 5 minutes deployed). When the
 * sender gets it, {@link deliverDigest} reads the mailbox and the profile and mails only if the mailbox still holds
 * that very `unmailedSince` (reading everything removes it; a later message sets a new one and its own digest) and
 * something is still unread, and the user did not turn these mails off (`messageEmails: false`) and is not disabled.
 * Then it removes the marker (conditioned on it being that one), so the next message schedules the next digest.
 *
 * At most once per marker (the claim in {@link deliverDigest}). This module is in the sender's bundle, which sits at
 * its size budget: keep it small.
 */

import { type MailboxItem, mailboxKey } from '#shared/messages/mailbox.entity.ts';
import type { Channel } from '#shared/notifications/channels/channel.ts';
import type { MessageDigestIntent } from '#shared/notifications/intents.ts';
import { type PlannedIntent, RetryableDeliveryError } from '#shared/notifications/sender.ts';
import type { EmailContent } from '#shared/notifications/templates.ts';
import { updateItem } from '#shared/platform/db.ts';
import { logger } from '#shared/platform/logger.ts';
import { findUser } from '#shared/users/profiles.ts';
import type { UserItem } from '#shared/users/user.entity.ts';

/**
 * Whether a claimed digest is mailed (pure; `test/unit/messages-rules.test.ts`): something is still unread, and the
 * user did not turn message emails off, is not disabled and confirmed their email (like every notification).
 * @param mailbox the mailbox as the claim left it, or `false`/`undefined` when the claim failed
 */
export const digestIsDue = (
  mailbox: Pick<MailboxItem, 'unread'> | false | undefined,
  user: Pick<UserItem, 'disabled' | 'messageEmails' | 'emailVerified'> | undefined,
): boolean =>
  Boolean(
    mailbox &&
      mailbox.unread > 0 &&
      user &&
      !user.disabled &&
      user.emailVerified !== false &&
      user.messageEmails !== false,
  );

/** The digest email: how many messages wait (no user text in it). */
export function digestEmail(unread: number): EmailContent {
  const text = `${unread} unread direct message(s) wait for you.`;
  return { subject: `Unread messages: ${unread}`, text, html: text };
}

/**
 * Deliver one planned digest (`SenderDependencies.digest`).
 *
 * 1. Claim it: remove the mailbox's `unmailedSince` on the condition that it is the one this digest was planned
 *    for (one conditional UpdateItem, which also answers the unread count). A copy of the message, a digest
 *    superseded by a later marker, or one whose messages were all read (the marker is gone) fails the claim and
 *    sends nothing: so a digest goes at most once, and the next message after the claim schedules the next digest.
 * 2. Send, unless nothing is unread, the recipient turned message emails off or is disabled.
 * 3. A transient provider failure puts the marker back (if no newer one was set) and throws, so the queue brings
 *    the message back and the claim succeeds again. A sender that dies between the claim and the send loses this
 *    digest (at most once, unlike ticket notifications; the next message schedules a new one).
 * 4. The outcome is logged (`Message digest`: user id, `sent`, `skipped` or `failed` with the error); a digest belongs to no
 *    ticket, so it has no row in a ticket's notification log.
 * @throws RetryableDeliveryError on a transient provider failure; what a table call throws
 */
export async function deliverDigest(planned: PlannedIntent, email: Channel<EmailContent>): Promise<void> {
  const { since, recipient } = planned.intent as MessageDigestIntent;
  const key = mailboxKey(recipient.userId);
  const mailbox = await updateItem<MailboxItem>(
    key,
    { set: { unmailedSince: undefined } },
    {
      condition: { expression: '#m = :since', names: { '#m': 'unmailedSince' }, values: { ':since': since } },
      returnNew: true,
    },
  );
  const user = await findUser(recipient.userId);
  const address = user?.email;
  const sent =
    mailbox && digestIsDue(mailbox, user) && !email.addressProblem(address)
      ? await email.send(address as string, digestEmail(mailbox.unread))
      : ({ status: 'skipped' } as const);
  logger.info('Message digest', { userId: recipient.userId, ...sent });
  if (sent.status === 'failed' && sent.retryable) {
    await updateItem(key, { setIfMissing: { unmailedSince: since } });
    throw new RetryableDeliveryError(sent.error);
  }
}
