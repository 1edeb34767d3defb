/** Ticket routes, and the stream consumer that cleans up after a deleted ticket. */
import type { EventSource, Route } from '#shared/platform/route-table.ts';
import { ListQuery } from '#shared/platform/schemas.ts';
import {
  CreateTicketBody,
  ListTicketsQuery,
  ReplaceTicketBody,
  TakeTicketBody,
  TicketParams,
  UpdateTicketBody,
} from '#shared/tickets/schemas.ts';

export const createTicketRoute = {
  id: 'CreateTicket',
  method: 'POST',
  path: '/tickets',
  entry: 'functions/tickets/create.ts',
  permission: 'canCreateTickets',
  summary: 'Open a ticket',
  body: CreateTicketBody,
  success: {
    status: 201,
    description:
      'The ticket opened by the caller, its people embedded: status open, or pending_approval with an approver ' +
      '(who is mailed a link). A cable request (type request with requestDetails) always waits for approval: ' +
      'without an approverId it goes to the cable approver group (approverGroup, approverIds: its enabled members ' +
      'less the caller, at most 20, each mailed a link; the first decision wins). 422 for requestDetails on another ' +
      'type, or a group with nobody else in it. Location /tickets/{ticketId}, ETag.',
    headers: ['location', 'etag'],
  },
  problems: ['unprocessable-content'],
  idempotent: true,
  grants: ['table:read', 'table:write'],
  // Who decides a group-approved cable request (shared/inventory/config.ts).
  settings: ['cableApproverGroup'],
} as const satisfies Route;

export const listTicketsRoute = {
  id: 'ListTickets',
  method: 'GET',
  path: '/tickets',
  entry: 'functions/tickets/list.ts',
  permission: 'signed-in',
  summary: 'Tickets visible to the caller, newest first, with filters',
  description:
    'Filters: status, priority, type, requesterId, assigneeId, mine, assigned. Served: no filter; one of status, ' +
    'priority, type; or one person (requesterId or mine, assigneeId or assigned) with any other filter. Without ' +
    'canViewAll every list is of the caller’s own tickets (no person filter: those they opened), so any ' +
    'combination of status, priority and type is served; naming another person is a 403. With canViewAll, two ' +
    'or more of status, priority and type without a person, or mine=true with another requesterId (assigned=true ' +
    'with another assigneeId), is a 422 naming the supported combinations; so is a cursor from another list. ' +
    'customerId: that customer’s tickets (one the caller may see, else 422), newest first, with no other filter.',
  query: ListTicketsQuery,
  success: {
    status: 200,
    description:
      'A page of ticket summaries, newest first, people embedded; nextCursor continues the same list',
  },
  problems: ['forbidden', 'unprocessable-content'],
  grants: ['table:read'],
} as const satisfies Route;

export const getTicketRoute = {
  id: 'GetTicket',
  method: 'GET',
  path: '/tickets/{ticketId}',
  entry: 'functions/tickets/get.ts',
  permission: 'signed-in',
  summary: 'A ticket with its comments and images',
  params: TicketParams,
  success: {
    status: 200,
    description:
      'The ticket with the first 50 messages of its conversation (the description first; internal notes for ' +
      'agents only) and its ready images with 5-minute download URLs, people and authors embedded. ETag.',
    headers: ['etag'],
  },
  grants: ['table:read', 'images:read'],
} as const satisfies Route;

export const updateTicketRoute = {
  id: 'UpdateTicket',
  method: 'PATCH',
  path: '/tickets/{ticketId}',
  entry: 'functions/tickets/update.ts',
  permission: 'signed-in',
  summary:
    'Change status, fields or the assignee of a ticket (If-Match: 412 when stale; required to approve or reject, ' +
    '428 without)',
  params: TicketParams,
  body: UpdateTicketBody,
  success: {
    status: 200,
    description:
      'The ticket after the change (as it was when nothing differs), people embedded. ETag of the new version. ' +
      '403 for a field, the assignee (canAssignTickets) or a status move the caller may not make; 409 ' +
      'invalid-transition with `allowed`, or conflict when the content is frozen (closed or canceled: for ' +
      'everyone; after an approval decision: the approved content for everyone; after a decision or once work ' +
      'started: for the requester); 422 for an assignee who is not an agent or admin, or a customerId the caller ' +
      'may not see (changing it needs canManageTickets, else 403), for requestDetails on another type than request ' +
      'or outside pending_approval. An edit of the content (request details included) ' +
      'while pending_approval sends the approval request again (new links; older ones decide nothing). An ' +
      'approval decision (status approved or rejected) binds to the version the approver read: without If-Match ' +
      '(or with `*`) it is a 428 precondition-required, after the permission and lifecycle checks.',
    headers: ['etag'],
  },
  problems: ['forbidden', 'conflict', 'invalid-transition', 'unprocessable-content', 'precondition-required'],
  ifMatch: true,
  grants: ['table:read', 'table:write'],
  // Who decides a group-approved cable request (shared/inventory/config.ts).
  settings: ['cableApproverGroup'],
} as const satisfies Route;

