/**
 * Macro routes: an agent's canned replies that act (`docs/data-model.md`, "Macros"). Every route needs
 * `canManageTickets`: requesters cannot use macros (403).
 */
import {
  ApplyMacroBody,
  ApplyMacroParams,
  CreateMacroBody,
  MacroParams,
  UpdateMacroBody,
} from '#shared/macros/schemas.ts';
import type { Route } from '#shared/platform/route-table.ts';
import { ListQuery } from '#shared/platform/schemas.ts';

export const createMacroRoute = {
  id: 'CreateMacro',
  method: 'POST',
  path: '/macros',
  entry: 'functions/macros/create.ts',
  permission: 'canManageTickets',
  summary: 'Create a macro: a reply text and actions, personal (default) or shared',
  body: CreateMacroBody,
  success: {
    status: 201,
    description:
      'The macro, owned by the caller. Location /macros/{macroId}, ETag. 400 for an unknown {{placeholder}} in ' +
      'the body; 422 for a reply action without a body.',
    headers: ['location', 'etag'],
  },
  problems: ['unprocessable-content'],
  grants: ['table:read', 'table:write'],
} as const satisfies Route;

export const listMacrosRoute = {
  id: 'ListMacros',
  method: 'GET',
  path: '/macros',
  entry: 'functions/macros/list.ts',
  permission: 'canManageTickets',
  summary: 'The macros the caller may apply: their personal ones by name, then every shared one by name',
  query: ListQuery,
  success: { status: 200, description: '{ items, nextCursor }; 422 for a cursor of another list' },
  problems: ['unprocessable-content'],
  grants: ['table:read'],
} as const satisfies Route;

export const getMacroRoute = {
  id: 'GetMacro',
  method: 'GET',
  path: '/macros/{macroId}',
  entry: 'functions/macros/get.ts',
  permission: 'canManageTickets',
  summary: 'A macro (404 for another agent’s personal macro)',
  params: MacroParams,
  success: { status: 200, description: 'The macro. ETag.', headers: ['etag'] },
  grants: ['table:read'],
} as const satisfies Route;

export const updateMacroRoute = {
  id: 'UpdateMacro',
  method: 'PATCH',
  path: '/macros/{macroId}',
  entry: 'functions/macros/update.ts',
  permission: 'canManageTickets',
  summary: 'Change a macro: its owner (personal) or any agent (shared); If-Match: 412 when stale',
  params: MacroParams,
  body: UpdateMacroBody,
  success: {
    status: 200,
    description:
      'The macro after the change. ETag of the new version. 400 for an unknown {{placeholder}}; 422 for a ' +
      'reply action without a body; 404 for another agent’s personal macro.',
    headers: ['etag'],
  },
  problems: ['conflict', 'unprocessable-content'],
  ifMatch: true,
  grants: ['table:read', 'table:write'],
} as const satisfies Route;

export const deleteMacroRoute = {
  id: 'DeleteMacro',
  method: 'DELETE',
  path: '/macros/{macroId}',
  entry: 'functions/macros/delete.ts',
  permission: 'canManageTickets',
  summary: 'Delete a macro: its owner (personal) or any agent (shared); If-Match: 412 when stale',
  params: MacroParams,
  success: {
    status: 204,
    description: 'Deleted; what it did to tickets stays (their audit trails name it as it was)',
  },
  problems: ['conflict'],
  ifMatch: true,
  grants: ['table:read', 'table:write'],
} as const satisfies Route;

export const applyMacroRoute = {
  id: 'ApplyMacro',
  method: 'POST',
  path: '/tickets/{ticketId}/macros/{macroId}/apply',
  entry: 'functions/macros/apply.ts',
  permission: 'canManageTickets',
  summary:
    'Apply a macro to a ticket: its actions and its reply in one transaction, all or nothing (If-Match of the ' +
    'ticket: 412 when stale)',
  params: ApplyMacroParams,
  body: ApplyMacroBody,
  success: {
    status: 200,
    description:
      'The ticket after the macro (people embedded), with the ETag of its new version. Each change is an audit ' +
      'event naming the macro; the reply is posted with its placeholders filled in. 404 for a ticket or macro ' +
      'the caller may not see; 409 invalid-transition (with `allowed`) for a status the lifecycle forbids, or ' +
      'conflict (frozen content, closed ticket, 1,000 comments); 422 for an assignee who may not be assigned, ' +
      'more than 20 tags, or a reply too long once filled in; 428 for a macro that approves, applied without ' +
      'If-Match (an approval decision binds to the version read). Nothing changes on any refusal.',
    headers: ['etag'],
  },
  problems: ['forbidden', 'conflict', 'invalid-transition', 'unprocessable-content', 'precondition-required'],
  ifMatch: true,
  grants: ['table:read', 'table:write'],
  // Who decides a group-approved cable request (shared/inventory/config.ts).
  settings: ['cableApproverGroup'],
} as const satisfies Route;

/** Every route of this feature, for `shared/routes.ts`. */
export const macroRoutes = [
  createMacroRoute,
  listMacrosRoute,
  getMacroRoute,
  updateMacroRoute,
  deleteMacroRoute,
  applyMacroRoute,
] as const;
