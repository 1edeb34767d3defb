/**
 * Comment notifications: a new `response` → `agent_response` to the ticket's requester (email), unless they wrote
 * it. Requests and internal notes notify nobody.
 */
import * as z from 'zod/mini';
import { readImage, type StreamRule } from '#shared/notifications/intents.ts';

const CommentImage = /* @__PURE__ */ (() =>
  z.object({
    ticketId: z.string().check(z.minLength(1)),
    commentId: z.string().check(z.minLength(1)),
    authorId: z.string().check(z.minLength(1)),
    kind: z.enum(['request', 'response', 'note']),
    body: z.string(),
  }))();

export const commentStreamRules: readonly StreamRule[] = [
  {
    entity: 'comment',
    events: ['INSERT'],
    plan({ newImage, eventId }) {
      const comment = readImage(CommentImage, newImage, 'comment', eventId);
      if (comment.kind !== 'response') return [];
      return [
        {
          type: 'agent_response',
          ticketId: comment.ticketId,
          ticket: undefined,
          recipient: 'requester',
          actorId: comment.authorId,
          sms: false,
          commentId: comment.commentId,
          body: comment.body,
        },
      ];
    },
  },
];
