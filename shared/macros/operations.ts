/**
 * Macro operations: keep an agent's canned replies (create, list, read, change, delete) and apply one to a ticket.
 * Plain values in, domain errors out, never HTTP (see `shared/tickets/operations.ts`).
 *
 * Applying reuses the ticket feature's change rules (`planTicketChange`: permissions by field, frozen content, the
 * assignee, the lifecycle) and the comment feature's comment (`newComment`: kind, frozen ticket, the comment cap),
 * and writes everything in one TransactWriteItems call conditioned on the ticket's version: all of it happens, or
 * nothing does.
 */
import { ulid } from 'ulid';
import { commentRecord } from '#shared/comments/comment.entity.ts';
import { newComment } from '#shared/comments/operations.ts';
import { MAX_COMMENTS_PER_TICKET } from '#shared/comments/policy.ts';
import { writeTicketChangeWithStock } from '#shared/inventory/fulfilment.ts';
import { MacroNotFound } from '#shared/macros/errors.ts';
import {
  type MacroItem,
  macroIdOfSortKey,
  macroKey,
  macroRecord,
  personalMacrosPartition,
  sharedMacrosPartition,
} from '#shared/macros/macro.entity.ts';
import { renderPlaceholders } from '#shared/macros/placeholders.ts';
import { canSeeMacro, macroChangeRefusal, macroShapeErrors } from '#shared/macros/policy.ts';
import type { CreateMacroInput, UpdateMacroInput } from '#shared/macros/schemas.ts';
import { decodeCursor, encodeCursor } from '#shared/platform/cursor.ts';
import {
  attributesEqual,
  both,
  getItem,
  getItems,
  type ItemKey,
  itemIsNew,
  queryPage,
  type TransactionWrite,
  transactWrite,
} from '#shared/platform/db.ts';
import { nowIso } from '#shared/platform/entity.ts';
import { Conflict, InvalidInput, NotAllowed, VersionConflict } from '#shared/platform/errors.ts';
import { characterCount } from '#shared/platform/text.ts';
import type { Actor } from '#shared/roles/actor.ts';
import { TicketNotFound } from '#shared/tickets/errors.ts';
import {
  planTicketChange,
  requireDecisionVersion,
  type TicketSet,
  ticketChangeWrites,
} from '#shared/tickets/operations.ts';
import { type TicketItem, ticketKey } from '#shared/tickets/ticket.entity.ts';
import { type TicketEventItem, ticketEventRecord } from '#shared/tickets/ticket-event.entity.ts';
import { findUsers } from '#shared/users/profiles.ts';

/** A page of macros and the opaque cursor of the next page, or null at the end. */
export interface MacroPage {
  readonly items: MacroItem[];
  readonly nextCursor: string | null;
}

/** The most tags a ticket holds (`tags` in `shared/tickets/schemas.ts`). */
const MAX_TICKET_TAGS = 20;

/** The longest comment (`shared/comments/schemas.ts`): a rendered reply must fit. */
const MAX_COMMENT_CHARS = 10_000;

/** The macro's field errors as an InvalidInput (422), when it does not hold together. */
function checkShape(macro: Pick<MacroItem, 'body' | 'actions'>): void {
  const errors = macroShapeErrors(macro);
  if (errors.length > 0) throw new InvalidInput(errors.map((error) => ({ in: 'body', ...error })));
}

/**
 * Create a macro owned by the actor (one PutItem, with its gsi12 list keys).
 * @throws NotAllowed (a shared macro without `canManageTickets`); InvalidInput (a reply action without a body)
 */
