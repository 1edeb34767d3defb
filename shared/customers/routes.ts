/**
 * Customer routes: an agent's contacts. Every route needs `canManageTickets` (agents and admins; requesters and
 * other roles without it get 403). Who sees, edits and deletes which customer: `policy.ts`.
 */
import {
  CreateCustomerBody,
  CustomerParams,
  DeleteCustomerQuery,
  GetCustomerQuery,
  ListCustomersQuery,
  UpdateCustomerBody,
} from '#shared/customers/schemas.ts';
import type { Route } from '#shared/platform/route-table.ts';

export const createCustomerRoute = {
  id: 'CreateCustomer',
  method: 'POST',
  path: '/customers',
  entry: 'functions/customers/create.ts',
  permission: 'canManageTickets',
  summary: 'Add a customer (a contact of the caller)',
  body: CreateCustomerBody,
  success: {
    status: 201,
    description:
      'The customer, owned by the caller, with Location /customers/{customerId} and ETag. 409 when another ' +
      'customer of the caller has the email (compared lower-cased; `existingCustomerId` names it); two owners may ' +
      'each have the same person.',
    headers: ['location', 'etag'],
  },
  problems: ['conflict'],
  idempotent: true,
  grants: ['table:read', 'table:write'],
} as const satisfies Route;

export const listCustomersRoute = {
  id: 'ListCustomers',
  method: 'GET',
  path: '/customers',
  entry: 'functions/customers/list.ts',
  permission: 'canManageTickets',
  summary:
    'Customers: mine (newest first), another owner’s or every owner’s (canViewAll), or by email or name prefix',
  description:
    'No filter: the caller’s customers, newest first. `ownerId`: that owner’s (another owner’s needs canViewAll, ' +
    'else 403). `all=true`: every owner’s, newest first (canViewAll, else 403). `email` or `name`: the caller’s ' +
    '(or `ownerId`’s) customers whose email (case ignored) or name (case and accents ignored) starts so, by email ' +
    'or by name. Not served (422): `email` with `name`, `all=true` with `ownerId`, `email` or `name`; a cursor of ' +
    'another list.',
  query: ListCustomersQuery,
  success: { status: 200, description: '{ items, nextCursor }' },
  problems: ['forbidden', 'unprocessable-content'],
  grants: ['table:read'],
} as const satisfies Route;

export const getCustomerRoute = {
  id: 'GetCustomer',
  method: 'GET',
  path: '/customers/{customerId}',
  entry: 'functions/customers/get.ts',
  permission: 'canManageTickets',
  summary: 'A customer with a page of its tickets, newest first',
  params: CustomerParams,
  query: GetCustomerQuery,
  success: {
    status: 200,
    description:
      'The customer with `tickets` (a page of at most `limit` of its tickets the caller may see, newest first) and ' +
      '`ticketsNextCursor` (send it as `cursor` here, or to GET /tickets?customerId=). ETag. 404 unless the ' +
      'caller owns it or has canViewAll; 422 for a cursor of another list.',
    headers: ['etag'],
  },
  problems: ['unprocessable-content'],
  grants: ['table:read'],
} as const satisfies Route;

export const updateCustomerRoute = {
  id: 'UpdateCustomer',
  method: 'PATCH',
  path: '/customers/{customerId}',
  entry: 'functions/customers/update.ts',
  permission: 'canManageTickets',
  summary: 'Change a customer (its owner, or canEditAll; If-Match: 412 when stale)',
  params: CustomerParams,
  body: UpdateCustomerBody,
  success: {
    status: 200,
    description:
      'The customer after the change, ETag of the new version. 404 as GET; 403 for neither owner nor canEditAll; ' +
      '409 when another customer of the same owner has the new email (`existingCustomerId`).',
    headers: ['etag'],
  },
  problems: ['forbidden', 'conflict'],
  ifMatch: true,
  grants: ['table:read', 'table:write'],
} as const satisfies Route;

export const deleteCustomerRoute = {
  id: 'DeleteCustomer',
  method: 'DELETE',
  path: '/customers/{customerId}',
  entry: 'functions/customers/delete.ts',
  permission: 'canManageTickets',
  summary:
    'Delete a customer (its owner, or canDeleteAll; force=true unlinks its tickets; If-Match: 412 when stale)',
  params: CustomerParams,
  query: DeleteCustomerQuery,
  success: {
    status: 204,
    description:
      'Deleted, with its email free again for its owner. 404 as GET; 403 for neither owner nor canDeleteAll, and ' +
      'for force=true without canDeleteAll; 409 while tickets are linked to it (`ticketCount`) unless ' +
      'force=true, which unlinks them (up to 300 per request, each page of 25 in one transaction; beyond that a ' +
      '409 says how many remain: send it again). The tickets and their history stay.',
  },
  problems: ['forbidden', 'conflict'],
  ifMatch: true,
  grants: ['table:read', 'table:write'],
} as const satisfies Route;

/** Every route of this feature, for `shared/routes.ts`. */
export const customerRoutes = [
  createCustomerRoute,
  listCustomersRoute,
  getCustomerRoute,
  updateCustomerRoute,
  deleteCustomerRoute,
] as const satisfies readonly Route[];
