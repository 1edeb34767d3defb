/**
 * `GET /openapi.json` (public): the OpenAPI 3.1 document, as `npm run openapi` wrote it to `openapi.json` at
 * build time (a unit test fails when that file is stale). The bundle holds the document as data, not the code
 * that generates it.
 */

import { publicRoute } from '#shared/platform/http/public-route.ts';
import { getOpenApiRoute } from '#shared/platform/routes.ts';
import document from '../../openapi.json' with { type: 'json' };

const body = JSON.stringify(document);

export const handler = publicRoute(getOpenApiRoute, async () => ({
  statusCode: 200,
  headers: {
    'content-type': 'application/json',
    'x-content-type-options': 'nosniff',
    'cache-control': 'public, max-age=300',
  },
  body,
}));
