/**
 * `PUT /roles/{roleName}` (`canManageUsers`): replace a role's description and every flag. 409 for a built-in
 * role; 404 when unknown. Users of the role get the new flags within 60 s (docs/roles.md).
 */
import { ok } from '#shared/platform/http/responses.ts';
import { route } from '#shared/platform/http/route.ts';
import { changeRole } from '#shared/roles/operations.ts';
import { replaceRoleRoute } from '#shared/roles/routes.ts';
import { customRoleView } from '#shared/roles/views.ts';

export const handler = route(replaceRoleRoute, async ({ params, body }) =>
  ok(customRoleView(await changeRole(params.roleName, body, { replace: true }))),
);
