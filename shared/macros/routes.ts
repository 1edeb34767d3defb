/** Macros routes (being built; see the feature's issue). */
import type { Route } from '#shared/platform/route-table.ts';

export const macroRoutes = [] as const satisfies readonly Route[];
