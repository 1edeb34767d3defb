/** What the API shows of direct messages and conversations. Timestamps are ISO 8601 UTC strings. */
import type * as z from 'zod/mini';
import type { MessageItem } from '#shared/messages/message.entity.ts';
import type { ConversationSummary } from '#shared/messages/operations.ts';
import type { ConversationView, MessageView } from '#shared/messages/responses.ts';
import type { UserItem } from '#shared/users/user.entity.ts';
import { personView } from '#shared/users/views.ts';

/** A message as both participants see it: a deleted one with `body` null and its `deletedAt`. */
export function messageView(message: MessageItem): z.output<typeof MessageView> {
  return {
    messageId: message.messageId,
    senderId: message.senderId,
    recipientId: message.recipientId,
    body: message.deletedAt === undefined ? (message.body ?? null) : null,
    createdAt: message.createdAt,
    updatedAt: message.updatedAt,
    editedAt: message.editedAt ?? null,
    deletedAt: message.deletedAt ?? null,
  };
}

/**
 * The view of the caller's conversations with the other person embedded (`with`), from profiles read once for
 * the page (`findUsers(conversationPeople(page))`).
 * @returns a function for `items.map(...)`
 */
export function conversationViewWith(people: ReadonlyMap<string, UserItem>) {
  return ({ conversation, lastMessage }: ConversationSummary): z.output<typeof ConversationView> => ({
    userId: conversation.otherUserId,
    with: personView(conversation.otherUserId, people) ?? {
      userId: conversation.otherUserId,
      name: null,
      email: null,
    },
    lastMessage: lastMessage ? messageView(lastMessage) : null,
    lastMessageAt: conversation.lastMessageAt,
    unread: Math.max(0, conversation.unread ?? 0),
  });
}
