/**
 * Who writes which kind of comment and who reads internal notes. Pure: no AWS, unit-tested in
 * `test/unit/ticket-rules.test.ts`.
 */
import type { Actor } from '#shared/roles/actor.ts';

/** Whether the actor sees internal notes: agents (`canManageTickets`) do, requesters never. */
export const canSeeInternalNotes = (actor: Actor) => actor.permissions.canManageTickets;

/**
 * The kind of a new comment: `request` from the requester, `response` from an agent; internal notes are agents'
 * only.
 * @returns the kind, or `undefined` when the actor may not write an internal note
 */
export function commentKindFor(actor: Actor, internal: boolean): 'request' | 'response' | 'note' | undefined {
  if (actor.permissions.canManageTickets) return internal ? 'note' : 'response';
  return internal ? undefined : 'request';
}