export async function createMacro(actor: Actor, input: CreateMacroInput): Promise<MacroItem> {
  const refusal = macroChangeRefusal(actor, undefined, input.availability);
  if (refusal) throw new NotAllowed(refusal);
  const now = nowIso();
  const macro: MacroItem = {
    macroId: ulid(),
    ownerId: actor.userId,
    name: input.name,
    description: input.description,
    body: input.body,
    availability: input.availability,
    actions: input.actions,
    createdAt: now,
    updatedAt: now,
    version: 1,
  };
  checkShape(macro);
  const result = await transactWrite([{ put: macroRecord(macro), condition: itemIsNew }]);
  if (!result.ok)
    throw new Error(`Macro ${macro.macroId} could not be created: ${result.reasons.join(', ')}`);
  return macro;
}

/**
 * The macro, if the actor may see it (one GetItem): every shared macro, and their own personal ones.
 * @throws MacroNotFound when it does not exist or is another agent's personal macro (same answer)
 */
export async function findVisibleMacro(actor: Actor, macroId: string): Promise<MacroItem> {
  const macro = await getItem<MacroItem>(macroKey(macroId));
  if (!macro || !canSeeMacro(actor, macro)) throw new MacroNotFound();
  return macro;
}

type MacroIndexEntry = ItemKey & { readonly gsi12pk: string; readonly gsi12sk: string };

/** The gsi12 keys of the entry a list stopped at, from its sort key (which names the macro). */
const startKeyOf = (partition: { gsi12pk: string }, sortKey: string | undefined) =>
  sortKey ? { ...partition, gsi12sk: sortKey, ...macroKey(macroIdOfSortKey(sortKey)) } : undefined;

/**
 * A page of the macros the actor may use: their personal macros by name, then every shared macro by name. One
 * Query of gsi12 per list the page reaches (keys only), then one BatchGetItem of the macros.
 * @throws InvalidInput for a cursor from another list (or caller), or altered
 */
export async function listMacros(
  actor: Actor,
  page: { limit: number; cursor?: string | undefined },
): Promise<MacroPage> {
  const scope = `macros:${actor.userId}`;
  // The position: `P:<sort key>` within the personal list, `S:<sort key>` within the shared one (`S:` its start).
  const after = await decodeCursor(page.cursor, scope);
  const entries: MacroIndexEntry[] = [];
  let next: string | null = null;
  let sharedAfter = after?.startsWith('S:') ? after.slice(2) || undefined : undefined;
  if (!after?.startsWith('S:')) {
    const partition = personalMacrosPartition(actor.userId);
    const personal = await queryPage<MacroIndexEntry>({
      index: 'gsi12',
      partition,
      limit: page.limit,
      startKey: startKeyOf(partition, after?.slice(2)),
    });
    entries.push(...personal.items);
    if (personal.lastKey) next = `P:${personal.items.at(-1)?.gsi12sk}`;
    else if (entries.length >= page.limit) next = 'S:';
    sharedAfter = undefined;
  }
  if (next === null && entries.length < page.limit) {
    const partition = sharedMacrosPartition();
    const shared = await queryPage<MacroIndexEntry>({
      index: 'gsi12',
      partition,
      limit: page.limit - entries.length,
      startKey: startKeyOf(partition, sharedAfter),
    });
    entries.push(...shared.items);
    if (shared.lastKey) next = `S:${shared.items.at(-1)?.gsi12sk}`;
  }
  const macros = await getItems<MacroItem>(entries.map(({ pk, sk }) => ({ pk, sk })));
  const byId = new Map(macros.map((macro) => [macro.macroId, macro]));
  const items = entries
    .map((entry) => byId.get(macroIdOfSortKey(entry.gsi12sk)))
    .filter((macro): macro is MacroItem => macro !== undefined && canSeeMacro(actor, macro));
  return { items, nextCursor: next ? await encodeCursor(next, scope) : null };
}

/** The refusal of a version-conditioned write that failed: gone, changed meanwhile, or stale. */
async function refusedWrite(macroId: string, expectedVersion: number | undefined): Promise<never> {
  const current = await getItem<MacroItem>(macroKey(macroId), { consistent: true });
  if (!current) throw new MacroNotFound();
  if (expectedVersion !== undefined) throw new VersionConflict();
  throw new Conflict('The macro changed at the same time; read it again and retry.');
}

