/**
 * `GET /tickets/{ticketId}/notifications?limit=&cursor=` (`canManageTickets`): the ticket's notification log, newest
 * first, one row per delivery. 404 when the ticket does not exist or is not the caller's to see.
 */
import { listTicketNotifications } from '#shared/notifications/log.ts';
import { notificationPageView } from '#shared/notifications/log-views.ts';
import { listTicketNotificationsRoute } from '#shared/notifications/routes.ts';
import { ok } from '#shared/platform/http/responses.ts';
import { route } from '#shared/platform/http/route.ts';

export const handler = route(listTicketNotificationsRoute, async ({ actor, params, query }) =>
  ok(notificationPageView(await listTicketNotifications(actor, params.ticketId, query))),
);
