/** `GET /dashboard/stats` (anyone signed in): the dashboard counts the caller may see, from maintained counters. */
import { readDashboardStats } from '#shared/dashboard/operations.ts';
import { getDashboardStatsRoute } from '#shared/dashboard/routes.ts';
import { dashboardStatsView } from '#shared/dashboard/views.ts';
import { ok } from '#shared/platform/http/responses.ts';
import { route } from '#shared/platform/http/route.ts';

export const handler = route(getDashboardStatsRoute, async ({ actor }) =>
  ok(dashboardStatsView(await readDashboardStats(actor))),
);
