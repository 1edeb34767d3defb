/** Customers routes (being built; see the feature's issue). */
import type { Route } from '#shared/platform/route-table.ts';

export const customerRoutes = [] as const satisfies readonly Route[];
