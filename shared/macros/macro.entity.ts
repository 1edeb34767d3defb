/**
 * A macro: a canned reply that also acts on the ticket it is applied to. Stored at `pk = MACRO#<macroId>`,
 * `sk = MACRO` (one partition per macro: read, changed and deleted by id with no index).
 *
 * Lists (`docs/data-model.md`, "Macros"), on the generic keys-only index gsi12:
 * - an owner's personal macros, by name: partition `MACROS#PERSONAL#<ownerId>`;
 * - every shared macro, by name: partition `MACROS#SHARED` (few items, rarely written: one partition holds them);
 * both sorted by `<folded name>#<macroId>` ({@link macroIndexKeys}). gsi12 holds the keys only: a page reads the
 * keys, then BatchGetItem the macros. A change of name or availability rewrites both keys (the macro moves).
 */
import type { Priority, TicketStatus, TicketType } from '#shared/tickets/lifecycle.ts';

/** `personal`: its owner's alone; `shared`: every agent's. */
export const macroAvailabilities = ['personal', 'shared'] as const;
export type MacroAvailability = (typeof macroAvailabilities)[number];

/** How a macro posts its reply: a `response` the requester reads, or an internal `note` for agents. */
export const macroReplyKinds = ['response', 'note'] as const;
export type MacroReplyKind = (typeof macroReplyKinds)[number];

/** Who a macro assigns the ticket to: the agent applying it, a named agent or admin, or nobody. */
export type MacroAssignee =
  | { readonly to: 'me' }
  | { readonly to: 'user'; readonly userId: string }
  | { readonly to: 'nobody' };

/** What applying a macro does to a ticket; each action is optional. */
export interface MacroActions {
  /** Any status but `rejected` (a rejection needs its own reason); the lifecycle decides at apply time. */
  readonly status?: Exclude<TicketStatus, 'rejected'> | undefined;
  readonly priority?: Priority | undefined;
  readonly type?: TicketType | undefined;
  readonly assignee?: MacroAssignee | undefined;
  /** Tags added to the ticket's (those it has already stay). */
  readonly addTags?: readonly string[] | undefined;
  /** Post the macro's `body` as a response or an internal note. */
  readonly reply?: MacroReplyKind | undefined;
}

export interface MacroItem {
  /** ULID. */
  readonly macroId: string;
  /** The agent who created it. */
  readonly ownerId: string;
  readonly name: string;
  readonly description?: string | undefined;
  /** The reply text, with placeholders (`placeholders.ts`). */
  readonly body?: string | undefined;
  readonly availability: MacroAvailability;
  readonly actions: MacroActions;
  /** ISO 8601. */
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Optimistic-locking version, starts at 1, +1 per change (`ETag`/`If-Match`). */
  readonly version: number;
}

export const macroEntity = 'macro';

/** The key of a macro. */
export const macroKey = (macroId: string) => ({ pk: `MACRO#${macroId}`, sk: 'MACRO' });

/** The gsi12 partition of an owner's personal macros. */
export const personalMacrosPartition = (ownerId: string) => ({ gsi12pk: `MACROS#PERSONAL#${ownerId}` });

/** The gsi12 partition of every shared macro. */
export const sharedMacrosPartition = () => ({ gsi12pk: 'MACROS#SHARED' });

/** A name as lists sort it: trimmed, lower case, accents removed. */
export const foldedName = (name: string) => name.trim().normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

/** The gsi12 sort key of a macro: its folded name, then its id (unique, and names its item). */
export const macroSortKey = (macro: Pick<MacroItem, 'name' | 'macroId'>) =>
  `${foldedName(macro.name)}#${macro.macroId}`;

/** The macro id a gsi12 sort key ends with. */
export const macroIdOfSortKey = (sortKey: string) => sortKey.slice(sortKey.lastIndexOf('#') + 1);

/** The gsi12 keys of a macro: its list (personal of its owner, or shared) and its place in it. */
export function macroIndexKeys(macro: Pick<MacroItem, 'name' | 'macroId' | 'availability' | 'ownerId'>) {
  return {
    ...(macro.availability === 'shared' ? sharedMacrosPartition() : personalMacrosPartition(macro.ownerId)),
    gsi12sk: macroSortKey(macro),
  };
}

/** The stored item of a macro: keys, index keys, entity name and fields. */
export const macroRecord = (macro: MacroItem) => ({
  ...macro,
  ...macroKey(macro.macroId),
  ...macroIndexKeys(macro),
  entityType: macroEntity,
});
