/**
 * `GET /macros?limit=&cursor=` (`canManageTickets`): the macros the caller may apply, their personal ones by name,
 * then every shared one by name; `{ items, nextCursor }`.
 */
import type * as z from 'zod/mini';
import { listMacros } from '#shared/macros/operations.ts';
import type { MacroPageView } from '#shared/macros/responses.ts';
import { listMacrosRoute } from '#shared/macros/routes.ts';
import { macroView } from '#shared/macros/views.ts';
import { ok } from '#shared/platform/http/responses.ts';
import { route } from '#shared/platform/http/route.ts';

export const handler = route(listMacrosRoute, async ({ actor, query }) => {
  const page = await listMacros(actor, query);
  const body: z.output<typeof MacroPageView> = {
    items: page.items.map(macroView),
    nextCursor: page.nextCursor,
  };
  return ok(body);
});
