/**
 * `GET /conversations?limit=&cursor=`: the caller's conversations, most recent first, each with the other person,
 * the last message and the caller's unread count.
 */
import type * as z from 'zod/mini';
import { conversationPeople, listConversations } from '#shared/messages/operations.ts';
import type { ConversationPageView } from '#shared/messages/responses.ts';
import { listConversationsRoute } from '#shared/messages/routes.ts';
import { conversationViewWith } from '#shared/messages/views.ts';
import { ok } from '#shared/platform/http/responses.ts';
import { route } from '#shared/platform/http/route.ts';
import { findUsers } from '#shared/users/profiles.ts';

export const handler = route(listConversationsRoute, async ({ actor, query }) => {
  const page = await listConversations(actor, query);
  const people = await findUsers(conversationPeople(page));
  const body: z.output<typeof ConversationPageView> = {
    items: page.items.map(conversationViewWith(people)),
    nextCursor: page.nextCursor,
  };
  return ok(body);
});
