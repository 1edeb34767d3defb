/**
 * Who sees, changes and applies which macro (`docs/data-model.md`, "Macros"). Pure: no AWS, unit-tested in
 * `test/unit/macros.test.ts`.
 *
 * Macros are a tool of the people who work tickets: every macro route needs `canManageTickets` (requesters get
 * 403). A personal macro is its owner's alone: anyone else gets 404, as for a macro that does not exist. A shared
 * macro is every agent's: all see and apply it, and only `canManageTickets` creates, changes or deletes one.
 */
import type { MacroAvailability, MacroItem } from '#shared/macros/macro.entity.ts';
import type { Actor } from '#shared/roles/actor.ts';

/** Whether the actor may see (and apply) this macro: every shared one, and their own personal ones. */
export const canSeeMacro = (actor: Actor, macro: Pick<MacroItem, 'availability' | 'ownerId'>) =>
  macro.availability === 'shared' || macro.ownerId === actor.userId;

/**
 * Why the actor may not create, change or delete a macro that is (or becomes) `availability`, or `undefined` when
 * they may: a shared macro needs `canManageTickets`; only its owner makes it personal again; a personal one is its
 * owner's (others do not see it).
 * @param macro the macro as it is, or undefined for a new one (the actor will own it)
 */
export function macroChangeRefusal(
  actor: Actor,
  macro: Pick<MacroItem, 'availability' | 'ownerId'> | undefined,
  availability: MacroAvailability | undefined,
): string | undefined {
  const shared = macro?.availability === 'shared' || availability === 'shared';
  if (shared && !actor.permissions.canManageTickets) {
    return 'Only a role that works tickets (canManageTickets) creates, changes or deletes shared macros.';
  }
  // Making a shared macro personal takes it from the team and gives it back to its owner: the owner's call.
  if (macro?.availability === 'shared' && availability === 'personal' && macro.ownerId !== actor.userId) {
    return 'Only its owner makes a shared macro personal again.';
  }
  if (shared) return undefined;
  if (macro && macro.ownerId !== actor.userId) return "A personal macro is its owner's alone.";
  return undefined;
}

/**
 * What a macro's fields must say together, as field errors (JSON Pointers into the macro): posting a reply needs a
 * reply text. Empty when the macro holds together.
 */
export function macroShapeErrors(
  macro: Pick<MacroItem, 'body' | 'actions'>,
): { pointer: string; detail: string }[] {
  return macro.actions.reply && !macro.body
    ? [{ pointer: '/body', detail: `The macro posts its reply as a ${macro.actions.reply}: give it a body.` }]
    : [];
}
