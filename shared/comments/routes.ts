/** Comment routes. */
import { CreateCommentBody } from '#shared/comments/schemas.ts';
import type { Route } from '#shared/platform/route-table.ts';
import { ListQuery } from '#shared/platform/schemas.ts';
import { TicketParams } from '#shared/tickets/schemas.ts';

export const createCommentRoute = {
  id: 'CreateComment',
  method: 'POST',
  path: '/tickets/{ticketId}/comments',
  entry: 'functions/comments/create.ts',
  permission: 'signed-in',
  summary: 'Add a comment or internal note',
  params: TicketParams,
  body: CreateCommentBody,
  success: { status: 201, description: 'The comment' },
  idempotent: true,
  grants: ['table:read', 'table:write'],
} as const satisfies Route;

export const listCommentsRoute = {
  id: 'ListComments',
  method: 'GET',
  path: '/tickets/{ticketId}/comments',
  entry: 'functions/comments/list.ts',
  permission: 'signed-in',
  summary: "A ticket's comments, oldest first (internal notes for agents only)",
  params: TicketParams,
  query: ListQuery,
  success: { status: 200, description: '{ items, nextCursor }, oldest first' },
  grants: ['table:read'],
} as const satisfies Route;

/** Every route of this feature, for `shared/routes.ts`. */
export const commentRoutes = [createCommentRoute, listCommentsRoute] as const;
