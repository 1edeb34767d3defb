/**
 * Comment operations: plain values in, domain errors out (see `shared/tickets/operations.ts`).
 *
 * The conversation of a ticket is its description (the first message, synthesised from the ticket:
 * `descriptionMessage`) followed by its comments. A comment id embeds its ticket's id (`comment.entity.ts`), so
 * every by-id operation reads the comment and its ticket with two GetItems in parallel.
 */

import { ulid } from 'ulid';
import type * as z from 'zod';
import {
  authorCommentsPartition,
  type CommentItem,
  commentKey,
  commentKeyOf,
  commentPrefix,
  commentRecord,
  type DescribedTicket,
  descriptionMessage,
  newCommentId,
  parseCommentId,
} from '#shared/comments/comment.entity.ts';
import { CommentNotFound, DescriptionIsNotAComment } from '#shared/comments/errors.ts';
import {
  canListCommentsAcrossTickets,
  canSeeComment,
  canSeeInternalNotes,
  checkCommentChange,
  commentKindFor,
  commentListFilter,
  frozenStatuses,
  MAX_COMMENTS_PER_TICKET,
} from '#shared/comments/policy.ts';
import type { CreateCommentBody, EditCommentInput } from '#shared/comments/schemas.ts';
import { decodeCursor, encodeCursor } from '#shared/platform/cursor.ts';
import {
  attributesEqual,
  both,
  type Condition,
  getItem,
  getItems,
  type ItemKey,
  itemExists,
  itemIsNew,
  queryPage,
  transactWrite,
} from '#shared/platform/db.ts';
import { nowIso } from '#shared/platform/entity.ts';
import { Conflict, InvalidInput, NotAllowed } from '#shared/platform/errors.ts';
import type { Actor } from '#shared/roles/actor.ts';
import { TicketNotFound } from '#shared/tickets/errors.ts';
import { canSeeTicket } from '#shared/tickets/policy.ts';
import { type TicketItem, ticketKey } from '#shared/tickets/ticket.entity.ts';
import { type TicketEventItem, ticketEventRecord } from '#shared/tickets/ticket-event.entity.ts';

/** A page of a list: its items and the opaque cursor of the next page, or null at the end. */
export interface CommentPage {
  readonly items: CommentItem[];
  readonly nextCursor: string | null;
}

/**
 * Add a comment to a ticket the actor can see: `request` from the requester, `response` from an agent, `note`
 * (internal) from an agent only. A first agent response marks the ticket `agentResponded`, which allows
 * resolving it.
 *
 * The comment does not contend on the ticket's version (issue 9: 20 simultaneous comments on one ticket all
 * succeed). One transaction puts the comment and updates the ticket item with conditions that do not read its
 * version: the ticket exists, its `status` is not closed or canceled, and its `commentCount` is under
 * {@link MAX_COMMENTS_PER_TICKET}; the update itself is unconditional arithmetic (`ADD commentCount 1`, and
 * `SET agentResponded = true` for a response). So a comment no longer changes the ticket's `version`: the ticket's
 * ETag (`"<ticketId>.<version>"`) names its own fields only, and an `If-Match` read before a comment is still
 * current after it. `commentCount` (comments ever posted on the ticket, never decremented by a delete) is what
 * tells that "something happened" besides the version (the requester's delete rule, `shared/tickets/policy.ts`).
 *
 * DynamoDB cancels a transaction that meets another one on the same item (`TransactionConflict`, "Transaction
 * conflict handling", DynamoDB developer guide); such a cancellation is retried, with jitter, up to
 * {@link COMMENT_WRITE_ATTEMPTS} times. The caller checked the actor may see the ticket (`findVisibleTicket`).
 * @param ticket the ticket as read by `findVisibleTicket`
 * @throws NotAllowed (a requester writing an internal note); Conflict (closed or canceled ticket, also when it
 *   closed at the same time; the ticket holds {@link MAX_COMMENTS_PER_TICKET} comments already, with `maxComments`;
 *   the ticket kept being written at the same time); TicketNotFound (deleted at the same time)
 */
