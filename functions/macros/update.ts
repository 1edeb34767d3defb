/**
 * `PATCH /macros/{macroId}` (`canManageTickets`): change a macro, personal (its owner) or shared (any agent). 200
 * with the macro and its new `ETag`; `If-Match` optional (412 when stale); 404 as `GET`.
 */
import { changeMacro, findVisibleMacro } from '#shared/macros/operations.ts';
import { updateMacroRoute } from '#shared/macros/routes.ts';
import { macroView } from '#shared/macros/views.ts';
import { etagOf, ok, versionFromIfMatch } from '#shared/platform/http/responses.ts';
import { route } from '#shared/platform/http/route.ts';

export const handler = route(updateMacroRoute, async (input) => {
  const macro = await findVisibleMacro(input.actor, input.params.macroId);
  const expectedVersion = versionFromIfMatch(input.headers['if-match'], macro.macroId);
  const changed = await changeMacro(input.actor, macro, input.body, expectedVersion);
  return ok(macroView(changed), { etag: etagOf(changed.macroId, changed.version) });
});
