/** Comment routes. */
import {
  CommentParams,
  CreateCommentBody,
  CreateCommentOnTicketBody,
  EditCommentBody,
  ListAllCommentsQuery,
} from '#shared/comments/schemas.ts';
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
  success: {
    status: 201,
    description:
      'The comment (`kind` request from the requester, response from an agent, note when internal), with its ' +
      'author, and Location /comments/{commentId}. 404 when the ticket is not the caller’s to see; 403 for a ' +
      'requester’s internal note; 409 on a closed or canceled ticket, or one that holds 1,000 comments already ' +
      '(`maxComments`; the most a ticket takes). A comment leaves the ticket’s version, so its ETag, as it was.',
    headers: ['location'],
  },
  problems: ['forbidden', 'conflict'],
  idempotent: true,
  grants: ['table:read', 'table:write'],
} as const satisfies Route;

export const createCommentOnTicketRoute = {
  id: 'CreateCommentOnTicket',
  method: 'POST',
  path: '/comments',
  entry: 'functions/comments/create-on-ticket.ts',
  permission: 'signed-in',
  summary: 'Add a comment or internal note to the ticket named in the body',
  body: CreateCommentOnTicketBody,
  success: {
    status: 201,
    description:
      'The comment with its author, and Location /comments/{commentId}: as POST /tickets/{ticketId}/comments, ' +
      'with `ticketId` in the body (409 also at 1,000 comments, `maxComments`). 404 when the ticket is not the ' +
      'caller’s to see.',
    headers: ['location'],
  },
  problems: ['forbidden', 'not-found', 'conflict'],
  idempotent: true,
  grants: ['table:read', 'table:write'],
} as const satisfies Route;

export const listCommentsRoute = {
  id: 'ListComments',
  method: 'GET',
  path: '/tickets/{ticketId}/comments',
  entry: 'functions/comments/list.ts',
  permission: 'signed-in',
  summary:
    "A ticket's conversation, oldest first: its description, then the comments (notes for agents only)",
  params: TicketParams,
  query: ListQuery,
  success: {
    status: 200,
    description:
      '{ items, nextCursor }, oldest first, each with its author. The first page starts with the ticket’s ' +
      'description (`isDescription: true`, `kind` request, its id the ticket id); at most `limit` messages a ' +
      'page, description included. 404 when the ticket is not the caller’s to see; 422 for a cursor of another ' +
      'list.',
  },
  problems: ['unprocessable-content'],
  grants: ['table:read'],
} as const satisfies Route;

export const listAllCommentsRoute = {
  id: 'ListAllComments',
  method: 'GET',
  path: '/comments',
  entry: 'functions/comments/list-all.ts',
  permission: 'signed-in',
  summary: 'Comments across tickets, by author or by ticket, newest first (canViewAll or canManageTickets)',
  query: ListAllCommentsQuery,
  success: {
    status: 200,
    description:
      '{ items, nextCursor }, newest first, each with its author. `authorId`: that person’s comments on every ' +
      'ticket the caller may see; `ticketId`: that ticket’s conversation, its description last. Exactly one of ' +
      'the two (422 otherwise, checked after the permission, as is a cursor of another list). Internal notes for ' +
      'agents only. 403 without canViewAll or canManageTickets; 404 for a ticket the caller may not see.',
  },
  problems: ['forbidden', 'not-found', 'unprocessable-content'],
  grants: ['table:read'],
} as const satisfies Route;

export const getCommentRoute = {
  id: 'GetComment',
  method: 'GET',
  path: '/comments/{commentId}',
  entry: 'functions/comments/get.ts',
  permission: 'signed-in',
  summary: 'A comment (a ticket id names its description)',
  params: CommentParams,
  success: {
    status: 200,
    description:
      'The comment with its author. 404 when its ticket is not the caller’s to see, or it is an internal note ' +
      'and the caller is not an agent.',
  },
  grants: ['table:read'],
} as const satisfies Route;

const editSuccess = {
  status: 200,
  description:
    'The edited comment (`editedAt` set) with its author. Author or canEditAll (else 403); 404 as GET; 409 for ' +
    'the description (edit it through PATCH /tickets/{ticketId}) or on a closed or canceled ticket.',
} as const;

export const updateCommentRoute = {
  id: 'UpdateComment',
  method: 'PATCH',
  path: '/comments/{commentId}',
  entry: 'functions/comments/update.ts',
  permission: 'signed-in',
  summary: "Edit a comment's text",
  params: CommentParams,
  body: EditCommentBody,
  success: editSuccess,
  problems: ['forbidden', 'conflict'],
  grants: ['table:read', 'table:write'],
} as const satisfies Route;

export const replaceCommentRoute = {
  id: 'ReplaceComment',
  method: 'PUT',
  path: '/comments/{commentId}',
  entry: 'functions/comments/replace.ts',
  permission: 'signed-in',
  summary: "Replace a comment's text (the text is all of a comment one may change)",
  params: CommentParams,
  body: EditCommentBody,
  success: editSuccess,
  problems: ['forbidden', 'conflict'],
  grants: ['table:read', 'table:write'],
} as const satisfies Route;

export const deleteCommentRoute = {
  id: 'DeleteComment',
  method: 'DELETE',
  path: '/comments/{commentId}',
  entry: 'functions/comments/delete.ts',
  permission: 'signed-in',
  summary: 'Delete a comment (recorded in the audit trail)',
  params: CommentParams,
  success: {
    status: 204,
    description:
      'Deleted; the audit trail records `comment.deleted` (internal for a note). Author or canDeleteAll (else ' +
      '403); 404 as GET; 409 for the description (it cannot be deleted) or on a closed or canceled ticket ' +
      '(except for canDeleteAll).',
  },
  problems: ['forbidden', 'conflict'],
  grants: ['table:read', 'table:write'],
} as const satisfies Route;

/** Every route of this feature, for `shared/routes.ts`. */
export const commentRoutes = [
  createCommentRoute,
  createCommentOnTicketRoute,
  listCommentsRoute,
  listAllCommentsRoute,
  getCommentRoute,
  updateCommentRoute,
  replaceCommentRoute,
  deleteCommentRoute,
] as const;
