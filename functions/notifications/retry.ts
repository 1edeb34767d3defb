/**
 * `POST /notifications/{notificationId}/retry` (`canManageUsers`): send a failed delivery again through the delivery
 * queue; 202 with the new row's id. 404 unknown id; 409 when it is not failed or was retried already.
 */
import { retryNotification } from '#shared/notifications/log.ts';
import { retryQueuedView } from '#shared/notifications/log-views.ts';
import { retryNotificationRoute } from '#shared/notifications/routes.ts';
import { json } from '#shared/platform/http/responses.ts';
import { route } from '#shared/platform/http/route.ts';

export const handler = route(retryNotificationRoute, async ({ params }) =>
  json(202, retryQueuedView(await retryNotification(params.notificationId))),
);
