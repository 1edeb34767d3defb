/**
 * `PATCH /users/{userId}`: the user changes their name, email, phone, SMS consent and password (with
 * `currentPassword`); `canManageUsers` also the role and the disabled state of others. 404 for users the caller
 * may not see, 403 for a field they may not change, 422 naming an unknown role or a wrong current password, 409
 * for a taken email; 400 for a body the schema refuses (a new password breaking a rule, no currentPassword).
 */
import { ok } from '#shared/platform/http/responses.ts';
import { route } from '#shared/platform/http/route.ts';
import { changeUser, findVisibleUser } from '#shared/users/operations.ts';
import { updateUserRoute } from '#shared/users/routes.ts';
import { userView } from '#shared/users/views.ts';

export const handler = route(updateUserRoute, async ({ actor, params, headers, body }) => {
  const user = await findVisibleUser(actor, params.userId);
  const accessToken = headers.authorization?.replace(/^Bearer\s+/i, '');
  return ok(userView(await changeUser(actor, user, body, { accessToken })));
});
