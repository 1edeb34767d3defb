/** `GET /roles/{roleName}` (`canManageUsers`): one role with its flags and user count; 404 when unknown. */
import { ok } from '#shared/platform/http/responses.ts';
import { route } from '#shared/platform/http/route.ts';
import { findRole } from '#shared/roles/operations.ts';
import { getRoleRoute } from '#shared/roles/routes.ts';
import { roleView } from '#shared/roles/views.ts';

export const handler = route(getRoleRoute, async ({ params }) =>
  ok(roleView(await findRole(params.roleName))),
);
