/**
 * Direct message routes: between two users (`docs/roles.md`, "Direct messages": who may message whom). The caller
 * is always one side of a conversation, so every list is their own.
 */
import { ConversationParams, MessageBody, MessageParams } from '#shared/messages/schemas.ts';
import type { Route } from '#shared/platform/route-table.ts';
import { ListQuery } from '#shared/platform/schemas.ts';

export const sendMessageRoute = {
  id: 'SendMessage',
  method: 'POST',
  path: '/conversations/{userId}/messages',
  entry: 'functions/messages/send.ts',
  permission: 'signed-in',
  summary: 'Send a direct message to a user',
  params: ConversationParams,
  body: MessageBody,
  success: {
    status: 201,
    description:
      'The message, and Location /messages/{messageId}; the recipient’s unread count grows by one. Agents and ' +
      'admins (canManageTickets) may message anyone; others only the assignee of one of their tickets, or someone ' +
      'who wrote to them first: 404 for anyone else, as for a user who does not exist. 422 for oneself, and for a ' +
      'disabled user (a disabled user receives nothing).',
    headers: ['location'],
  },
  problems: ['unprocessable-content', 'conflict'],
  idempotent: true,
  grants: ['table:read', 'table:write'],
} as const satisfies Route;

export const listConversationsRoute = {
  id: 'ListConversations',
  method: 'GET',
  path: '/conversations',
  entry: 'functions/messages/list-conversations.ts',
  permission: 'signed-in',
  summary:
    'My conversations, most recent first, each with the other person, the last message and my unread count',
  query: ListQuery,
  success: {
    status: 200,
    description:
      '{ items, nextCursor }: the caller’s conversations, the one with the latest message first; each with the ' +
      'other person, the last message (deleted: body null) and the caller’s unread count. 422 for a cursor of ' +
      'another list.',
  },
  problems: ['unprocessable-content'],
  grants: ['table:read'],
} as const satisfies Route;

export const listMessagesRoute = {
  id: 'ListMessages',
  method: 'GET',
  path: '/conversations/{userId}/messages',
  entry: 'functions/messages/list.ts',
  permission: 'signed-in',
  summary: 'The messages between me and a user, newest first; reading marks them read',
  params: ConversationParams,
  query: ListQuery,
  success: {
    status: 200,
    description:
      '{ items, nextCursor }, newest first; empty when the two never wrote to each other (404 when the id names ' +
      'no user). Reading sets the ' +
      'caller’s unread count of the conversation to 0. A deleted message shows with body null and deletedAt. ' +
      '422 for a cursor of another list.',
  },
  problems: ['unprocessable-content'],
  grants: ['table:read', 'table:write'],
} as const satisfies Route;

export const updateMessageRoute = {
  id: 'UpdateMessage',
  method: 'PATCH',
  path: '/messages/{messageId}',
  entry: 'functions/messages/update.ts',
  permission: 'signed-in',
  summary: "Edit a direct message's text (its sender only)",
  params: MessageParams,
  body: MessageBody,
  success: {
    status: 200,
    description:
      'The edited message (editedAt set). 404 unless the caller sent or received it; 403 for its recipient; 409 ' +
      'once deleted, or when it changed at the same time.',
  },
  problems: ['forbidden', 'conflict'],
  grants: ['table:read', 'table:write'],
} as const satisfies Route;

export const deleteMessageRoute = {
  id: 'DeleteMessage',
  method: 'DELETE',
  path: '/messages/{messageId}',
  entry: 'functions/messages/delete.ts',
  permission: 'signed-in',
  summary: 'Delete a direct message (its sender only): both then see it as deleted',
  params: MessageParams,
  success: {
    status: 204,
    description:
      'Deleted: its body is gone and both participants see it with deletedAt; deleting it again changes ' +
      'nothing. 404 unless the caller sent or received it; 403 for its recipient.',
  },
  problems: ['forbidden'],
  grants: ['table:read', 'table:write'],
} as const satisfies Route;

/** Every route of this feature, for `shared/routes.ts`. */
export const messageRoutes = [
  sendMessageRoute,
  listConversationsRoute,
  listMessagesRoute,
  updateMessageRoute,
  deleteMessageRoute,
] as const;
