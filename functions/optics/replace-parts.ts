/** `PUT /optics/parts` (`canManageUsers`): replace the allowed optics parts. */
import { replaceOpticsParts } from '#shared/optics/operations.ts';
import { replaceOpticsPartsRoute } from '#shared/optics/routes.ts';
import { opticsPartsView } from '#shared/optics/views.ts';
import { ok } from '#shared/platform/http/responses.ts';
import { route } from '#shared/platform/http/route.ts';

export const handler = route(replaceOpticsPartsRoute, async ({ actor, body }) =>
  ok(opticsPartsView(await replaceOpticsParts(actor, body.parts))),
);
