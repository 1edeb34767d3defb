/** `GET /me`: the caller's profile, role and permissions. One GetItem. */
import { meView } from '#shared/api/views.ts';
import { findUser } from '#shared/auth/accounts.ts';
import { authenticatedRoute } from '#shared/http/handler.ts';
import { ok } from '#shared/http/responses.ts';

export const handler = authenticatedRoute({}, async ({ caller }) =>
  ok(meView(caller, await findUser(caller.userId))),
);
