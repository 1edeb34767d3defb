/** `GET /optics/requests/{requestId}`: the request and its audit trail (its requester and admins; others 404). */
import { findVisibleOpticsRequest, opticsEvents } from '#shared/optics/operations.ts';
import { getOpticsRequestRoute } from '#shared/optics/routes.ts';
import { opticsRequestDetailView } from '#shared/optics/views.ts';
import { ok } from '#shared/platform/http/responses.ts';
import { route } from '#shared/platform/http/route.ts';

export const handler = route(getOpticsRequestRoute, async ({ actor, params }) => {
  const [request, events] = await Promise.all([
    findVisibleOpticsRequest(actor, params.requestId),
    opticsEvents(params.requestId),
  ]);
  return ok(opticsRequestDetailView(request, events));
});
