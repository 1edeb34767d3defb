/**
 * `GET /openapi.json` (public): the OpenAPI 3.1 document, as `npm run openapi` wrote it at build time (a unit test
 * fails when it is stale). The bundle holds the document as data, gzipped (`document.generated.ts`), not the code
 * that generates it; the function gunzips it once, at init, and answers the minified JSON.
 */

import { gunzipSync } from 'node:zlib';
import { publicRoute } from '#shared/platform/http/public-route.ts';
import { getOpenApiRoute } from '#shared/platform/routes.ts';
import { documentGzipBase64 } from './document.generated.ts';

const body = gunzipSync(Buffer.from(documentGzipBase64, 'base64')).toString('utf8');

export const handler = publicRoute(getOpenApiRoute, async () => ({
  statusCode: 200,
  headers: {
    'content-type': 'application/json',
    'x-content-type-options': 'nosniff',
    'cache-control': 'public, max-age=300',
  },
  body,
}));
