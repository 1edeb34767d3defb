/** `GET /optics/parts` (anyone signed in): the allowed optics parts, plus `Other`. */
import { readOpticsParts } from '#shared/optics/operations.ts';
import { getOpticsPartsRoute } from '#shared/optics/routes.ts';
import { opticsPartsView } from '#shared/optics/views.ts';
import { ok } from '#shared/platform/http/responses.ts';
import { route } from '#shared/platform/http/route.ts';

export const handler = route(getOpticsPartsRoute, async () => ok(opticsPartsView(await readOpticsParts())));
