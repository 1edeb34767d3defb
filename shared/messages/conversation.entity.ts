/**
 * One side of a conversation: what a user's list of conversations shows of it. Each pair of people who exchanged
 * a message has two such items, one per participant, both written in the transaction of every message.
 *
 * `pk = INBOX#<ownerId>`, `sk = CONVERSATION#<otherUserId>`; fields: `otherUserId`, `lastMessageId` (the message
 * itself is read from the conversation's partition, so an edit or delete of it shows at once), `lastMessageAt`,
 * and `unread`, the owner's unread count, kept by `ADD unread 1` in the same transaction as each message they
 * receive (so concurrent sends never lose a count), set to 0 when they read the conversation (stamping `readAt`), and
 * `ADD -1` when the sender deletes a message they have not read.
 *
 * Index: gsi11 (overloaded, keys only): `gsi11pk = CONVERSATIONS#<ownerId>`, `gsi11sk = <lastMessageAt>#<otherUserId>`,
 * rewritten by each message: a user's conversations, most recent first (Query descending, then BatchGetItem).
 */

/** A user's side of a conversation. */
export interface ConversationItem {
  readonly ownerId: string;
  readonly otherUserId: string;
  readonly lastMessageId: string;
  /** ISO 8601. */
  readonly lastMessageAt: string;
  /** Messages the owner received and has not read yet. */
  readonly unread: number;
  /**
   * ISO 8601: when the owner last read the conversation (set with `unread = 0`); absent until then. A message
   * created after it is one they have not read, so deleting it lowers `unread` (`deleteMessage`).
   */
  readonly readAt?: string | undefined;
}

export const conversationEntity = 'conversation';

/** The sort key prefix of a user's conversations in their inbox partition. */
export const conversationPrefix = 'CONVERSATION#';

/** The key of `ownerId`'s side of the conversation with `otherUserId`. */
export const conversationKey = (ownerId: string, otherUserId: string) => ({
  pk: `INBOX#${ownerId}`,
  sk: `${conversationPrefix}${otherUserId}`,
});

/** The gsi11 partition of a user's conversations. */
export const conversationsPartition = (ownerId: string) => ({ gsi11pk: `CONVERSATIONS#${ownerId}` });

/** The gsi11 keys of a conversation side after a message at `at`. */
export const conversationIndexKeys = (ownerId: string, otherUserId: string, at: string) => ({
  ...conversationsPartition(ownerId),
  gsi11sk: `${at}#${otherUserId}`,
});

/** The other user named by a gsi11 sort key (`<lastMessageAt>#<otherUserId>`). */
export const otherUserOfSortKey = (sortKey: string) => sortKey.slice(sortKey.indexOf('#') + 1);
