/**
 * `GET /users/{userId}` (the user, `canManageUsers` or `canViewAll`; 404 for anyone else): the profile with the
 * first tickets the user opened and of those assigned to them, newest first (`more` when the list goes on at
 * `GET /tickets?requesterId=` / `?assigneeId=`). `UserProfile`.
 */
import type * as z from 'zod/mini';
import { ok } from '#shared/platform/http/responses.ts';
import { route } from '#shared/platform/http/route.ts';
import { ticketSummaryView } from '#shared/tickets/views.ts';
import { readUserProfile, type TicketsOfUser } from '#shared/users/operations.ts';
import type { UserProfileView } from '#shared/users/responses.ts';
import { getUserRoute } from '#shared/users/routes.ts';
import { userView } from '#shared/users/views.ts';

export const handler = route(getUserRoute, async ({ actor, params }) => {
  const { user, createdTickets, assignedTickets, people } = await readUserProfile(actor, params.userId);
  const summaries = (list: TicketsOfUser) => ({
    items: list.items.map((ticket) => ticketSummaryView(ticket, people)),
    more: list.more,
  });
  const profile: z.output<typeof UserProfileView> = {
    ...userView(user),
    createdTickets: summaries(createdTickets),
    assignedTickets: summaries(assignedTickets),
  };
  return ok(profile);
});
