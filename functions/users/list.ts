/**
 * `GET /users?role=&name=&limit=&cursor=` (`canManageUsers` or `canViewAll`, else 403): users with role and
 * `ticketsCount`, most tickets first (or by name with `?name=`). `{ items, nextCursor }` (`UserPage`).
 */
import type * as z from 'zod/mini';
import { ok } from '#shared/platform/http/responses.ts';
import { route } from '#shared/platform/http/route.ts';
import { listUsers } from '#shared/users/operations.ts';
import type { UserPageView } from '#shared/users/responses.ts';
import { listUsersRoute } from '#shared/users/routes.ts';
import { userSummaryView } from '#shared/users/views.ts';

export const handler = route(listUsersRoute, async ({ actor, query }) => {
  const page = await listUsers(actor, query);
  const body: z.output<typeof UserPageView> = {
    items: page.items.map(userSummaryView),
    nextCursor: page.nextCursor,
  };
  return ok(body);
});
