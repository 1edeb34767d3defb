/**
 * `DELETE /users/{userId}` (`canManageUsers`): disable the user. 204. They can no longer sign in, and their
 * tokens are refused from their next request; their tickets, comments and history stay, attributed to them.
 * 404 for an unknown user; 403 for one's own account.
 */
import { route } from '#shared/platform/http/route.ts';
import { disableUser } from '#shared/users/operations.ts';
import { deleteUserRoute } from '#shared/users/routes.ts';

export const handler = route(deleteUserRoute, async ({ actor, params }) => {
  await disableUser(actor, params.userId);
  return { statusCode: 204, headers: { 'cache-control': 'no-store' } };
});
