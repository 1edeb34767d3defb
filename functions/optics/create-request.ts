/**
 * `POST /optics/requests` (anyone signed in): request optics parts; 201 with the request and its first event, and
 * `Location`. The stream alerts the admins (`shared/optics/stream-rules.ts`).
 */
import { createOpticsRequest, opticsEvents } from '#shared/optics/operations.ts';
import { createOpticsRequestRoute } from '#shared/optics/routes.ts';
import { opticsRequestDetailView } from '#shared/optics/views.ts';
import { created } from '#shared/platform/http/responses.ts';
import { route } from '#shared/platform/http/route.ts';

export const handler = route(createOpticsRequestRoute, async ({ actor, body }) => {
  const request = await createOpticsRequest(actor, body);
  const events = await opticsEvents(request.requestId);
  return created(opticsRequestDetailView(request, events), `/optics/requests/${request.requestId}`);
});
