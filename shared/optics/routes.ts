/** Optics routes (PRODUCT "Operations"; issue 11 "Optics"): the allowed parts, and requests admins decide on. */
import {
  ChangeOpticsStatusBody,
  CreateOpticsRequestBody,
  ListOpticsRequestsQuery,
  OpticsRequestParams,
  ReplaceOpticsPartsBody,
} from '#shared/optics/schemas.ts';
import type { Route } from '#shared/platform/route-table.ts';

export const getOpticsPartsRoute = {
  id: 'GetOpticsParts',
  method: 'GET',
  path: '/optics/parts',
  entry: 'functions/optics/get-parts.ts',
  permission: 'signed-in',
  summary: 'The optics parts one may request, plus Other (with a description)',
  success: {
    status: 200,
    description: 'The allowed parts (the default list until an admin edits it) and `Other`',
  },
  grants: ['table:read'],
} as const satisfies Route;

export const replaceOpticsPartsRoute = {
  id: 'ReplaceOpticsParts',
  method: 'PUT',
  path: '/optics/parts',
  entry: 'functions/optics/replace-parts.ts',
  permission: 'canManageUsers',
  summary: 'Replace the list of allowed optics parts (admins)',
  body: ReplaceOpticsPartsBody,
  success: {
    status: 200,
    description:
      'The new list. Requests made before keep the part they named. 422 for a part listed twice (letter case ' +
      'ignored) or `Other` listed; 409 when another edit came in at the same time.',
  },
  problems: ['conflict', 'unprocessable-content'],
  grants: ['table:read', 'table:write'],
} as const satisfies Route;

export const createOpticsRequestRoute = {
  id: 'CreateOpticsRequest',
  method: 'POST',
  path: '/optics/requests',
  entry: 'functions/optics/create-request.ts',
  permission: 'signed-in',
  summary: 'Request optics parts (anyone signed in); the admins are alerted by email',
  body: CreateOpticsRequestBody,
  success: {
    status: 201,
    description:
      'The request, `pending`, with its first event, and Location /optics/requests/{requestId}. 422 for a part not ' +
      'on the list, `Other` without a description, a description with a listed part, or a `neededBy` in the past.',
    headers: ['location'],
  },
  problems: ['unprocessable-content'],
  grants: ['table:read', 'table:write'],
} as const satisfies Route;

export const listOpticsRequestsRoute = {
  id: 'ListOpticsRequests',
  method: 'GET',
  path: '/optics/requests',
  entry: 'functions/optics/list-requests.ts',
  permission: 'signed-in',
  summary: 'Optics requests, newest first: one’s own; every request for admins; `status=` filters',
  query: ListOpticsRequestsQuery,
  success: {
    status: 200,
    description:
      '{ items, nextCursor }, newest first. Admins (canManageUsers): every request, or those of `status`. Others: ' +
      'their own; with `status`, a page keeps those of `limit` requests read that are in it (it may hold fewer, ' +
      'even none, with a nextCursor). 422 for a cursor of another list.',
  },
  problems: ['unprocessable-content'],
  grants: ['table:read'],
} as const satisfies Route;

export const getOpticsRequestRoute = {
  id: 'GetOpticsRequest',
  method: 'GET',
  path: '/optics/requests/{requestId}',
  entry: 'functions/optics/get-request.ts',
  permission: 'signed-in',
  summary: 'An optics request with its audit trail (its requester and admins)',
  params: OpticsRequestParams,
  success: {
    status: 200,
    description: 'The request and its events, oldest first. 404 when it is not the caller’s to see.',
  },
  grants: ['table:read'],
} as const satisfies Route;

export const changeOpticsStatusRoute = {
  id: 'ChangeOpticsStatus',
  method: 'PATCH',
  path: '/optics/requests/{requestId}/status',
  entry: 'functions/optics/change-status.ts',
  permission: 'canManageUsers',
  summary: 'Approve, deny (with a reason) or archive an optics request (admins); the requester is told',
  description:
    'Actions by status: `pending` → `approve` (approved), `deny` (denied, `reason` required), `archive`; ' +
    '`approved` and `denied` → `archive`; `archived` → none. Another action is a 409 `invalid-transition` with ' +
    '`allowed`. Each change is an event of the request; an approval or denial is mailed to the requester.',
  params: OpticsRequestParams,
  body: ChangeOpticsStatusBody,
  success: {
    status: 200,
    description:
      'The request with its audit trail. 409 `invalid-transition` (with `allowed`), or `conflict` when it changed meanwhile.',
  },
  problems: ['invalid-transition', 'conflict'],
  grants: ['table:read', 'table:write'],
} as const satisfies Route;

/** Every route of this feature, for `shared/routes.ts`. */
export const opticsRoutes = [
  getOpticsPartsRoute,
  replaceOpticsPartsRoute,
  createOpticsRequestRoute,
  listOpticsRequestsRoute,
  getOpticsRequestRoute,
  changeOpticsStatusRoute,
] as const;
