/** `GET /optics/requests?status=&limit=&cursor=`: one's own optics requests (admins: all), newest first. */
import { listOpticsRequests } from '#shared/optics/operations.ts';
import { listOpticsRequestsRoute } from '#shared/optics/routes.ts';
import { opticsRequestView } from '#shared/optics/views.ts';
import { ok } from '#shared/platform/http/responses.ts';
import { route } from '#shared/platform/http/route.ts';

export const handler = route(listOpticsRequestsRoute, async ({ actor, query }) => {
  const page = await listOpticsRequests(actor, query);
  return ok({ items: page.items.map(opticsRequestView), nextCursor: page.nextCursor });
});
