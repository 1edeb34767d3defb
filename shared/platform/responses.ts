/**
 * What the service's own routes answer, for the OpenAPI document and the contract tests (only the document
 * generator and the tests import this module).
 */
import * as z from 'zod/mini';
import { documented, type RouteResponses } from '#shared/platform/route-table.ts';
import type { platformRoutes } from '#shared/platform/routes.ts';

/** Longest cursor a list answers: what the `cursor` query parameter takes back (2,048 characters, `ListQuery`). */
export const MAX_CURSOR_LENGTH = 2048;

/**
 * A cursor a list answers (`shared/platform/cursor.ts`: base64url payload `.` base64url signature), at most what
 * the list's `cursor` query parameter takes back (`maxLength`, default {@link MAX_CURSOR_LENGTH}); null on the last
 * page.
 */
export const cursorOrNull = (description: string, maxLength: number = MAX_CURSOR_LENGTH) =>
  z.nullable(
    z
      .string()
      .check(z.minLength(3), z.maxLength(maxLength), z.regex(/^[\w-]+\.[\w-]+$/), z.meta({ description })),
  );

/** `nextCursor` of a page: pass it back as `cursor` for the next page; null on the last page. */
export const nextCursor = (maxLength: number = MAX_CURSOR_LENGTH) =>
  cursorOrNull('Opaque cursor of the next page (send it as `cursor`); null on the last page', maxLength);

/** `GET /health`: the service is up, and where its description lives. */
export const HealthView = /* @__PURE__ */ (() =>
  z
    .object({
      status: z.literal('ok'),
      links: z.object({
        docs: z.literal('/docs').check(z.meta({ description: 'The API reference page' })),
        openapi: z
          .literal('/openapi.json')
          .check(z.meta({ description: 'This API as an OpenAPI 3.1 document' })),
      }),
    })
    .check(z.meta({ id: 'Health' })))();

/** `GET /openapi.json`: an OpenAPI 3.1 document (its own schema is the OpenAPI specification's). */
export const OpenApiView = /* @__PURE__ */ (() =>
  z
    .looseObject({
      openapi: z.string().check(z.regex(/^3\.1\.\d+$/), z.maxLength(20)),
    })
    .check(
      z.meta({
        id: 'OpenApiDocument',
        description: 'An OpenAPI 3.1 document (https://spec.openapis.org/oas/v3.1.0)',
      }),
    ))();

export const platformResponses: RouteResponses<(typeof platformRoutes)[number]> = {
  GetHealth: documented(HealthView, {
    example: { status: 'ok', links: { docs: '/docs', openapi: '/openapi.json' } },
  }),
  GetOpenApi: documented(OpenApiView, { example: { openapi: '3.1.0' } }),
  // An HTML page: the generator documents it as `text/html` from the row's `success.mediaType`.
  GetDocs: documented(undefined),
};
