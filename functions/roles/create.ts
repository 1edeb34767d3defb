/**
 * `POST /roles` (`canManageUsers`): create a role with a name and flags. 201 with `Location`; 409 when the name is
 * taken or a built-in role's; 400 for a malformed name or an unknown flag.
 */
import { created } from '#shared/platform/http/responses.ts';
import { route } from '#shared/platform/http/route.ts';
import { createRole } from '#shared/roles/operations.ts';
import { createRoleRoute } from '#shared/roles/routes.ts';
import { customRoleView } from '#shared/roles/views.ts';

export const handler = route(createRoleRoute, async ({ body }) => {
  const role = await createRole(body);
  return created(customRoleView(role), `/roles/${role.name}`);
});
