/** What the messages routes answer, for the OpenAPI document and the contract tests (doc-only). */

import type { messageRoutes } from '#shared/messages/routes.ts';
import type { RouteResponses } from '#shared/platform/route-table.ts';

export const messageResponses: RouteResponses<(typeof messageRoutes)[number]> = {};
