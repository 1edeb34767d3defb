/**
 * Direct message operations: plain values in, domain errors out, never HTTP.
 *
 * A message is one item in the conversation's partition (`DM#<low>#<high>`), a pointer by id, and the two
 * participants' conversation sides (`INBOX#<owner>` / `CONVERSATION#<other>`), plus the recipient's mailbox
 * (unread total, digest marker), all written in one transaction; the recipient's unread counters are `ADD 1` in
 * it, so concurrent sends never lose a count (`docs/data-model.md`, "Direct messages").
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import {
  type ConversationItem,
  conversationEntity,
  conversationIndexKeys,
  conversationKey,
  conversationsPartition,
  otherUserOfSortKey,
} from '#shared/messages/conversation.entity.ts';
import { MessageNotFound, RecipientNotFound } from '#shared/messages/errors.ts';
import { mailboxEntity, mailboxKey } from '#shared/messages/mailbox.entity.ts';
import {
  conversationPartition,
  type MessageItem,
  type MessagePointerItem,
  messageKey,
  messagePointerKey,
  messagePointerRecord,
  messagePrefix,
  messageRecord,
} from '#shared/messages/message.entity.ts';
import {
  isUnreadBy,
  MAX_TICKETS_CHECKED,
  maySendTo,
  messageChangeRefusal,
  takesPart,
} from '#shared/messages/policy.ts';
import { documentClient } from '#shared/platform/aws-clients.ts';
import { config } from '#shared/platform/config.ts';
import { decodeCursor, encodeCursor } from '#shared/platform/cursor.ts';
import {
  attributesEqual,
  both,
  type Condition,
  getItem,
  getItems,
  itemExists,
  itemIsNew,
  queryPage,
  transactWrite,
  updateItem,
} from '#shared/platform/db.ts';
import { nowIso } from '#shared/platform/entity.ts';
import { Conflict, InvalidInput, NotAllowed } from '#shared/platform/errors.ts';
import type { Actor } from '#shared/roles/actor.ts';
import { requesterTicketsPartition } from '#shared/tickets/ticket.entity.ts';
import { findUser } from '#shared/users/profiles.ts';
import { userKey } from '#shared/users/user.entity.ts';

/** A page of a list: its items and the opaque cursor of the next page, or null at the end. */
export interface Page<T> {
  readonly items: T[];
  readonly nextCursor: string | null;
}

/** The refusal of a message to a disabled user: they receive nothing (422 `unprocessable-content`). */
const recipientDisabled = () =>
  new InvalidInput(
    [{ in: 'path', pointer: '/userId', detail: 'This user is disabled and receives no messages.' }],
    'The recipient is disabled.',
  );

/** The profile is enabled: it exists and `disabled` is absent or false. */
const profileEnabled: Condition = both(itemExists, {
  expression: 'attribute_not_exists(#dis) OR #dis = :enabled',
  names: { '#dis': 'disabled' },
  values: { ':enabled': false },
});

/**
 * Whether `assigneeId` is the assignee of one of the requester's tickets: one Query of the requester's own ticket
 * index partition (gsi2 `REQUESTER#<id>`, which projects `assigneeId`), newest first, filtered on the assignee, in
 * pages of 100, at most {@link MAX_TICKETS_CHECKED} tickets read. Bounded by what the requester opened, never a scan.
 */
