/**
 * `GET /users?role=&name=&limit=&cursor=` (`canManageUsers` or `canViewAll`, else 403): users with role and
 * `ticketsCount`, most tickets first (or by name with `?name=`). `{ items, nextCursor }`.
 */
import { ok } from '#shared/platform/http/responses.ts';
import { route } from '#shared/platform/http/route.ts';
import { listUsers } from '#shared/users/operations.ts';
import { listUsersRoute } from '#shared/users/routes.ts';
import { userSummaryView } from '#shared/users/views.ts';

export const handler = route(listUsersRoute, async ({ actor, query }) => {
  const page = await listUsers(actor, query);
  return ok({ items: page.items.map(userSummaryView), nextCursor: page.nextCursor });
});