export async function addComment(
  actor: Actor,
  ticket: TicketItem,
  input: z.output<typeof CreateCommentBody>,
): Promise<CommentItem> {
  const { comment, ticketChanges } = newComment(actor, ticket, input);
  const { condition: underCap, ...changes } = ticketChanges;
  const writes = [
    { put: commentRecord(comment), condition: itemIsNew },
    { update: ticketKey(ticket.ticketId), changes, condition: both(ticketNotFrozen(), underCap) },
  ] as const;
  for (let attempt = 1; ; attempt++) {
    const result = await transactWrite(writes);
    if (result.ok) return comment;
    if (result.reasons[1] === 'ConditionalCheckFailed') {
      const current = await getItem<TicketItem & { commentCount?: number }>(ticketKey(ticket.ticketId), {
        consistent: true,
      });
      if (!current) throw new TicketNotFound();
      if (frozenStatuses.has(current.status)) throw frozenTicket(current.status);
      throw new Conflict(
        `The ticket holds ${MAX_COMMENTS_PER_TICKET} comments, the most a ticket takes; open a new ticket to go on.`,
        { maxComments: MAX_COMMENTS_PER_TICKET },
      );
    }
    if (!result.reasons.includes('TransactionConflict') || attempt >= COMMENT_WRITE_ATTEMPTS) {
      throw new Conflict('The ticket kept changing at the same time; retry.');
    }
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 25 * 2 ** attempt));
  }
}

/**
 * A new comment of the actor on a ticket they can see, and what it does to the ticket item (`ADD commentCount 1`,
 * `SET agentResponded` for a response) under which condition (the count under {@link MAX_COMMENTS_PER_TICKET}),
 * without writing anything: {@link addComment} writes it, and a macro writes it together with its ticket change in
 * one transaction (`shared/macros/operations.ts`).
 * @throws NotAllowed (a requester writing an internal note); Conflict (closed or canceled ticket)
 */
export function newComment(
  actor: Actor,
  ticket: TicketItem,
  input: z.output<typeof CreateCommentBody>,
): {
  comment: CommentItem;
  ticketChanges: { set?: { agentResponded: true }; add: { commentCount: 1 }; condition: Condition };
} {
  const kind = commentKindFor(actor, input.internal);
  if (!kind) throw new NotAllowed('Only agents can write internal notes.');
  if (frozenStatuses.has(ticket.status)) throw frozenTicket(ticket.status);
  const now = nowIso();
  const comment: CommentItem = {
    ticketId: ticket.ticketId,
    commentId: newCommentId(ticket.ticketId),
    authorId: actor.userId,
    kind,
    body: input.body,
    createdAt: now,
    updatedAt: now,
  };
  return {
    comment,
    ticketChanges: {
      ...(kind === 'response' ? { set: { agentResponded: true } } : {}),
      add: { commentCount: 1 },
      condition: counterUnder('commentCount', MAX_COMMENTS_PER_TICKET),
    },
  };
}

/** How often a comment's transaction is tried when other transactions on the ticket item cancel it. */
const COMMENT_WRITE_ATTEMPTS = 5;

/**
 * `attribute_not_exists(<counter>) OR <counter> < :cap`: a counter of the ticket item (a number kept by `ADD`,
 * absent until the first write) is still under its cap.
 */
function counterUnder(counter: string, cap: number): Condition {
  return {
    expression: 'attribute_not_exists(#counter) OR #counter < :cap',
    names: { '#counter': counter },
    values: { ':cap': cap },
  };
}

/** The refusal of a comment on a closed or canceled ticket. */
const frozenTicket = (status: string) => new Conflict(`The ticket is ${status}; it takes no more comments.`);

/** The cursor scope of a ticket's comments as this actor sees them (with or without internal notes). */
const commentsScope = (actor: Actor, ticketId: string) =>
  `comments:${ticketId}:${canSeeInternalNotes(actor) ? 'all' : 'public'}`;

/** The ticket's description message, reading the ticket when the caller passed only its id. */
async function descriptionOf(
  ticket: Pick<TicketItem, 'ticketId'> & Partial<DescribedTicket>,
): Promise<CommentItem | undefined> {
  if (ticket.description !== undefined && ticket.requesterId && ticket.createdAt && ticket.updatedAt) {
    return descriptionMessage(ticket as DescribedTicket);
  }
  const read = await getItem<TicketItem>(ticketKey(ticket.ticketId));
  return read ? descriptionMessage(read) : undefined;
}

