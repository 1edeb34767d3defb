/**
 * Who may do what with optics (pure; from permission flags and ownership, never role names). "Admins" are those who
 * manage users (`canManageUsers`), as for the other administrative routes (the notification dead letters): they
 * edit the parts list, see every request and decide on them. Anyone signed in may ask; a requester sees their own.
 */
import type { OpticsRequestItem } from '#shared/optics/optics.entity.ts';
import type { Actor } from '#shared/roles/actor.ts';

/** Edits the parts list, sees every request, approves, denies and archives. */
export const managesOptics = (actor: Actor) => actor.permissions.canManageUsers;

/** Its requester, or an admin; anyone else gets "not found". */
export const canSeeOpticsRequest = (actor: Actor, request: Pick<OpticsRequestItem, 'requesterId'>) =>
  request.requesterId === actor.userId || managesOptics(actor);
