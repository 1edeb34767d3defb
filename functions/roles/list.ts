/** `GET /roles?limit=&cursor=` (`canManageUsers`): the built-in roles, then those admins created, by name. */
import type * as z from 'zod/mini';
import { ok } from '#shared/platform/http/responses.ts';
import { route } from '#shared/platform/http/route.ts';
import { listRoles } from '#shared/roles/operations.ts';
import type { RolePageView } from '#shared/roles/responses.ts';
import { listRolesRoute } from '#shared/roles/routes.ts';
import { roleView } from '#shared/roles/views.ts';

export const handler = route(listRolesRoute, async ({ query }) => {
  const page = await listRoles(query);
  const body: z.output<typeof RolePageView> = {
    items: page.items.map(roleView),
    nextCursor: page.nextCursor,
  };
  return ok(body);
});
