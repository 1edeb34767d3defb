/**
 * Every HTTP route of the service: the features' route rows, concatenated. Nothing else lives here; a new feature
 * adds its `routes.ts` and one line below (`docs/architecture.md`, "How to add a feature").
 */
import { approvalRoutes } from '#shared/approvals/routes.ts';
import { commentRoutes } from '#shared/comments/routes.ts';
import { customerRoutes } from '#shared/customers/routes.ts';
import { dashboardRoutes } from '#shared/dashboard/routes.ts';
import { imageRoutes } from '#shared/images/routes.ts';
import { inventoryRoutes } from '#shared/inventory/routes.ts';
import { macroRoutes } from '#shared/macros/routes.ts';
import { messageRoutes } from '#shared/messages/routes.ts';
import { notificationRoutes } from '#shared/notifications/routes.ts';
import { opticsRoutes } from '#shared/optics/routes.ts';
import type { Route } from '#shared/platform/route-table.ts';
import { platformRoutes } from '#shared/platform/routes.ts';
import { roleRoutes } from '#shared/roles/routes.ts';
import { ticketRoutes } from '#shared/tickets/routes.ts';
import { userRoutes } from '#shared/users/routes.ts';

export const routes: readonly Route[] = [
  ...platformRoutes,
  ...userRoutes,
  ...roleRoutes,
  ...ticketRoutes,
  ...commentRoutes,
  ...imageRoutes,
  ...approvalRoutes,
  ...notificationRoutes,
  ...customerRoutes,
  ...macroRoutes,
  ...messageRoutes,
  ...opticsRoutes,
  ...inventoryRoutes,
  ...dashboardRoutes,
];
