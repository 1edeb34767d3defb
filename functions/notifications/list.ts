/**
 * `GET /notifications?status=&limit=&cursor=` (`canManageUsers`): the notification log rows of one status across
 * tickets, newest first (gsi12, no scan).
 */
import { listNotificationsByStatus } from '#shared/notifications/log.ts';
import { notificationPageView } from '#shared/notifications/log-views.ts';
import { listNotificationsRoute } from '#shared/notifications/routes.ts';
import { ok } from '#shared/platform/http/responses.ts';
import { route } from '#shared/platform/http/route.ts';

export const handler = route(listNotificationsRoute, async ({ query }) =>
  ok(notificationPageView(await listNotificationsByStatus(query.status, query))),
);