/**
 * A page of a ticket's conversation, oldest first: on the first page the ticket's description (its first
 * message, `isDescription: true`), then the comments (one Query on the ticket's partition). Internal notes only
 * for agents, so a requester's page may hold fewer than `limit`. Every page holds at most `limit` messages, the
 * description included.
 *
 * When `ticket` carries only its id (the thread read of `GET /tickets/{ticketId}`, which reads the ticket in
 * parallel), the first page reads the ticket once more for the description (one GetItem, in parallel with the
 * Query). The caller checks the actor may see the ticket.
 * @param ticket the ticket as read by `findVisibleTicket`, or its id
 * @throws InvalidInput for a cursor from another listing, or altered
 */
export async function listComments(
  actor: Actor,
  ticket: Pick<TicketItem, 'ticketId'> & Partial<DescribedTicket>,
  page: { limit: number; cursor?: string | undefined },
): Promise<CommentPage> {
  const { ticketId } = ticket;
  const scope = commentsScope(actor, ticketId);
  // The position is the id of the last message shown: the ticket id once only the description was shown.
  const after = await decodeCursor(page.cursor, scope);
  const first = after === undefined;
  const budget = first ? page.limit - 1 : page.limit;
  const [description, { items, lastKey }] = await Promise.all([
    first ? descriptionOf(ticket) : undefined,
    queryPage<CommentItem>({
      partition: { pk: ticketKey(ticketId).pk },
      beginsWith: ['sk', commentPrefix],
      // DynamoDB reads at least one item; a first page of one shows only the description.
      limit: Math.max(budget, 1),
      startKey: after && after !== ticketId ? commentKey(ticketId, after) : undefined,
    }),
  ]);
  const read = items.slice(0, budget);
  const more = items.length > read.length || lastKey !== undefined;
  return {
    items: [
      ...(description ? [description] : []),
      ...read.filter((comment) => canSeeComment(actor, comment)),
    ],
    nextCursor: more ? await encodeCursor(read.at(-1)?.commentId ?? ticketId, scope) : null,
  };
}

/** A comment (or the description) together with the ticket it belongs to. */
export interface FoundComment {
  readonly ticket: TicketItem;
  /** The comment; for the description, the synthesised message (`isDescription: true`). */
  readonly comment: CommentItem;
}

/**
 * A comment by id, if the actor may see it: its ticket is theirs to see and, for an internal note, they are an
 * agent. The id of a ticket names its description. Two GetItems in parallel (ticket, comment).
 * @throws CommentNotFound when the comment or its ticket does not exist or is not the actor's to see (the same
 *   answer: no existence oracle)
 */
export async function findVisibleComment(actor: Actor, commentId: string): Promise<FoundComment> {
  const { ticketId, isDescription } = parseCommentId(commentId);
  const [ticket, comment] = await Promise.all([
    getItem<TicketItem>(ticketKey(ticketId)),
    isDescription ? undefined : getItem<CommentItem>(commentKeyOf(commentId)),
  ]);
  if (!ticket || !canSeeTicket(actor, ticket)) throw new CommentNotFound();
  if (isDescription) return { ticket, comment: descriptionMessage(ticket) };
  if (!comment || !canSeeComment(actor, comment)) throw new CommentNotFound();
  return { ticket, comment };
}

/** `#status` is not one of the frozen statuses: the ticket's conversation may still change. */
function ticketNotFrozen(): Condition {
  const statuses = [...frozenStatuses];
  return both(itemExists, {
    expression: `NOT (#frozenStatus IN (${statuses.map((_, n) => `:frozen${n}`).join(', ')}))`,
    names: { '#frozenStatus': 'status' },
    values: Object.fromEntries(statuses.map((status, n) => [`:frozen${n}`, status])),
  });
}

/** The refusal of a change as a domain error. */
function refuse(actor: Actor, found: FoundComment, change: 'edit' | 'delete'): void {
  const { ticket, comment } = found;
  if (comment.isDescription) throw new DescriptionIsNotAComment(ticket.ticketId, change);
  const check = checkCommentChange(actor, comment, ticket.status, change);
  if (!check.ok) throw check.refusal === 'frozen' ? new Conflict(check.reason) : new NotAllowed(check.reason);
}

/** The audit event of a comment change: `comment.edited` or `comment.deleted`, from the comment id. */
function commentEvent(
  actor: Actor,
  comment: CommentItem,
  field: 'comment.edited' | 'comment.deleted',
  at: string,
): TicketEventItem {
  return {
    ticketId: comment.ticketId,
    eventId: ulid(),
    actorId: actor.userId,
    field,
    from: comment.commentId,
    // An event about an internal note is shown to agents only, like the note.
    internal: comment.kind === 'note' ? true : undefined,
    at,
  };
}

