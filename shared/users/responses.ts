/**
 * What this feature's routes answer, for the OpenAPI document and the contract tests: each route's success body
 * schema (the views are typed by these) and an example of its request and its response. Only the document
 * generator (`shared/api-document.ts`) and the tests import this module, so no function bundle carries it.
 */

import type { RouteResponses } from '#shared/platform/route-table.ts';
import type { userRoutes } from '#shared/users/routes.ts';

export const userResponses: Partial<RouteResponses<(typeof userRoutes)[number]>> = {};