/**
 * `PATCH /macros/{macroId}`: change the fields sent (`actions` replaces every action; `null` removes the
 * description or the body). One PutItem conditioned on the version read; a new name or availability moves the
 * macro in its list (new gsi12 keys).
 * @param macro the macro as read by {@link findVisibleMacro}
 * @throws VersionConflict (stale `expectedVersion`); NotAllowed (a shared macro, or one made shared, without
 *   `canManageTickets`); InvalidInput (a reply action without a body); Conflict (changed at the same time)
 */
export async function changeMacro(
  actor: Actor,
  macro: MacroItem,
  input: UpdateMacroInput,
  expectedVersion: number | undefined,
): Promise<MacroItem> {
  if (expectedVersion !== undefined && expectedVersion !== macro.version) throw new VersionConflict();
  const refusal = macroChangeRefusal(actor, macro, input.availability);
  if (refusal) throw new NotAllowed(refusal);
  const changed: MacroItem = {
    ...macro,
    name: input.name ?? macro.name,
    description: input.description === undefined ? macro.description : (input.description ?? undefined),
    body: input.body === undefined ? macro.body : (input.body ?? undefined),
    availability: input.availability ?? macro.availability,
    actions: input.actions ?? macro.actions,
    updatedAt: nowIso(),
    version: macro.version + 1,
  };
  checkShape(changed);
  const result = await transactWrite([
    { put: macroRecord(changed), condition: attributesEqual({ version: macro.version }) },
  ]);
  if (!result.ok) return refusedWrite(macro.macroId, expectedVersion);
  return changed;
}

/**
 * Delete a macro (one DeleteItem conditioned on the version read). Audit events and comments it made stay, naming
 * it as it was.
 * @param macro the macro as read by {@link findVisibleMacro}
 * @throws VersionConflict (stale `expectedVersion`); NotAllowed (a shared macro without `canManageTickets`);
 *   MacroNotFound (deleted at the same time); Conflict (changed at the same time)
 */
export async function deleteMacro(
  actor: Actor,
  macro: MacroItem,
  expectedVersion: number | undefined,
): Promise<void> {
  if (expectedVersion !== undefined && expectedVersion !== macro.version) throw new VersionConflict();
  const refusal = macroChangeRefusal(actor, macro, undefined);
  if (refusal) throw new NotAllowed(refusal);
  const result = await transactWrite([
    { delete: macroKey(macro.macroId), condition: attributesEqual({ version: macro.version }) },
  ]);
  if (!result.ok) await refusedWrite(macro.macroId, expectedVersion);
}

/** Whether the ticket feature mails the requester about this status change (`shared/tickets/stream-rules.ts`). */
const statusMailed = (from: string | undefined, to: string | undefined) =>
  Boolean(from && to && from !== to) &&
  to !== 'pending_approval' &&
  !(from === 'pending_approval' && (to === 'approved' || to === 'rejected'));

/** The macro's InvalidInput (an assignee who may not be assigned) as a problem of the macro's actions. */
function asMacroProblem(error: unknown): never {
  if (error instanceof InvalidInput) {
    throw new InvalidInput(
      error.fields.map((field) =>
        field.pointer === '/assigneeId'
          ? { ...field, pointer: '/actions/assignee/userId', detail: `The macro's assignee: ${field.detail}` }
          : field,
      ),
      error.message,
    );
  }
  throw error;
}

