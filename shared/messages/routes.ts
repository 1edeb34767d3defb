/** Messages routes (being built; see the feature's issue). */
import type { Route } from '#shared/platform/route-table.ts';

export const messageRoutes = [] as const satisfies readonly Route[];
