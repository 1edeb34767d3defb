/**
 * The HTTP API's `$default` route (`notFoundFallback` in shared/platform/routes.ts): every request no route row
 * matches is answered 404 `application/problem+json`, type `/problems/not-found`, its detail naming the method and
 * the path (cut at {@link MAX_PATH_CHARACTERS}), like every other error of the API. Touches nothing; no AWS SDK in
 * its bundle.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { Problem } from '#shared/platform/http/problem.ts';
import { type HttpResponse, problemResponse } from '#shared/platform/http/responses.ts';

/** Longest path echoed in the detail, characters. */
export const MAX_PATH_CHARACTERS = 200;

export async function handler(event: APIGatewayProxyEventV2): Promise<HttpResponse> {
  const method = event.requestContext?.http?.method ?? 'GET';
  const path = event.rawPath || '/';
  const shown = path.length > MAX_PATH_CHARACTERS ? `${path.slice(0, MAX_PATH_CHARACTERS)}…` : path;
  return problemResponse(
    new Problem(
      404,
      'not-found',
      `No route answers ${method} ${shown}. The API reference is at /docs (the document: /openapi.json).`,
    ),
  );
}
