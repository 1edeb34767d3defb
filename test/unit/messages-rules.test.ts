/**
 * Direct messages' pure rules: who may message whom, who changes a message, the keys of a conversation, the unread
 * digest's stream rule, its delay on the delivery queue and when it is skipped, and the views.
 */
import { describe, expect, it } from 'vitest';
import { conversationIndexKeys, otherUserOfSortKey } from '#shared/messages/conversation.entity.ts';
import { digestEmail, digestIsDue } from '#shared/messages/digest.ts';
import { mailboxEntity } from '#shared/messages/mailbox.entity.ts';
import { conversationPartition, messageKey } from '#shared/messages/message.entity.ts';
import { isUnreadBy, maySendTo, messageChangeRefusal, takesPart } from '#shared/messages/policy.ts';
import { MessageBody } from '#shared/messages/schemas.ts';
import { messageStreamRules } from '#shared/messages/stream-rules.ts';
import { messageView } from '#shared/messages/views.ts';
import { deliveryDelaySeconds, readDeliveryMessage } from '#shared/notifications/delivery-queue.ts';
import type { Actor } from '#shared/roles/actor.ts';
import { builtInRoles } from '#shared/roles/roles.ts';

const actor = (role: 'admin' | 'agent' | 'requester', userId = `${role}-1`): Actor => ({
  userId,
  role,
  permissions: builtInRoles[role],
});

describe('who may message whom', () => {
  const never = async () => {
    throw new Error('the assignee check must not run');
  };

  it('lets agents and admins message anyone, without reading tickets', async () => {
    for (const role of ['agent', 'admin'] as const) {
      expect(await maySendTo(actor(role), { conversationExists: false, assigneeOfActorsTicket: never })).toBe(
        true,
      );
    }
  });

  it('lets a requester answer an existing conversation, or write to the assignee of one of their tickets', async () => {
    const requester = actor('requester');
    expect(await maySendTo(requester, { conversationExists: true, assigneeOfActorsTicket: never })).toBe(
      true,
    );
    expect(
      await maySendTo(requester, { conversationExists: false, assigneeOfActorsTicket: async () => true }),
    ).toBe(true);
    expect(
      await maySendTo(requester, { conversationExists: false, assigneeOfActorsTicket: async () => false }),
    ).toBe(false);
  });

  it('lets only the sender change a message, and no edit once deleted', () => {
    const message = { senderId: 'agent-1', recipientId: 'requester-1', deletedAt: undefined };
    expect(messageChangeRefusal(actor('agent'), message, 'edit')).toBeUndefined();
    expect(messageChangeRefusal(actor('requester'), message, 'edit')?.refusal).toBe('not-allowed');
    expect(messageChangeRefusal(actor('admin'), message, 'delete')?.refusal).toBe('not-allowed');
    const deleted = { ...message, deletedAt: '2026-12-01T09:00:00.000Z' };
    expect(messageChangeRefusal(actor('agent'), deleted, 'edit')?.refusal).toBe('deleted');
    expect(messageChangeRefusal(actor('agent'), deleted, 'delete')).toBeUndefined();
    expect(takesPart(actor('requester'), message)).toBe(true);
    expect(takesPart(actor('admin'), message)).toBe(false);
  });
});

describe('whether the recipient has read a message (a delete lowers their count only if not)', () => {
  const message = {
    messageId: '01JDQA1B2C3D4E5F6G7H8J9K0M',
    senderId: 'agent-1',
    recipientId: 'requester-1',
    body: 'Hi',
    createdAt: '2024-05-02T10:00:00.000Z',
    updatedAt: '2024-05-02T10:00:00.000Z',
  };
  const side = (unread: number, readAt?: string) => ({
    ownerId: 'requester-1',
    otherUserId: 'agent-1',
    lastMessageId: message.messageId,
    lastMessageAt: message.createdAt,
    unread,
    readAt,
  });

  it('counts a message as unread while the side counts unread and it came after the last read', () => {
    expect(isUnreadBy(side(1), message)).toBe(true);
    expect(isUnreadBy(side(2, '2024-05-02T09:59:59.999Z'), message)).toBe(true);
  });

  it('counts it as read once read after it, when nothing is unread, or without a side', () => {
    expect(isUnreadBy(side(1, '2024-05-02T10:00:00.000Z'), message)).toBe(false);
    expect(isUnreadBy(side(1, '2024-05-02T10:00:01.000Z'), message)).toBe(false);
    expect(isUnreadBy(side(0), message)).toBe(false);
    expect(isUnreadBy(undefined, message)).toBe(false);
  });
});

