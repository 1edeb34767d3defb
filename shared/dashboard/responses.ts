/**
 * What the dashboard route answers, for the OpenAPI document and the contract tests (doc-only): the success body
 * schema (the view is typed by it) and an example. Only the document generator and the tests import it.
 */
import * as z from 'zod/mini';
import type { dashboardRoutes } from '#shared/dashboard/routes.ts';
import { opticsStatuses } from '#shared/optics/optics.entity.ts';
import { documented, type RouteResponses } from '#shared/platform/route-table.ts';
import { priorities, ticketStatuses, ticketTypes } from '#shared/tickets/lifecycle.ts';

const count = (description: string) => z.number().check(z.int(), z.gte(0), z.meta({ description }));

/** `{ <value>: count }` with every value of the vocabulary present (0 when none). */
const countsBy = <const V extends readonly [string, ...string[]]>(values: V, description: string) =>
  z
    .object(
      Object.fromEntries(values.map((value) => [value, count(`How many are ${value}`)])) as {
        [K in V[number]]: ReturnType<typeof count>;
      },
    )
    .check(z.meta({ description }));

const ticketCountsByStatus = (description: string) =>
  z
    .object({
      total: count('Over every status'),
      byStatus: countsBy(ticketStatuses, 'Per status (every status present)'),
    })
    .check(z.meta({ description }));

export const DashboardStatsView = /* @__PURE__ */ (() =>
  z
    .object({
      mine: z
        .object({
          created: ticketCountsByStatus('Tickets I requested'),
          assigned: ticketCountsByStatus('Tickets assigned to me'),
          waitingOnMe: count(
            'Tickets pending approval that name me as approver (alone or in their group), not requested by me',
          ),
          opticsRequests: countsBy(opticsStatuses, 'My optics requests per status'),
        })
        .check(z.meta({ description: 'The caller’s own counts' })),
      tickets: z.nullable(
        z
          .object({
            total: count('Every ticket'),
            byStatus: countsBy(ticketStatuses, 'Per status'),
            byPriority: countsBy(priorities, 'Per priority'),
            byType: countsBy(ticketTypes, 'Per type'),
          })
          .check(z.meta({ description: 'Every ticket (canViewAll); null for others' })),
      ),
      opticsRequests: z.nullable(
        z
          .object({
            total: count('Every optics request'),
            byStatus: countsBy(opticsStatuses, 'Per status'),
          })
          .check(z.meta({ description: 'Every optics request (canManageUsers); null for others' })),
      ),
      lowStock: z.nullable(
        z
          .array(
            z.object({
              cableType: z
                .string()
                .check(
                  z.minLength(1),
                  z.maxLength(40),
                  z.regex(/^[\w.+-]+$/),
                  z.meta({ description: 'The cable type' }),
                ),
              onHandMm: count('Length on hand, in millimetres'),
              lowStockThresholdMm: count('Below this length (millimetres) the type is low on stock'),
            }),
          )
          .check(
            z.maxLength(100),
            z.meta({
              description:
                'Cable types whose stock on hand is below their threshold, by type (canViewAll); null for others',
            }),
          ),
      ),
    })
    .check(
      z.meta({
        id: 'DashboardStats',
        description: 'Dashboard counts, from counters the table stream keeps (no ticket is read)',
      }),
    ))();

const zeros = <const V extends readonly string[]>(values: V) =>
  Object.fromEntries(values.map((value) => [value, 0])) as { [K in V[number]]: number };

export const dashboardResponses: RouteResponses<(typeof dashboardRoutes)[number]> = {
  GetDashboardStats: documented(DashboardStatsView, {
    example: {
      mine: {
        created: { total: 3, byStatus: { ...zeros(ticketStatuses), open: 1, in_progress: 1, closed: 1 } },
        assigned: { total: 2, byStatus: { ...zeros(ticketStatuses), in_progress: 2 } },
        waitingOnMe: 1,
        opticsRequests: { ...zeros(opticsStatuses), pending: 1 },
      },
      tickets: {
        total: 42,
        byStatus: { ...zeros(ticketStatuses), open: 20, in_progress: 12, pending_approval: 3, closed: 7 },
        byPriority: { low: 10, medium: 22, high: 8, urgent: 2 },
        byType: { incident: 18, question: 9, problem: 4, task: 6, request: 5 },
      },
      opticsRequests: { total: 4, byStatus: { pending: 2, approved: 1, denied: 0, archived: 1 } },
      lowStock: [{ cableType: 'Cat6', onHandMm: 30_480, lowStockThresholdMm: 152_400 }],
    },
  }),
};
