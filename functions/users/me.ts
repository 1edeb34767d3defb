/** `GET /me`: the caller's profile, role and permissions. One GetItem. */
import { ok } from '#shared/platform/http/responses.ts';
import { route } from '#shared/platform/http/route.ts';
import { findUser } from '#shared/users/profiles.ts';
import { getMeRoute } from '#shared/users/routes.ts';
import { meView } from '#shared/users/views.ts';

export const handler = route(getMeRoute, async ({ actor }) =>
  ok(meView(actor, await findUser(actor.userId))),
);
