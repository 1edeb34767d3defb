/** Dashboard routes (PRODUCT "Operations": dashboard statistics without scanning the table; issue 11 "Dashboard"). */
import type { Route } from '#shared/platform/route-table.ts';

export const getDashboardStatsRoute = {
  id: 'GetDashboardStats',
  method: 'GET',
  path: '/dashboard/stats',
  entry: 'functions/dashboard/get-stats.ts',
  permission: 'signed-in',
  summary:
    'Dashboard counts from maintained counters: mine, and (by permission) all tickets, optics, low stock',
  description:
    'Everyone: `mine` (tickets I requested and tickets assigned to me, per status; approvals waiting on me; my ' +
    'optics requests per status). `canViewAll`: also `tickets` (every ticket by status, priority and type) and ' +
    '`lowStock` (cable types whose stock on hand is below their threshold); `canManageUsers`: also ' +
    '`opticsRequests` (every optics request by status). What the caller may not see is `null`. Counts are kept ' +
    'from the table stream, so a change shows within seconds, not in the same instant.',
  success: {
    status: 200,
    description: 'The counts the caller may see; the others `null`',
  },
  // Its profile, custom roles, the counters and the balances; no ticket, no index (lib/constructs/grants.ts).
  grants: ['table:readCounters'],
} as const satisfies Route;

/** Every route of this feature, for `shared/routes.ts`. */
export const dashboardRoutes = [getDashboardStatsRoute] as const;