export const replaceTicketRoute = {
  id: 'ReplaceTicket',
  method: 'PUT',
  path: '/tickets/{ticketId}',
  entry: 'functions/tickets/replace.ts',
  permission: 'signed-in',
  summary:
    'Replace the editable fields and the assignee of a ticket (left out: default or empty; status moves only ' +
    'when sent; If-Match: 412 when stale)',
  params: TicketParams,
  body: ReplaceTicketBody,
  success: {
    status: 200,
    description:
      'The ticket after the replacement, people embedded. ETag of the new version. Errors as PATCH (an approval ' +
      'decision without If-Match: 428).',
    headers: ['etag'],
  },
  problems: ['forbidden', 'conflict', 'invalid-transition', 'unprocessable-content', 'precondition-required'],
  ifMatch: true,
  grants: ['table:read', 'table:write'],
  // Who decides a group-approved cable request (shared/inventory/config.ts).
  settings: ['cableApproverGroup'],
} as const satisfies Route;

export const deleteTicketRoute = {
  id: 'DeleteTicket',
  method: 'DELETE',
  path: '/tickets/{ticketId}',
  entry: 'functions/tickets/delete.ts',
  permission: 'signed-in',
  summary:
    'Delete a ticket: canDeleteAll, or its requester while nothing has happened to it (409 after); its ' +
    'comments, images, audit trail, links and objects are removed right after (If-Match: 412 when stale)',
  params: TicketParams,
  success: { status: 204, description: 'Deleted; the rest of the ticket is cleaned up asynchronously' },
  problems: ['forbidden', 'conflict'],
  ifMatch: true,
  grants: ['table:read', 'table:write'],
} as const satisfies Route;

export const takeTicketRoute = {
  id: 'TakeTicket',
  method: 'POST',
  path: '/tickets/{ticketId}/take',
  entry: 'functions/tickets/take.ts',
  permission: 'canManageTickets',
  summary:
    'Assign the ticket to the caller (409 when someone else works it and the caller may not assign tickets; ' +
    'If-Match: 412 when stale)',
  params: TicketParams,
  body: TakeTicketBody,
  success: {
    status: 200,
    description:
      'The ticket, assigned to the caller (unchanged when it was theirs already), people embedded. ETag.',
    headers: ['etag'],
  },
  problems: ['conflict'],
  ifMatch: true,
  grants: ['table:read', 'table:write'],
} as const satisfies Route;

export const listTicketEventsRoute = {
  id: 'ListTicketEvents',
  method: 'GET',
  path: '/tickets/{ticketId}/events',
  entry: 'functions/tickets/events.ts',
  permission: 'signed-in',
  summary:
    "A ticket's audit trail, oldest first: who, when, field, from → to (internal events for agents only)",
  params: TicketParams,
  query: ListQuery,
  success: {
    status: 200,
    description: 'A page of the audit trail, oldest first, each event with its actor embedded',
  },
  problems: ['unprocessable-content'],
  grants: ['table:read'],
} as const satisfies Route;

/** Every route of this feature, for `shared/routes.ts`. */
export const ticketRoutes = [
  createTicketRoute,
  listTicketsRoute,
  getTicketRoute,
  updateTicketRoute,
  replaceTicketRoute,
  deleteTicketRoute,
  takeTicketRoute,
  listTicketEventsRoute,
] as const;

/**
 * The table stream consumer of a ticket's removal: deletes what belonged to the ticket (`cleanup.ts`). The same
 * function is the table-maintenance consumer, which also keeps the dashboard counters: its deployed source, with
 * wider filters, is `tableMaintenanceSource` (`shared/dashboard/stream.ts`), which keeps this id and entry.
 */
export const ticketRemovedSource = {
  id: 'TicketRemoved',
  entry: 'functions/tickets/on-ticket-removed.ts',
  summary: "Deletes a deleted ticket's comments, images, audit trail, notification log, links and objects",
} as const satisfies EventSource;
