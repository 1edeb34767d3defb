/** Ticket routes. */
import type { Route } from '#shared/platform/route-table.ts';
import { ListQuery } from '#shared/platform/schemas.ts';
import { CreateTicketBody, TicketParams, UpdateTicketBody } from '#shared/tickets/schemas.ts';

export const createTicketRoute = {
  id: 'CreateTicket',
  method: 'POST',
  path: '/tickets',
  entry: 'functions/tickets/create.ts',
  permission: 'canCreateTickets',
  summary: 'Open a ticket',
  body: CreateTicketBody,
  success: { status: 201, description: 'The ticket, with Location and ETag' },
  idempotent: true,
  grants: ['table:read', 'table:write'],
} as const satisfies Route;

export const listTicketsRoute = {
  id: 'ListTickets',
  method: 'GET',
  path: '/tickets',
  entry: 'functions/tickets/list.ts',
  permission: 'signed-in',
  summary: 'Tickets visible to the caller, newest first',
  query: ListQuery,
  success: { status: 200, description: '{ items, nextCursor }, newest first' },
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
  success: { status: 200, description: 'The ticket with comments and images, with ETag' },
  grants: ['table:read', 'images:read'],
} as const satisfies Route;

export const updateTicketRoute = {
  id: 'UpdateTicket',
  method: 'PATCH',
  path: '/tickets/{ticketId}',
  entry: 'functions/tickets/update.ts',
  permission: 'signed-in',
  summary: 'Change status or fields of a ticket',
  params: TicketParams,
  body: UpdateTicketBody,
  success: { status: 200, description: 'The changed ticket, with ETag' },
  grants: ['table:read', 'table:write'],
} as const satisfies Route;

/** Every route of this feature, for `shared/routes.ts`. */
export const ticketRoutes = [createTicketRoute, listTicketsRoute, getTicketRoute, updateTicketRoute] as const;
