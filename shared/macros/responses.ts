/** What the macros routes answer, for the OpenAPI document and the contract tests (doc-only). */

import type { macroRoutes } from '#shared/macros/routes.ts';
import type { RouteResponses } from '#shared/platform/route-table.ts';

export const macroResponses: RouteResponses<(typeof macroRoutes)[number]> = {};