describe('keys', () => {
  it('gives both participants the same conversation partition', () => {
    expect(conversationPartition('b', 'a')).toEqual(conversationPartition('a', 'b'));
    expect(messageKey({ senderId: 'b', recipientId: 'a', messageId: 'M' })).toEqual({
      pk: 'DM#a#b',
      sk: 'MESSAGE#M',
    });
  });

  it('reads the other user back from a conversation index key', () => {
    const { gsi11sk } = conversationIndexKeys('me', 'user-2', '2026-12-01T09:00:00.000Z');
    expect(otherUserOfSortKey(gsi11sk)).toBe('user-2');
  });
});

describe('the unread digest', () => {
  const [rule] = messageStreamRules;
  const change = (newImage: Record<string, unknown>, oldImage?: Record<string, unknown>) => ({
    eventName: oldImage ? ('MODIFY' as const) : ('INSERT' as const),
    eventId: 'e1',
    newImage: { entityType: mailboxEntity, ...newImage },
    oldImage,
  });

  it('plans one digest when the marker appears, none while it stays', () => {
    const since = '2026-12-01T09:00:00.000Z';
    expect(rule?.plan(change({ userId: 'u1', unread: 1, unmailedSince: since }))).toEqual([
      { type: 'message_digest', recipient: { userId: 'u1' }, since },
    ]);
    expect(
      rule?.plan(change({ userId: 'u1', unread: 2, unmailedSince: since }, { unmailedSince: since })),
    ).toEqual([]);
    expect(rule?.plan(change({ userId: 'u1', unread: 0 }, { unmailedSince: since }))).toEqual([]);
  });

  it('waits on the delivery queue (default 5 minutes, at most 900 s); other messages do not', () => {
    const digest = {
      kind: 'intent' as const,
      eventId: 'e1',
      plannedAt: '2026-12-01T09:00:00.000Z',
      intent: { type: 'message_digest' as const, recipient: { userId: 'u1' }, since: 'x' },
    };
    expect(deliveryDelaySeconds(digest, {})).toBe(300);
    expect(deliveryDelaySeconds(digest, { MESSAGE_DIGEST_DELAY_SECONDS: '3' })).toBe(3);
    expect(deliveryDelaySeconds(digest, { MESSAGE_DIGEST_DELAY_SECONDS: '5000' })).toBe(900);
    expect(readDeliveryMessage(JSON.stringify(digest))).toEqual(digest);
  });

  it('is skipped when nothing is unread, the user turned it off, is disabled or unconfirmed', () => {
    expect(digestIsDue({ unread: 2 }, {})).toBe(true);
    expect(digestIsDue(false, {})).toBe(false);
    expect(digestIsDue({ unread: 0 }, {})).toBe(false);
    expect(digestIsDue({ unread: 2 }, { messageEmails: false })).toBe(false);
    expect(digestIsDue({ unread: 2 }, { disabled: true })).toBe(false);
    expect(digestIsDue({ unread: 2 }, { emailVerified: false })).toBe(false);
    expect(digestIsDue({ unread: 2 }, undefined)).toBe(false);
    expect(digestEmail(3).subject).toBe('Unread messages: 3');
  });
});

describe('schemas and views', () => {
  it('counts a message’s length in characters (code points), not UTF-16 units', () => {
    expect(MessageBody.safeParse({ body: '😀'.repeat(4000) }).success).toBe(true);
    expect(MessageBody.safeParse({ body: '😀'.repeat(4001) }).success).toBe(false);
    expect(MessageBody.safeParse({ body: '  ' }).success).toBe(false);
    expect(MessageBody.safeParse({ body: 'hi', extra: 1 }).success).toBe(false);
  });

  it('shows a deleted message without its body', () => {
    const view = messageView({
      messageId: 'M',
      senderId: 'a',
      recipientId: 'b',
      createdAt: 't0',
      updatedAt: 't1',
      deletedAt: 't1',
    });
    expect(view).toMatchObject({ body: null, deletedAt: 't1', editedAt: null });
  });
});
