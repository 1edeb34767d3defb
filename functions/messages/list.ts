/**
 * `GET /conversations/{userId}/messages?limit=&cursor=`: the messages between the caller and that user, newest
 * first; reading sets the caller's unread count of the conversation to 0.
 */
import type * as z from 'zod/mini';
import { readConversation } from '#shared/messages/operations.ts';
import type { MessagePageView } from '#shared/messages/responses.ts';
import { listMessagesRoute } from '#shared/messages/routes.ts';
import { messageView } from '#shared/messages/views.ts';
import { ok } from '#shared/platform/http/responses.ts';
import { route } from '#shared/platform/http/route.ts';

export const handler = route(listMessagesRoute, async ({ actor, params, query }) => {
  const page = await readConversation(actor, params.userId, query);
  const body: z.output<typeof MessagePageView> = {
    items: page.items.map(messageView),
    nextCursor: page.nextCursor,
  };
  return ok(body);
});
