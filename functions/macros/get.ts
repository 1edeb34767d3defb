/**
 * `GET /macros/{macroId}` (`canManageTickets`): a shared macro, or one of the caller's own; 404 for another agent's
 * personal macro. `ETag` for `If-Match`.
 */
import { findVisibleMacro } from '#shared/macros/operations.ts';
import { getMacroRoute } from '#shared/macros/routes.ts';
import { macroView } from '#shared/macros/views.ts';
import { etagOf, ok } from '#shared/platform/http/responses.ts';
import { route } from '#shared/platform/http/route.ts';

export const handler = route(getMacroRoute, async ({ actor, params }) => {
  const macro = await findVisibleMacro(actor, params.macroId);
  return ok(macroView(macro), { etag: etagOf(macro.macroId, macro.version) });
});
