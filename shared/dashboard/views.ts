/** What the API shows of the dashboard counts (typed by `responses.ts`, a type-only import). */
import type * as z from 'zod/mini';
import { bucketAttribute } from '#shared/dashboard/counters.entity.ts';
import type { Counters, DashboardStats } from '#shared/dashboard/operations.ts';
import type { DashboardStatsView } from '#shared/dashboard/responses.ts';
import { opticsStatuses } from '#shared/optics/optics.entity.ts';
import { priorities, ticketStatuses, ticketTypes } from '#shared/tickets/lifecycle.ts';

type Stats = z.output<typeof DashboardStatsView>;

/**
 * `{ value: count }` for every value of a vocabulary, read from `counters` by attribute name. A count below 0 (a
 * counter damaged by hand, before `npm run dashboard:rebuild` repairs it) shows as 0.
 */
function countsBy<const V extends readonly string[]>(
  values: V,
  counters: Counters,
  attribute: (value: string) => string,
): { [K in V[number]]: number } {
  return Object.fromEntries(values.map((value) => [value, Math.max(0, counters[attribute(value)] ?? 0)])) as {
    [K in V[number]]: number;
  };
}

const total = (counts: Readonly<Record<string, number>>) =>
  Object.values(counts).reduce((sum, n) => sum + n, 0);

const byStatus = (counters: Counters, attribute: (status: string) => string) => {
  const counts = countsBy(ticketStatuses, counters, attribute);
  return { total: total(counts), byStatus: counts };
};

export function dashboardStatsView(stats: DashboardStats): Stats {
  const { mine, tickets, optics, lowStock } = stats;
  const ticketsByStatus = tickets
    ? countsBy(ticketStatuses, tickets, bucketAttribute.ticketStatus)
    : undefined;
  const opticsByStatus = optics ? countsBy(opticsStatuses, optics, bucketAttribute.opticsStatus) : undefined;
  return {
    mine: {
      created: byStatus(mine, bucketAttribute.created),
      assigned: byStatus(mine, bucketAttribute.assigned),
      waitingOnMe: Math.max(0, mine[bucketAttribute.waitingOnMe] ?? 0),
      opticsRequests: countsBy(opticsStatuses, mine, bucketAttribute.ownOptics),
    },
    tickets:
      tickets && ticketsByStatus
        ? {
            total: total(ticketsByStatus),
            byStatus: ticketsByStatus,
            byPriority: countsBy(priorities, tickets, bucketAttribute.ticketPriority),
            byType: countsBy(ticketTypes, tickets, bucketAttribute.ticketType),
          }
        : null,
    opticsRequests: opticsByStatus ? { total: total(opticsByStatus), byStatus: opticsByStatus } : null,
    lowStock: lowStock ? lowStock.map((entry) => ({ ...entry })) : null,
  };
}
