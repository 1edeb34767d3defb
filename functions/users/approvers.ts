/**
 * `GET /approvers?name=&limit=&cursor=` (anyone signed in): people who may approve, agents and admins, whose name
 * starts with `name`, by name; only id, name and email (`ApproverPage`). For naming a ticket's `approverId`.
 */
import type * as z from 'zod/mini';
import { ok } from '#shared/platform/http/responses.ts';
import { route } from '#shared/platform/http/route.ts';
import { findApprovers } from '#shared/users/operations.ts';
import type { ApproverPageView } from '#shared/users/responses.ts';
import { listApproversRoute } from '#shared/users/routes.ts';
import { approverView } from '#shared/users/views.ts';

export const handler = route(listApproversRoute, async ({ query }) => {
  const page = await findApprovers(query);
  const body: z.output<typeof ApproverPageView> = {
    items: page.items.map(approverView),
    nextCursor: page.nextCursor,
  };
  return ok(body);
});
