/**
 * `POST /macros` (`canManageTickets`): create a macro owned by the caller, personal (default) or shared. 201 with
 * the macro, `Location: /macros/{macroId}` and its `ETag`. 400 for an unknown placeholder; 422 for a reply action
 * without a body.
 */
import { createMacro } from '#shared/macros/operations.ts';
import { createMacroRoute } from '#shared/macros/routes.ts';
import { macroView } from '#shared/macros/views.ts';
import { created, etagOf } from '#shared/platform/http/responses.ts';
import { route } from '#shared/platform/http/route.ts';

export const handler = route(createMacroRoute, async ({ actor, body }) => {
  const macro = await createMacro(actor, body);
  return created(macroView(macro), `/macros/${macro.macroId}`, {
    etag: etagOf(macro.macroId, macro.version),
  });
});
