/**
 * `DELETE /messages/{messageId}`: delete a direct message (its sender only). 204; both then see it with body null
 * and `deletedAt`. 404 unless the caller sent or received it; 403 for its recipient.
 */
import { deleteMessage, findVisibleMessage } from '#shared/messages/operations.ts';
import { deleteMessageRoute } from '#shared/messages/routes.ts';
import { route } from '#shared/platform/http/route.ts';

export const handler = route(deleteMessageRoute, async ({ actor, params }) => {
  await deleteMessage(actor, await findVisibleMessage(actor, params.messageId));
  return { statusCode: 204, headers: { 'cache-control': 'no-store' } };
});
