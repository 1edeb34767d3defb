/** What the optics routes answer, for the OpenAPI document and the contract tests (doc-only). */

import type { opticsRoutes } from '#shared/optics/routes.ts';
import type { RouteResponses } from '#shared/platform/route-table.ts';

export const opticsResponses: RouteResponses<(typeof opticsRoutes)[number]> = {};