/**
 * Apply a macro the actor can see to a ticket they can see: its actions (status, priority, type, assignee, tags)
 * through the ticket's change rules, and its reply (placeholders filled in as plain text) as a comment, all in one
 * transaction conditioned on the ticket's version: everything happens, or nothing does. Every audit event names
 * the macro; a reply is recorded as `comment.added`. A response that comes with a status change the requester is
 * mailed about carries that change (`statusChange`), and the status event says so (`mailedWith`): the requester
 * gets one mail for both.
 * @param ticket the ticket as read by `findVisibleTicket`
 * @param macro the macro as read by {@link findVisibleMacro}
 * @param expectedVersion the ticket version the client last read (`If-Match`), if it sent one
 * @returns the ticket after the change (its version bumped when a field changed; a reply alone leaves it)
 * @throws VersionConflict (stale `expectedVersion`, or the ticket changed meanwhile when one was given);
 *   TransitionNotAllowed (a status the lifecycle forbids, with `allowed`); Conflict (frozen content, closed or
 *   canceled ticket, the comment cap, a concurrent change); NotAllowed (an action the actor's role may not take);
 *   InvalidInput (an assignee who may not be assigned; more than 20 tags; a reply that renders too long)
 */
export async function applyMacro(
  actor: Actor,
  ticket: TicketItem,
  macro: MacroItem,
  expectedVersion: number | undefined,
): Promise<TicketItem> {
  if (expectedVersion !== undefined && expectedVersion !== ticket.version) throw new VersionConflict();
  const { actions } = macro;
  const named = { macroId: macro.macroId, name: macro.name };

  const reply = actions.reply && macro.body ? await renderedReply(actor, ticket, macro.body) : undefined;
  const posted = reply
    ? newComment(actor, ticket, { body: reply, internal: actions.reply === 'note' })
    : undefined;

  const fields: Record<string, unknown> = {};
  if (actions.priority) fields.priority = actions.priority;
  if (actions.type) fields.type = actions.type;
  if (actions.addTags) {
    const tags = [...new Set([...(ticket.tags ?? []), ...actions.addTags])];
    if (tags.length > MAX_TICKET_TAGS) {
      throw new InvalidInput([
        {
          in: 'body',
          pointer: '/actions/addTags',
          detail: `With the macro's tags the ticket would hold ${tags.length} tags; it holds at most ${MAX_TICKET_TAGS}.`,
        },
      ]);
    }
    fields.tags = tags;
  }
  const assignee = actions.assignee;
  const assigneeId =
    assignee === undefined
      ? undefined
      : assignee.to === 'me'
        ? actor.userId
        : assignee.to === 'user'
          ? assignee.userId
          : null;
  // "Assign to me" is taking the ticket (`takeTicket`): the route's canManageTickets is the permission while nobody
  // else works it.
  const takes = assignee?.to === 'me' && (!ticket.assigneeId || ticket.assigneeId === actor.userId);
  const planner: Actor = takes
    ? { ...actor, permissions: { ...actor.permissions, canAssignTickets: true } }
    : actor;
  // A response posted in the same transaction counts as the agent's response (a ticket may then be resolved).
  const asPlanned = posted?.comment.kind === 'response' ? { ...ticket, agentResponded: true } : ticket;
  const { set, events, at } = await planTicketChange(
    planner,
    asPlanned,
    { status: actions.status, fields, assigneeId },
    { assigneeChecked: assignee?.to === 'me' },
  ).catch(asMacroProblem);
  // A macro that approves is an approval decision: it binds to the version the agent saw (If-Match).
  requireDecisionVersion(set, expectedVersion);
  if (events.length === 0 && !posted) return ticket;

  const statusEvent = events.find((event) => event.field === 'status');
  const folded =
    posted?.comment.kind === 'response' && statusEvent && statusMailed(statusEvent.from, statusEvent.to);
  const comment = posted && {
    ...posted.comment,
    macro: named,
    ...(folded && statusEvent
      ? { statusChange: { from: statusEvent.from ?? '', to: statusEvent.to ?? '' } }
      : {}),
  };
  const macroEvents: TicketEventItem[] = events.map((event) => ({
    ...event,
    macro: named,
    ...(folded && comment && event === statusEvent ? { mailedWith: comment.commentId } : {}),
  }));
  const replyChanges = posted?.ticketChanges;
  const fullSet: TicketSet = { ...set, ...replyChanges?.set, updatedAt: at };
  const ticketWrites: TransactionWrite[] =
    events.length > 0
      ? ticketChangeWrites(
          ticket,
          fullSet,
          macroEvents,
          replyChanges ? { add: replyChanges.add, condition: replyChanges.condition } : {},
        )
      : [
          {
            update: ticketKey(ticket.ticketId),
            changes: { set: { ...replyChanges?.set, updatedAt: at }, add: replyChanges?.add ?? {} },
            condition: replyChanges
              ? both(attributesEqual({ version: ticket.version }), replyChanges.condition)
              : attributesEqual({ version: ticket.version }),
          },
        ];
  const replyWrites: TransactionWrite[] = comment
    ? [
        { put: commentRecord(comment), condition: itemIsNew },
        {
          put: ticketEventRecord({
            ticketId: ticket.ticketId,
            eventId: ulid(),
            actorId: actor.userId,
            field: 'comment.added',
            to: comment.commentId,
            // An event about an internal note is shown to agents only, like the note.
            internal: comment.kind === 'note' ? true : undefined,
            at,
            version: events.length > 0 ? ticket.version + 1 : undefined,
            macro: named,
          }),
        },
      ]
    : [];
  // A cable request's stock moves with its fulfilment (and back with its undoing), in the same transaction.
  const result = await writeTicketChangeWithStock(ticket, set.status, actor.userId, [
    ...ticketWrites,
    ...replyWrites,
  ]);
  if (!result.ok) await refusedApply(ticket, result.reasons, expectedVersion);
  return {
    ...ticket,
    ...fullSet,
    ...(posted ? { commentCount: (ticket.commentCount ?? 0) + 1 } : {}),
    version: events.length > 0 ? ticket.version + 1 : ticket.version,
  };
}

