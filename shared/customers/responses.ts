/** What the customers routes answer, for the OpenAPI document and the contract tests (doc-only). */

import type { customerRoutes } from '#shared/customers/routes.ts';
import type { RouteResponses } from '#shared/platform/route-table.ts';

export const customerResponses: RouteResponses<(typeof customerRoutes)[number]> = {};
