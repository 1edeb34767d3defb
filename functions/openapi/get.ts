/** `GET /openapi.json` (public): the OpenAPI 3.1 document, built once per cold start. */
import { openApiDocument } from '#shared/api/openapi.ts';
import { publicRoute } from '#shared/http/handler.ts';
import { ok } from '#shared/http/responses.ts';

let document: ReturnType<typeof openApiDocument> | undefined;

export const handler = publicRoute({}, async () => {
  document ??= openApiDocument();
  return ok(document, { 'cache-control': 'public, max-age=300' });
});