/**
 * Change a comment's text (`PATCH` and `PUT /comments/{commentId}`): its author, or `canEditAll`. Stamps
 * `editedAt`; the kind stays. The update (conditioned on the comment as read), a check that the ticket is still
 * open to changes, and a `comment.edited` audit event are one transaction. An unchanged text changes nothing.
 * @param found the comment as read by {@link findVisibleComment}
 * @returns the comment after the edit
 * @throws DescriptionIsNotAComment (409: the description is edited through its ticket); NotAllowed (neither
 *   author nor `canEditAll`); Conflict (closed or canceled ticket; the comment changed at the same time);
 *   CommentNotFound (deleted at the same time)
 */
export async function editComment(
  actor: Actor,
  found: FoundComment,
  input: EditCommentInput,
): Promise<CommentItem> {
  refuse(actor, found, 'edit');
  const { comment } = found;
  if (input.body === comment.body) return comment;
  const now = nowIso();
  const result = await transactWrite([
    {
      update: commentKey(comment.ticketId, comment.commentId),
      changes: { set: { body: input.body, editedAt: now, updatedAt: now } },
      condition: both(itemExists, attributesEqual({ updatedAt: comment.updatedAt })),
    },
    { check: ticketKey(comment.ticketId), condition: ticketNotFrozen() },
    { put: ticketEventRecord(commentEvent(actor, comment, 'comment.edited', now)) },
  ]);
  if (!result.ok) {
    if (result.reasons[1] === 'ConditionalCheckFailed') {
      throw new Conflict('The ticket was closed at the same time; its comments can no longer be edited.');
    }
    const current = await getItem<CommentItem>(commentKey(comment.ticketId, comment.commentId));
    if (!current) throw new CommentNotFound();
    throw new Conflict('The comment changed at the same time; read it again and retry.');
  }
  return { ...comment, body: input.body, editedAt: now, updatedAt: now };
}

/**
 * Delete a comment: its author, or `canDeleteAll`. The delete, a check on the ticket (still open to changes,
 * unless the actor has `canDeleteAll`) and a `comment.deleted` audit event (`from` the comment id; `internal`
 * when it was an internal note, so requesters never see it) are one transaction.
 * @param found the comment as read by {@link findVisibleComment}
 * @throws DescriptionIsNotAComment (409: the description cannot be deleted); NotAllowed (neither author nor
 *   `canDeleteAll`); Conflict (closed or canceled ticket); CommentNotFound (deleted at the same time)
 */
export async function deleteComment(actor: Actor, found: FoundComment): Promise<void> {
  refuse(actor, found, 'delete');
  const { comment } = found;
  const result = await transactWrite([
    { delete: commentKey(comment.ticketId, comment.commentId), condition: itemExists },
    {
      check: ticketKey(comment.ticketId),
      condition: actor.permissions.canDeleteAll ? itemExists : ticketNotFrozen(),
    },
    { put: ticketEventRecord(commentEvent(actor, comment, 'comment.deleted', nowIso())) },
  ]);
  if (!result.ok) {
    if (result.reasons[0] === 'ConditionalCheckFailed') throw new CommentNotFound();
    if (result.reasons[1] === 'ConditionalCheckFailed') {
      throw new Conflict('The ticket was closed at the same time; its comments can no longer be deleted.');
    }
    throw new Conflict('The ticket changed at the same time; retry.');
  }
}

/**
 * Comments across tickets (`GET /comments`), newest first, for those who see every ticket or work tickets:
 * - `ticketId`: one ticket's conversation, newest first (one Query on its partition, descending), its
 *   description last; 404 when the actor may not see the ticket;
 * - `authorId`: one author's comments on every ticket (one Query on gsi11 `AUTHOR#<authorId>`, descending, for
 *   the keys; one BatchGetItem for the comments and, in parallel, one for their tickets). The description is part
 *   of its ticket, not an author's comment, so it is not in this list. Only comments on tickets that exist and the
 *   actor may see are shown (a deleted ticket's comments may await their cleanup; an actor without `canViewAll`
 *   sees only some tickets), so a page may hold fewer than `limit`.
 * Internal notes only for agents.
 * @throws NotAllowed (neither `canViewAll` nor `canManageTickets`); InvalidInput (no filter or both, checked after
 *   the permission; a cursor from another listing, or altered); TicketNotFound
 */
