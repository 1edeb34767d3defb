/**
 * `POST /conversations/{userId}/messages` `{ body }`: send a direct message. 201 with the message,
 * `Location: /messages/{messageId}`. 404 for a user the caller may not message (or who does not exist); 422 for
 * oneself or a disabled user.
 */
import { sendMessage } from '#shared/messages/operations.ts';
import { sendMessageRoute } from '#shared/messages/routes.ts';
import { messageView } from '#shared/messages/views.ts';
import { idempotentRoute } from '#shared/platform/http/idempotency-key.ts';
import { created } from '#shared/platform/http/responses.ts';

export const handler = idempotentRoute(sendMessageRoute, async ({ actor, params, body }) => {
  const message = await sendMessage(actor, params.userId, body.body);
  return created(messageView(message), `/messages/${message.messageId}`);
});
