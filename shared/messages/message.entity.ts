/**
 * A direct message between two users, and the pointer that finds it by id.
 *
 * - **message**: `pk = DM#<lowId>#<highId>` (the two user ids in sort order: one partition per pair of people,
 *   the conversation both see), `sk = MESSAGE#<messageId>` (ULID, so a Query of the partition sorts by sending
 *   time; newest first when descending). `body` is removed when the sender deletes it; `deletedAt` stays.
 * - **message pointer**: `pk = MESSAGE#<messageId>`, `sk = MESSAGE`, written in the same transaction as the
 *   message: the two participants, so `PATCH`/`DELETE /messages/{messageId}` find the message (and refuse anyone
 *   else) with strongly consistent GetItems and no index.
 *
 * Access patterns (`docs/data-model.md`, "Direct messages"): M1 send, M3 a conversation's messages, M4 a message
 * by id.
 */

/** A stored direct message. Timestamps are ISO 8601 UTC. */
export interface MessageItem {
  /** ULID: sorts by sending time. */
  readonly messageId: string;
  readonly senderId: string;
  readonly recipientId: string;
  /** The text; absent once the sender deleted the message. */
  readonly body?: string | undefined;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** The sender's last edit; absent when never edited. */
  readonly editedAt?: string | undefined;
  /** When the sender deleted it; the message then shows without a body to both. */
  readonly deletedAt?: string | undefined;
}

/** What the pointer of a message holds: who the two participants are. */
export interface MessagePointerItem {
  readonly messageId: string;
  readonly senderId: string;
  readonly recipientId: string;
}

export const messageEntity = 'message';
export const messagePointerEntity = 'messagePointer';

/** The partition of the conversation between two users (the same whichever of them asks). */
export function conversationPartition(userId: string, otherId: string) {
  const [low, high] = userId < otherId ? [userId, otherId] : [otherId, userId];
  return { pk: `DM#${low}#${high}` };
}

/** The sort key prefix of a conversation's messages. */
export const messagePrefix = 'MESSAGE#';

/** The key of a message in the conversation between its sender and recipient. */
export const messageKey = (message: Pick<MessageItem, 'senderId' | 'recipientId' | 'messageId'>) => ({
  ...conversationPartition(message.senderId, message.recipientId),
  sk: `${messagePrefix}${message.messageId}`,
});

/** The key of a message's pointer. */
export const messagePointerKey = (messageId: string) => ({ pk: `MESSAGE#${messageId}`, sk: 'MESSAGE' });

/** The stored item of a message. */
export const messageRecord = (message: MessageItem) => ({
  ...message,
  ...messageKey(message),
  entityType: messageEntity,
});

/** The stored item of a message's pointer. */
export const messagePointerRecord = (message: MessagePointerItem) => ({
  messageId: message.messageId,
  senderId: message.senderId,
  recipientId: message.recipientId,
  ...messagePointerKey(message.messageId),
  entityType: messagePointerEntity,
});
