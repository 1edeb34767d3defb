/**
 * `PATCH /messages/{messageId}` `{ body }`: edit a direct message (its sender only); `editedAt` is stamped. 404
 * unless the caller sent or received it; 403 for its recipient; 409 once deleted.
 */
import { editMessage, findVisibleMessage } from '#shared/messages/operations.ts';
import { updateMessageRoute } from '#shared/messages/routes.ts';
import { messageView } from '#shared/messages/views.ts';
import { ok } from '#shared/platform/http/responses.ts';
import { route } from '#shared/platform/http/route.ts';

export const handler = route(updateMessageRoute, async (input) => {
  // Find (404) before the body is validated (400): ids of others' messages cannot be probed.
  const message = await findVisibleMessage(input.actor, input.params.messageId);
  return ok(messageView(await editMessage(input.actor, message, input.body.body)));
});
