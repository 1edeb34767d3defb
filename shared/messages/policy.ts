/**
 * Who may message whom, who may change a message, and whether its recipient has read it. Pure: no AWS; unit-tested in `test/unit/messages-rules.test.ts`.
 *
 * The rule (`docs/roles.md`, "Direct messages"): those who work tickets (`canManageTickets`: agents, admins, a
 * custom role with the flag) may message anyone; everyone else (requesters) may message only an agent who works
 * one of their tickets (its assignee), or answer in a conversation someone started with them. Nobody messages
 * themself, and a disabled user receives nothing.
 */
import type { ConversationItem } from '#shared/messages/conversation.entity.ts';
import type { MessageItem } from '#shared/messages/message.entity.ts';
import type { Actor } from '#shared/roles/actor.ts';

/** The longest message, in characters (code points). */
export const MAX_MESSAGE_CHARACTERS = 4000;

/**
 * The most of a requester's tickets read to find one assigned to the person they write to (newest first, pages of
 * 100): the check is one bounded Query of their own ticket index partition, never a scan.
 */
export const MAX_TICKETS_CHECKED = 1000;

/** Whether the actor may message anyone (no relation needed). */
export const mayMessageAnyone = (actor: Actor) => actor.permissions.canManageTickets;

/** What the send rule needs to know about the pair, beyond the actor's flags. */
export interface SendFacts {
  /** A conversation between the two exists already (someone wrote first). */
  readonly conversationExists: boolean;
  /** The recipient is the assignee of one of the actor's tickets (read only when needed). */
  readonly assigneeOfActorsTicket: () => Promise<boolean>;
}

/** Whether the actor may send a message to the recipient: anyone, or a relation (see the module's rule). */
export async function maySendTo(actor: Actor, facts: SendFacts): Promise<boolean> {
  if (mayMessageAnyone(actor) || facts.conversationExists) return true;
  return facts.assigneeOfActorsTicket();
}

/** Whether the actor takes part in the message (sender or recipient): anyone else is told it does not exist. */
export const takesPart = (actor: Actor, message: Pick<MessageItem, 'senderId' | 'recipientId'>) =>
  message.senderId === actor.userId || message.recipientId === actor.userId;

/**
 * Why the actor may not edit or delete this message they take part in, or `undefined`: only its sender may; a
 * deleted message takes no edit (deleting it again changes nothing).
 */
export function messageChangeRefusal(
  actor: Actor,
  message: Pick<MessageItem, 'senderId' | 'deletedAt'>,
  change: 'edit' | 'delete',
): { readonly refusal: 'not-allowed' | 'deleted'; readonly reason: string } | undefined {
  if (message.senderId !== actor.userId) {
    return { refusal: 'not-allowed', reason: `Only its sender may ${change} this message.` };
  }
  if (change === 'edit' && message.deletedAt !== undefined) {
    return { refusal: 'deleted', reason: 'The message was deleted; it can no longer be edited.' };
  }
  return undefined;
}

/**
 * Whether the recipient has not read `message` yet, from their side of the conversation: they count unread
 * messages, and the message came after they last read it (`readAt`; none: never read, so every message counts).
 */
export const isUnreadBy = (side: ConversationItem | undefined, message: MessageItem) =>
  side !== undefined && side.unread > 0 && (side.readAt === undefined || side.readAt < message.createdAt);
