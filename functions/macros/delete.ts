/**
 * `DELETE /macros/{macroId}` (`canManageTickets`): delete a macro, personal (its owner) or shared (any agent). 204;
 * `If-Match` optional (412 when stale); 404 as `GET`.
 */
import { deleteMacro, findVisibleMacro } from '#shared/macros/operations.ts';
import { deleteMacroRoute } from '#shared/macros/routes.ts';
import { versionFromIfMatch } from '#shared/platform/http/responses.ts';
import { route } from '#shared/platform/http/route.ts';

export const handler = route(deleteMacroRoute, async ({ actor, params, headers }) => {
  const macro = await findVisibleMacro(actor, params.macroId);
  await deleteMacro(actor, macro, versionFromIfMatch(headers['if-match'], macro.macroId));
  return { statusCode: 204, headers: { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' } };
});
