/**
 * Comment operations: plain values in, domain errors out (see `shared/tickets/operations.ts`).
 */
import { ulid } from 'ulid';
import type * as z from 'zod';
import {
  type CommentItem,
  commentKey,
  commentPrefix,
  commentRecord,
} from '#shared/comments/comment.entity.ts';
import { canSeeInternalNotes, commentKindFor } from '#shared/comments/policy.ts';
import type { CreateCommentBody } from '#shared/comments/schemas.ts';
import { decodeCursor, encodeCursor } from '#shared/platform/cursor.ts';
import { attributesEqual, queryPage, transactWrite } from '#shared/platform/db.ts';
import { nowIso } from '#shared/platform/entity.ts';
import { Conflict, NotAllowed } from '#shared/platform/errors.ts';
import type { Actor } from '#shared/roles/actor.ts';
import { type TicketItem, ticketKey } from '#shared/tickets/ticket.entity.ts';

/**
 * Add a comment to a ticket the actor can see: `request` from the requester, `response` from an agent, `note`
 * (internal) from an agent only. A first agent response marks the ticket `agentResponded`, which allows
 * resolving it. The comment and the ticket's version bump are one transaction.
 * @param ticket the ticket as read by `findVisibleTicket`
 * @throws NotAllowed (a requester writing an internal note); Conflict (closed or canceled ticket, or the ticket
 *   changed at the same time)
 */
export async function addComment(
  actor: Actor,
  ticket: TicketItem,
  input: z.output<typeof CreateCommentBody>,
): Promise<CommentItem> {
  const kind = commentKindFor(actor, input.internal);
  if (!kind) throw new NotAllowed('Only agents can write internal notes.');
  if (ticket.status === 'closed' || ticket.status === 'canceled') {
    throw new Conflict(`The ticket is ${ticket.status}; it takes no more comments.`);
  }
  const now = nowIso();
  const comment: CommentItem = {
    ticketId: ticket.ticketId,
    commentId: ulid(),
    authorId: actor.userId,
    kind,
    body: input.body,
    createdAt: now,
    updatedAt: now,
  };
  const result = await transactWrite([
    { put: commentRecord(comment) },
    {
      update: ticketKey(ticket.ticketId),
      changes: {
        set: { version: ticket.version + 1, ...(kind === 'response' ? { agentResponded: true } : {}) },
      },
      condition: attributesEqual({ version: ticket.version }),
    },
  ]);
  if (!result.ok) throw new Conflict('The ticket changed at the same time; retry.');
  return comment;
}

/** The cursor scope of a ticket's comments as this actor sees them (with or without internal notes). */
const commentsScope = (actor: Actor, ticketId: string) =>
  `comments:${ticketId}:${canSeeInternalNotes(actor) ? 'all' : 'public'}`;

/**
 * A page of a ticket's comments, oldest first (one Query on the ticket's partition); internal notes only for
 * agents, so a requester's page may hold fewer than `limit`.
 * @param ticket the ticket as read by `findVisibleTicket`
 * @throws InvalidInput for a cursor from another listing, or altered
 */
export async function listComments(
  actor: Actor,
  ticket: Pick<TicketItem, 'ticketId'>,
  page: { limit: number; cursor?: string | undefined },
): Promise<{ items: CommentItem[]; nextCursor: string | null }> {
  const scope = commentsScope(actor, ticket.ticketId);
  const after = decodeCursor(page.cursor, scope);
  const { items, lastKey } = await queryPage<CommentItem>({
    partition: { pk: ticketKey(ticket.ticketId).pk },
    beginsWith: ['sk', commentPrefix],
    limit: page.limit,
    startKey: after ? commentKey(ticket.ticketId, after) : undefined,
  });
  return {
    items: items.filter((comment) => comment.kind !== 'note' || canSeeInternalNotes(actor)),
    nextCursor: lastKey ? encodeCursor(String(lastKey.sk).slice(commentPrefix.length), scope) : null,
  };
}
