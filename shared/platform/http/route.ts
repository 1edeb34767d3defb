/**
 * The wrapper every HTTP route handler is written in. It reads the route's row (`shared/<feature>/routes.ts`):
 * resolves the actor from the verified JWT claims and the caller's profile (`shared/roles/actor.ts`: role,
 * disabled, revoked sessions; docs/roles.md), checks the row's permission flag, validates path, query and
 * body with the row's zod schemas, runs the handler (one operation and its view), and turns any domain error or
 * {@link Problem} into an RFC 9457 response.
 *
 * ```ts
 * export const handler = route(ticketRoutes.getTicket, async ({ params, actor }) =>
 *   ok(ticketView(await findVisibleTicket(actor, params.ticketId))));
 * ```
 *
 * Order of checks (handbook "Security is part of every route"): authenticate (the API Gateway JWT authorizer,
 * then the claims and the profile: 401 for a disabled user or a token issued before a logout), the row's
 * permission flag, then the operation loads the object and checks the actor may see it, then the body is
 * validated (on first access). Path and query are validated before the handler runs since they only shape the
 * lookup.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { Problem } from '#shared/platform/http/problem.ts';
import {
  type AroundHandler,
  type ClaimsEvent,
  type RouteHandler,
  type RouteInput,
  serve,
} from '#shared/platform/http/public-route.ts';
import type { HttpResponse } from '#shared/platform/http/responses.ts';
import type { Route } from '#shared/platform/route-table.ts';
import { type Actor, resolveActor } from '#shared/roles/actor.ts';

export {
  type AroundHandler,
  publicRoute,
  type RouteHandler,
  type RouteInput,
  readBody,
  validate,
} from '#shared/platform/http/public-route.ts';

/**
 * The actor of a request to a route behind the authorizer, after the row's permission check: one GetItem of the
 * caller's profile per request (and of a custom role's item at most once a minute per instance).
 * @throws NotAuthenticated (401) when the claims carry no `sub`, the user has no profile, is disabled, or the
 *   token predates a logout; Problem 403 when the actor's role lacks the row's permission flag
 */
async function actorFor(row: Route, event: APIGatewayProxyEventV2): Promise<Actor | undefined> {
  if (row.permission === 'public') return undefined;
  const actor = await resolveActor((event as ClaimsEvent).requestContext.authorizer?.jwt?.claims);
  if (row.permission !== 'signed-in' && !actor.permissions[row.permission]) {
    throw new Problem(403, 'forbidden', `Your role may not do this (it needs ${row.permission}).`);
  }
  return actor;
}

/**
 * The handler of a route. `around` (set by `idempotentRoute`) may wrap its run; a row marked `idempotent` must be
 * served through `idempotentRoute` and no other row may be (checked when the module loads). A row behind the
 * authorizer must have the `table:read` grant (or `table:readCounters`): resolving its actor reads the caller's
 * profile.
 * @throws Error at module load when the row's `idempotent` mark and the wrapper disagree, or when a row behind
 *   the authorizer lacks `table:read`
 */
export function route<R extends Route>(
  row: R,
  fn: (input: RouteInput<R>) => Promise<HttpResponse>,
  around?: AroundHandler,
): RouteHandler<R> {
  return serve(row, fn, around, actorFor);
}
