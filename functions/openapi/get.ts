/** `GET /openapi.json` (public): the OpenAPI 3.1 document, built once per cold start. */

import { publicRoute } from '#shared/platform/http/public-route.ts';
import { ok } from '#shared/platform/http/responses.ts';
import { type OpenApiDocument, openApiDocument } from '#shared/platform/openapi.ts';
import { getOpenApiRoute } from '#shared/platform/routes.ts';
import { routes } from '#shared/routes.ts';

let document: OpenApiDocument | undefined;

export const handler = publicRoute(getOpenApiRoute, async () => {
  document ??= openApiDocument(routes);
  return ok(document, { 'cache-control': 'public, max-age=300' });
});
