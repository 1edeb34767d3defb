/**
 * Comment operations: plain values in, domain errors out (see `shared/tickets/operations.ts`).
 */

import { ulid } from 'ulid';
import type * as z from 'zod';
import type { CommentItem } from '#shared/comments/comment.entity.ts';
import { commentKindFor } from '#shared/comments/policy.ts';
import type { CreateCommentBody } from '#shared/comments/schemas.ts';
import { db } from '#shared/platform/db.ts';
import { nowIso } from '#shared/platform/entity.ts';
import { Conflict, NotAllowed } from '#shared/platform/errors.ts';
import type { Actor } from '#shared/roles/actor.ts';
import type { TicketItem } from '#shared/tickets/ticket.entity.ts';

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
  const result = await db()
    .transaction.write(({ Ticket, Comment }) => [
      Comment.create(comment).commit(),
      Ticket.patch({ ticketId: ticket.ticketId })
        .set({ version: ticket.version + 1, ...(kind === 'response' ? { agentResponded: true } : {}) })
        .where((attr, op) => op.eq(attr.version, ticket.version))
        .commit(),
    ])
    .go();
  if (result.canceled) throw new Conflict('The ticket changed at the same time; retry.');
  return comment;
}
