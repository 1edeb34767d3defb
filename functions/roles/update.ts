/**
 * `PATCH /roles/{roleName}` (`canManageUsers`): change a role's description or some of its flags. 409 for a
 * built-in role; 404 when unknown. Users of the role get the new flags within 60 s (docs/roles.md).
 */
import { ok } from '#shared/platform/http/responses.ts';
import { route } from '#shared/platform/http/route.ts';
import { changeRole } from '#shared/roles/operations.ts';
import { updateRoleRoute } from '#shared/roles/routes.ts';
import { customRoleView } from '#shared/roles/views.ts';

export const handler = route(updateRoleRoute, async ({ params, body }) =>
  ok(customRoleView(await changeRole(params.roleName, body))),
);
