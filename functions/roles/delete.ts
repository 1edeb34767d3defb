/**
 * `DELETE /roles/{roleName}` (`canManageUsers`): delete a role nobody holds. 204; 409 for a built-in role or a
 * role in use (the problem carries `usersCount`); 404 when unknown.
 */
import { route } from '#shared/platform/http/route.ts';
import { deleteRole } from '#shared/roles/operations.ts';
import { deleteRoleRoute } from '#shared/roles/routes.ts';

export const handler = route(deleteRoleRoute, async ({ params }) => {
  await deleteRole(params.roleName);
  return { statusCode: 204, headers: { 'cache-control': 'no-store' } };
});
