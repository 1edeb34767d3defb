/**
 * `PUT /users/{userId}`: the editable profile as a whole (`name`, `email`, `smsOptIn`; a `phone` left out is
 * removed); `role`, `disabled` and `password` change only when sent, under the rules of `PATCH`.
 */
import { ok } from '#shared/platform/http/responses.ts';
import { route } from '#shared/platform/http/route.ts';
import { changeUser, findVisibleUser } from '#shared/users/operations.ts';
import { replaceUserRoute } from '#shared/users/routes.ts';
import { userView } from '#shared/users/views.ts';

export const handler = route(replaceUserRoute, async ({ actor, params, headers, body }) => {
  const user = await findVisibleUser(actor, params.userId);
  const accessToken = headers.authorization?.replace(/^Bearer\s+/i, '');
  return ok(userView(await changeUser(actor, user, body, { replace: true, accessToken })));
});
