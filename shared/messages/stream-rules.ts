/**
 * Direct message notifications: the unread digest (`docs/notifications.md`, "Direct messages: the unread digest").
 * When a user's mailbox gets an `unmailedSince` it did not have (the first message since their last digest, or
 * since they read everything), one `message_digest` intent goes to them; the notifier puts it on the delivery queue
 * with a delay (`deliveryDelaySeconds`), and the sender mails them then only if that very marker is still there and
 * something is still unread. So several messages share one mail, and nothing is scanned. Messages themselves, their
 * edits and deletes notify nobody directly.
 *
 * Written without a schema library on purpose: these rules are in the sender's bundle too (it plans redriven stream
 * records), which sits at its size budget.
 */

import { mailboxEntity } from '#shared/messages/mailbox.entity.ts';
import type { StreamRule } from '#shared/notifications/intents.ts';

export const messageStreamRules: readonly StreamRule[] = [
  {
    entity: mailboxEntity,
    events: ['INSERT', 'MODIFY'],
    // The mailbox is written by `sendMessage` only, with both fields: no schema check here (see above).
    plan: ({ newImage: { userId, unmailedSince: since }, oldImage }) =>
      since && since !== oldImage?.unmailedSince
        ? [{ type: 'message_digest', recipient: { userId: userId as string }, since: since as string }]
        : [],
  },
];