export async function listCommentsAcrossTickets(
  actor: Actor,
  query: {
    authorId?: string | undefined;
    ticketId?: string | undefined;
    limit: number;
    cursor?: string | undefined;
  },
): Promise<CommentPage> {
  if (!canListCommentsAcrossTickets(actor)) {
    throw new NotAllowed('Listing comments across tickets needs canViewAll or canManageTickets.');
  }
  const filter = commentListFilter(query);
  if (!filter.ok) throw new InvalidInput([filter.error]);
  const notes = canSeeInternalNotes(actor) ? 'all' : 'public';
  if (filter.by === 'ticket') return ticketCommentsNewestFirst(actor, filter.ticketId, query, notes);
  return authorComments(actor, filter.authorId, query, notes);
}

async function ticketCommentsNewestFirst(
  actor: Actor,
  ticketId: string,
  page: { limit: number; cursor?: string | undefined },
  notes: string,
): Promise<CommentPage> {
  const ticket = await getItem<TicketItem>(ticketKey(ticketId));
  if (!ticket || !canSeeTicket(actor, ticket)) throw new TicketNotFound();
  const scope = `comments:${ticketId}:newest:${notes}`;
  // The position is the id of the last comment shown; the ticket id when only the description is left.
  const after = await decodeCursor(page.cursor, scope);
  const description = descriptionMessage(ticket);
  if (after === ticketId) return { items: [description], nextCursor: null };
  const { items, lastKey } = await queryPage<CommentItem>({
    partition: { pk: ticketKey(ticketId).pk },
    beginsWith: ['sk', commentPrefix],
    descending: true,
    limit: page.limit,
    startKey: after ? commentKey(ticketId, after) : undefined,
  });
  const shown = items.filter((comment) => canSeeComment(actor, comment));
  if (lastKey !== undefined) {
    return { items: shown, nextCursor: await encodeCursor(items.at(-1)?.commentId ?? ticketId, scope) };
  }
  if (items.length < page.limit) return { items: [...shown, description], nextCursor: null };
  return { items: shown, nextCursor: await encodeCursor(ticketId, scope) };
}

async function authorComments(
  actor: Actor,
  authorId: string,
  page: { limit: number; cursor?: string | undefined },
  notes: string,
): Promise<CommentPage> {
  const scope = `comments:author:${authorId}:${actor.permissions.canViewAll ? 'every' : actor.userId}:${notes}`;
  // The position is the gsi11 sort key of the last comment read: `<createdAt>#<commentId>`.
  const after = await decodeCursor(page.cursor, scope);
  const partition = authorCommentsPartition(authorId);
  // gsi11 holds the keys only (`commentProjection`): the comments come from one BatchGetItem.
  const { items: entries, lastKey } = await queryPage<ItemKey & { gsi11sk: string }>({
    index: 'gsi11',
    partition,
    descending: true,
    limit: page.limit,
    startKey: after
      ? { ...partition, gsi11sk: after, ...commentKeyOf(after.slice(after.indexOf('#') + 1)) }
      : undefined,
  });
  const ticketIds = [
    ...new Set(entries.map((entry) => parseCommentId(entry.sk.slice(commentPrefix.length)).ticketId)),
  ];
  // Only comments on tickets that exist (a deleted ticket's comments may await their cleanup) and that the actor
  // may see: the tickets are read in parallel with the comments.
  const [comments, tickets] = await Promise.all([
    getItems<CommentItem & ItemKey>(entries.map(({ pk, sk }) => ({ pk, sk }))),
    getItems<TicketItem>(ticketIds.map(ticketKey)),
  ]);
  const seen = new Set(tickets.filter((t) => canSeeTicket(actor, t)).map((t) => t.ticketId));
  const bySortKey = new Map(comments.map((comment) => [comment.sk, comment]));
  const visible = entries
    .map((entry) => bySortKey.get(entry.sk))
    .filter((comment): comment is CommentItem & ItemKey => comment !== undefined)
    .filter((comment) => canSeeComment(actor, comment) && seen.has(comment.ticketId));
  const last = entries.at(-1);
  return { items: visible, nextCursor: lastKey && last ? await encodeCursor(last.gsi11sk, scope) : null };
}
