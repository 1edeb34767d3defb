/**
 * `PATCH /optics/requests/{requestId}/status` (`canManageUsers`): `approve`, `deny` (with a reason) or `archive`,
 * along the lifecycle (409 otherwise); the requester is mailed a decision through the stream.
 */
import { changeOpticsStatus, opticsEvents } from '#shared/optics/operations.ts';
import { changeOpticsStatusRoute } from '#shared/optics/routes.ts';
import { opticsRequestDetailView } from '#shared/optics/views.ts';
import { ok } from '#shared/platform/http/responses.ts';
import { route } from '#shared/platform/http/route.ts';

export const handler = route(changeOpticsStatusRoute, async ({ actor, params, body }) => {
  const changed = await changeOpticsStatus(actor, params.requestId, body);
  return ok(opticsRequestDetailView(changed, await opticsEvents(params.requestId)));
});