/**
 * The macro's reply with its placeholders filled in: the requester's and the actor's names (one BatchGetItem of
 * their profiles) and the ticket number, as plain text.
 * @throws InvalidInput when the rendered reply is longer than a comment may be
 */
async function renderedReply(actor: Actor, ticket: TicketItem, body: string): Promise<string> {
  const people = await findUsers([ticket.requesterId, actor.userId]);
  const text = renderPlaceholders(body, {
    'requester.name': people.get(ticket.requesterId)?.name ?? 'there',
    'ticket.number': String(ticket.number),
    'agent.name': people.get(actor.userId)?.name ?? 'your agent',
  }).trim();
  if (characterCount(text) > MAX_COMMENT_CHARS) {
    throw new InvalidInput([
      {
        in: 'body',
        pointer: '/body',
        detail: `The macro's reply would be longer than ${MAX_COMMENT_CHARS} characters once filled in.`,
      },
    ]);
  }
  return text;
}

/** Why the apply transaction was refused: the ticket is gone, changed, frozen or full; or it was contended. */
async function refusedApply(
  ticket: TicketItem,
  reasons: readonly string[],
  expectedVersion: number | undefined,
): Promise<never> {
  if (reasons[0] !== 'ConditionalCheckFailed') {
    throw new Conflict('The ticket was being changed at the same time; read it again and retry.');
  }
  const current = await getItem<TicketItem>(ticketKey(ticket.ticketId), { consistent: true });
  if (!current) throw new TicketNotFound();
  if (current.version !== ticket.version) {
    if (expectedVersion !== undefined) throw new VersionConflict();
    throw new Conflict('The ticket changed while the macro was applied; read it again and retry.');
  }
  throw new Conflict(
    `The ticket holds ${MAX_COMMENTS_PER_TICKET} comments, the most a ticket takes; open a new ticket to go on.`,
    { maxComments: MAX_COMMENTS_PER_TICKET },
  );
}
