/**
 * Comment notifications (email only), on a new comment:
 * - a `response` → `agent_response` to the ticket's requester, unless they wrote it;
 * - a `request` (the requester's reply) → `requester_reply` to the ticket's assignee, when it has one and they did
 *   not write it (the notifier reads the ticket for its assignee).
 * Internal notes notify nobody, nor do edits (MODIFY) and deletes (REMOVE) of comments. A macro's response that
 * came with a status change (`statusChange`) tells of that change too, in the same mail: the requester gets one
 * mail for the combined change (the status event's own mail is left out, `shared/tickets/stream-rules.ts`).
 */
import * as z from 'zod/mini';
import { type NotificationIntent, readImage, type StreamRule } from '#shared/notifications/intents.ts';

const CommentImage = /* @__PURE__ */ (() =>
  z.object({
    ticketId: z.string().check(z.minLength(1)),
    commentId: z.string().check(z.minLength(1)),
    authorId: z.string().check(z.minLength(1)),
    kind: z.enum(['request', 'response', 'note']),
    body: z.string(),
    statusChange: z.optional(z.object({ from: z.string(), to: z.string() })),
  }))();

/** A macro's response with a status change: the change, then the reply (the change's own mail is left out). */
const bodyOf = (comment: z.infer<typeof CommentImage>) =>
  comment.statusChange
    ? `The ticket's status changed from ${comment.statusChange.from.replaceAll('_', ' ')} to ` +
      `${comment.statusChange.to.replaceAll('_', ' ')}.\n\n${comment.body}`
    : comment.body;

function commentIntents(comment: z.infer<typeof CommentImage>): NotificationIntent[] {
  const base = {
    ticketId: comment.ticketId,
    ticket: undefined,
    actorId: comment.authorId,
    sms: false,
    commentId: comment.commentId,
    body: bodyOf(comment),
  } as const;
  switch (comment.kind) {
    case 'response':
      return [{ ...base, type: 'agent_response', recipient: 'requester' }];
    case 'request':
      return [{ ...base, type: 'requester_reply', recipient: 'assignee' }];
    case 'note':
      return [];
  }
}

export const commentStreamRules: readonly StreamRule[] = [
  {
    entity: 'comment',
    events: ['INSERT'],
    plan: ({ newImage, eventId }) => commentIntents(readImage(CommentImage, newImage, 'comment', eventId)),
  },
];