async function isAssigneeOfRequestersTicket(requesterId: string, assigneeId: string): Promise<boolean> {
  let startKey: Record<string, unknown> | undefined;
  for (let read = 0; read < MAX_TICKETS_CHECKED; read += 100) {
    const partition = requesterTicketsPartition(requesterId);
    const page = await documentClient().send(
      new QueryCommand({
        TableName: config.tableName,
        IndexName: 'gsi2',
        KeyConditionExpression: 'gsi2pk = :p',
        FilterExpression: 'assigneeId = :a',
        ProjectionExpression: 'ticketId',
        ExpressionAttributeValues: { ':p': partition.gsi2pk, ':a': assigneeId },
        ScanIndexForward: false,
        Limit: 100,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    if ((page.Items ?? []).length > 0) return true;
    startKey = page.LastEvaluatedKey;
    if (!startKey) return false;
  }
  return false;
}

/** The conversation side writes of one message for its `owner` (the recipient's counts it as unread). */
function conversationSideWrite(ownerId: string, otherUserId: string, message: MessageItem, unread: 0 | 1) {
  return {
    update: conversationKey(ownerId, otherUserId),
    changes: {
      set: {
        ownerId,
        otherUserId,
        lastMessageId: message.messageId,
        lastMessageAt: message.createdAt,
        ...conversationIndexKeys(ownerId, otherUserId, message.createdAt),
        entityType: conversationEntity,
      },
      ...(unread === 1 ? { add: { unread: 1 } } : { setIfMissing: { unread: 0 } }),
    },
  } as const;
}

/**
 * Send a message from the actor to `recipientId` (`POST /conversations/{userId}/messages`).
 *
 * Checks, in order: not to oneself (422); the recipient has a profile and the actor may message them
 * (`maySendTo`: anyone for `canManageTickets`; otherwise an existing conversation, or the recipient is the
 * assignee of one of the actor's tickets), else 404 (the same answer for both, so ids cannot be probed); the
 * recipient is not disabled (422: a disabled user receives nothing, also when disabled at the same time: the
 * transaction checks their profile).
 *
 * One transaction: the message (new), its pointer, both conversation sides (the recipient's `ADD unread 1`), the
 * recipient's mailbox (`ADD unread 1`, `unmailedSince` set when absent: the stream rule plans one delayed digest),
 * and a condition check that the recipient's profile is still enabled.
 * @throws InvalidInput (to oneself; a disabled recipient); RecipientNotFound; Conflict (kept conflicting)
 */
export async function sendMessage(actor: Actor, recipientId: string, body: string): Promise<MessageItem> {
  if (recipientId === actor.userId) {
    throw new InvalidInput(
      [{ in: 'path', pointer: '/userId', detail: 'You cannot send a message to yourself.' }],
      'A message needs another person.',
    );
  }
  const [recipient, conversation] = await Promise.all([
    findUser(recipientId),
    getItem<ConversationItem>(conversationKey(actor.userId, recipientId)),
  ]);
  const allowed =
    recipient !== undefined &&
    (await maySendTo(actor, {
      conversationExists: conversation !== undefined,
      assigneeOfActorsTicket: () => isAssigneeOfRequestersTicket(actor.userId, recipientId),
    }));
  if (!recipient || !allowed) throw new RecipientNotFound();
  if (recipient.disabled) throw recipientDisabled();
  const now = nowIso();
  const message: MessageItem = {
    messageId: ulid(),
    senderId: actor.userId,
    recipientId,
    body,
    createdAt: now,
    updatedAt: now,
  };
  const writes = [
    { check: userKey(recipientId), condition: profileEnabled },
    { put: messageRecord(message), condition: itemIsNew },
    { put: messagePointerRecord(message), condition: itemIsNew },
    conversationSideWrite(actor.userId, recipientId, message, 0),
    conversationSideWrite(recipientId, actor.userId, message, 1),
    {
      update: mailboxKey(recipientId),
      changes: {
        set: { userId: recipientId, entityType: mailboxEntity },
        setIfMissing: { unmailedSince: now },
        add: { unread: 1 },
      },
    },
  ] as const;
  for (let attempt = 1; ; attempt++) {
    const result = await transactWrite(writes);
    if (result.ok) return message;
    if (result.reasons[0] === 'ConditionalCheckFailed') throw recipientDisabled();
    if (!result.reasons.includes('TransactionConflict') || attempt >= SEND_ATTEMPTS) {
      throw new Conflict('The conversation kept changing at the same time; retry.');
    }
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 25 * 2 ** attempt));
  }
}

/**
 * How often a message's transaction is tried when concurrent sends to the same person cancel it
 * (`TransactionConflict` on their mailbox or conversation side, "Transaction conflict handling", DynamoDB developer
 * guide).
 */
const SEND_ATTEMPTS = 6;

/**
 * A page of the conversation between the actor and `otherUserId`, newest first (one Query of the pair's partition,
 * descending). An empty page when they never wrote to each other. Reading marks the conversation read: when the
 * actor's side counts unread messages, it is set to 0 and their mailbox's total lowered by as many
 * ({@link markConversationRead}).
 * @returns the page and the actor's side of the conversation as read (before marking it read)
 * @throws InvalidInput for a cursor of another list, or altered; RecipientNotFound when there is no conversation and
 * the id names nobody
 */
export async function readConversation(
  actor: Actor,
  otherUserId: string,
  page: { limit: number; cursor?: string | undefined },
): Promise<Page<MessageItem>> {
  const scope = `messages:${conversationPartition(actor.userId, otherUserId).pk}`;
  // A cursor that does not open here is a 422, unless the id names nobody (404, as without a cursor).
  const after = await decodeCursor(page.cursor, scope).catch(async (error: unknown) => {
    if (!(await findUser(otherUserId))) throw new RecipientNotFound();
    throw error;
  });
  const [{ items, lastKey }, side] = await Promise.all([
    queryPage<MessageItem>({
      partition: conversationPartition(actor.userId, otherUserId),
      beginsWith: ['sk', messagePrefix],
      descending: true,
      limit: page.limit,
      startKey: after
        ? { ...conversationPartition(actor.userId, otherUserId), sk: `${messagePrefix}${after}` }
        : undefined,
    }),
    getItem<ConversationItem>(conversationKey(actor.userId, otherUserId), { consistent: true }),
  ]);
  // No conversation yet: an empty page for a user who exists, 404 for an id that names nobody (one GetItem, only
  // then).
  if (!side && items.length === 0 && !(await findUser(otherUserId))) throw new RecipientNotFound();
  if (side && side.unread > 0) await markConversationRead(actor.userId, otherUserId, side.unread);
  return {
    items,
    nextCursor: lastKey ? await encodeCursor(items.at(-1)?.messageId, scope) : null,
  };
}

/**
 * Set the owner's unread count of a conversation to 0 and lower their mailbox's total by the `unread` read, in one
 * transaction conditioned on the count being as read (a message that arrives meanwhile makes it retry with the new
 * count, so no message is counted read unseen twice or lost). When the total reaches 0 the digest marker
 * `unmailedSince` is removed: a digest already scheduled then finds nothing to send, and the next message schedules
 * a new one.
 */
async function markConversationRead(ownerId: string, otherUserId: string, unread: number): Promise<void> {
  let count = unread;
  for (let attempt = 1; attempt <= 5; attempt++) {
    // Stamped per attempt, after the count was read: every message the count holds was created before it.
    const readAt = nowIso();
    const result = await transactWrite([
      {
        update: conversationKey(ownerId, otherUserId),
        changes: { set: { unread: 0, readAt } },
        condition: attributesEqual({ unread: count }),
      },
      { update: mailboxKey(ownerId), changes: { add: { unread: -count } }, condition: itemExists },
    ]);
    if (result.ok) {
      await clearDigestMarkerWhenAllRead(ownerId);
      return;
    }
    const side = await getItem<ConversationItem>(conversationKey(ownerId, otherUserId), { consistent: true });
    if (!side || side.unread === 0) return;
    count = side.unread;
  }
}

/**
 * Remove the mailbox's digest marker `unmailedSince` once its total is 0 (nothing waits unread): a digest already
 * scheduled then finds nothing to send, and the next message schedules a new one. One conditional UpdateItem.
 */
async function clearDigestMarkerWhenAllRead(ownerId: string): Promise<void> {
  await updateItem(
    mailboxKey(ownerId),
    { set: { unmailedSince: undefined } },
    { condition: { expression: '#u <= :zero', names: { '#u': 'unread' }, values: { ':zero': 0 } } },
  );
}

/** A side of the actor's conversations, with its last message (absent if it could not be read). */
export interface ConversationSummary {
  readonly conversation: ConversationItem;
  readonly lastMessage: MessageItem | undefined;
}

/**
 * The actor's conversations, most recent first: one Query of gsi11 `CONVERSATIONS#<actor>` descending (keys
 * only), then one BatchGetItem of the conversation sides and one of their last messages.
 * @throws InvalidInput for a cursor of another list, or altered
 */
export async function listConversations(
  actor: Actor,
  page: { limit: number; cursor?: string | undefined },
): Promise<Page<ConversationSummary>> {
  const scope = `conversations:${actor.userId}`;
  // The position is the gsi11 sort key of the last conversation shown: `<lastMessageAt>#<otherUserId>`.
  const after = await decodeCursor(page.cursor, scope);
  const partition = conversationsPartition(actor.userId);
  const { items: entries, lastKey } = await queryPage<{ gsi11sk: string }>({
    index: 'gsi11',
    partition,
    descending: true,
    limit: page.limit,
    startKey: after
      ? { ...partition, gsi11sk: after, ...conversationKey(actor.userId, otherUserOfSortKey(after)) }
      : undefined,
  });
  const others = entries.map((entry) => otherUserOfSortKey(entry.gsi11sk));
  const sides = await getItems<ConversationItem>(others.map((other) => conversationKey(actor.userId, other)));
  const messages = await getItems<MessageItem>(
    sides.map((side) =>
      messageKey({ senderId: actor.userId, recipientId: side.otherUserId, messageId: side.lastMessageId }),
    ),
  );
  const sideOf = new Map(sides.map((side) => [side.otherUserId, side]));
  const messageOf = new Map(messages.map((message) => [message.messageId, message]));
  const items = others
    .map((other) => sideOf.get(other))
    .filter((side): side is ConversationItem => side !== undefined)
    .map((conversation) => ({ conversation, lastMessage: messageOf.get(conversation.lastMessageId) }));
  const last = entries.at(-1);
  return { items, nextCursor: lastKey && last ? await encodeCursor(last.gsi11sk, scope) : null };
}

/**
 * A message by id, if the actor takes part in it (sender or recipient): the pointer, then the message (strongly
 * consistent GetItems).
 * @throws MessageNotFound when it does not exist or the actor is neither sender nor recipient
 */
export async function findVisibleMessage(actor: Actor, messageId: string): Promise<MessageItem> {
  const pointer = await getItem<MessagePointerItem>(messagePointerKey(messageId), { consistent: true });
  if (!pointer || !takesPart(actor, pointer)) throw new MessageNotFound();
  const message = await getItem<MessageItem>(messageKey(pointer), { consistent: true });
  if (!message) throw new MessageNotFound();
  return message;
}

/** The refusal of a change as a domain error. */
function refuse(actor: Actor, message: MessageItem, change: 'edit' | 'delete'): void {
  const refusal = messageChangeRefusal(actor, message, change);
  if (refusal)
    throw refusal.refusal === 'deleted' ? new Conflict(refusal.reason) : new NotAllowed(refusal.reason);
}

/**
 * Change a message's text: its sender only, not once deleted. Stamps `editedAt`; conditioned on the message as
 * read (not deleted, not edited meanwhile). An unchanged text changes nothing.
 * @param message as read by {@link findVisibleMessage}
 * @throws NotAllowed (the recipient); Conflict (deleted, or changed at the same time)
 */
export async function editMessage(actor: Actor, message: MessageItem, body: string): Promise<MessageItem> {
  refuse(actor, message, 'edit');
  if (body === message.body) return message;
  const now = nowIso();
  const changed = await updateItem(
    messageKey(message),
    { set: { body, editedAt: now, updatedAt: now } },
    {
      condition: both(both(itemExists, attributesEqual({ updatedAt: message.updatedAt })), {
        expression: 'attribute_not_exists(#deleted)',
        names: { '#deleted': 'deletedAt' },
      }),
    },
  );
  if (changed === false) throw new Conflict('The message changed at the same time; read it again and retry.');
  return { ...message, body, editedAt: now, updatedAt: now };
}

/**
 * Delete a message: its sender only. The item stays, without its body and with `deletedAt`, so both see where it
 * was ("deleted"); deleting it again changes nothing.
 *
 * A message the recipient has not read yet (`isUnreadBy`, `policy.ts`) stops counting as unread: in the same transaction
 * as the delete, their side's `unread` and their mailbox's total are lowered by 1 (`ADD -1`, each conditioned on
 * being at least 1, the side also on `readAt` being as read); a read of the conversation meanwhile makes it try
 * again with what it then says (the message is then read, and only the delete is written). When the total reaches
 * 0 the digest marker goes, as when everything is read.
 * @param message as read by {@link findVisibleMessage}
 * @throws NotAllowed (the recipient); Conflict (the conversation kept changing at the same time)
 */
export async function deleteMessage(actor: Actor, message: MessageItem): Promise<void> {
  refuse(actor, message, 'delete');
  if (message.deletedAt !== undefined) return;
  const sideKey = conversationKey(message.recipientId, message.senderId);
  const atLeastOne = {
    expression: '#unread >= :one',
    names: { '#unread': 'unread' },
    values: { ':one': 1 },
  };
  for (let attempt = 1; attempt <= 5; attempt++) {
    const side = await getItem<ConversationItem>(sideKey, { consistent: true });
    const unread = isUnreadBy(side, message);
    const now = nowIso();
    const result = await transactWrite([
      {
        update: messageKey(message),
        changes: { set: { body: undefined, deletedAt: now, updatedAt: now } },
        condition: { expression: 'attribute_not_exists(#deleted)', names: { '#deleted': 'deletedAt' } },
      },
      ...(unread
        ? [
            {
              update: sideKey,
              changes: { add: { unread: -1 } },
              condition: both(
                atLeastOne,
                side?.readAt === undefined
                  ? { expression: 'attribute_not_exists(#readAt)', names: { '#readAt': 'readAt' } }
                  : attributesEqual({ readAt: side.readAt }),
              ),
            },
            {
              update: mailboxKey(message.recipientId),
              changes: { add: { unread: -1 } },
              condition: atLeastOne,
            },
          ]
        : []),
    ]);
    if (result.ok) {
      if (unread) await clearDigestMarkerWhenAllRead(message.recipientId);
      return;
    }
    // Deleted meanwhile (by another request of the sender): nothing more to do.
    if (result.reasons[0] === 'ConditionalCheckFailed') return;
  }
  throw new Conflict('The conversation kept changing at the same time; retry.');
}

/** The profiles a page of conversations names (the other people), for one `findUsers` call. */
export const conversationPeople = (page: Page<ConversationSummary>) =>
  page.items.map((item) => item.conversation.otherUserId);
