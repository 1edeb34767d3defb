/**
 * Request schemas of the comment routes. Bodies are strict: unknown fields are a 400, so a typo never silently does nothing.
 * `zod/mini`, each schema built by a pure `defineSchema` call so a bundle keeps only those its route uses
 * (`shared/platform/schemas.ts`).
 */
import * as z from 'zod/mini';
import { commentIdPattern } from '#shared/comments/comment.entity.ts';
import { defineSchema, ListQuery, Ulid, UserId } from '#shared/platform/schemas.ts';
import { maxChars } from '#shared/platform/text.ts';
import { notBlank } from '#shared/tickets/schemas.ts';

/** A comment's text: not blank (`notBlank`), trimmed, 1 to 10,000 characters. */
const commentBody = () => z.string().check(notBlank(), maxChars(10_000), z.trim(), z.minLength(1));

export const CreateCommentBody = /* @__PURE__ */ defineSchema(() =>
  z
    .strictObject({
      body: commentBody(),
      /** An internal note, visible to agents only. */
      internal: z._default(z.boolean(), false),
    })
    .check(z.meta({ id: 'CreateCommentRequest' })),
);
export type CreateCommentInput = z.output<typeof CreateCommentBody>;

/**
 * `PATCH` and `PUT /comments/{commentId}`: the new text. The body is all a comment's author can change: its kind
 * (request, response, internal note) stays what it was, so a note never becomes visible to the requester by an
 * edit, nor a reply the requester was mailed a hidden note.
 */
export const EditCommentBody = /* @__PURE__ */ defineSchema(() =>
  z.strictObject({ body: commentBody() }).check(z.meta({ id: 'EditCommentRequest' })),
);
export type EditCommentInput = z.output<typeof EditCommentBody>;

/** `/comments/{commentId}`: `<ticketId>-<ULID>`, or a ticket id for the ticket's description (its first message). */
export const CommentParams = /* @__PURE__ */ defineSchema(() =>
  z.object({
    commentId: z.string().check(
      z.regex(
        commentIdPattern,
        'Expected a comment id: <ticketId>-<ULID>, or a ticket id for its description',
      ),
      // The regex fixes the length (26 or 53); said as metadata, so a wrong id still gets one message.
      z.meta({ maxLength: 53 }),
    ),
  }),
);
export type CommentParamsInput = z.output<typeof CommentParams>;

/**
 * `GET /comments?authorId=&ticketId=&limit=&cursor=`: comments across tickets, filtered by author or by ticket.
 * Exactly one of the two is required (each is served by its own key). Query parameters cannot say "exactly one of"
 * in the OpenAPI document, so the operation checks it, after the caller's permission (`commentListFilter` in
 * `policy.ts`): 422, and a requester learns nothing from it (403 first).
 */
export const ListAllCommentsQuery = /* @__PURE__ */ defineSchema(() =>
  z.object({
    /** That person's comments on every ticket the caller may see. */
    authorId: z.optional(UserId),
    /** That ticket's conversation. */
    ticketId: z.optional(Ulid),
    ...ListQuery.shape,
  }),
);
export type ListAllCommentsQueryInput = z.output<typeof ListAllCommentsQuery>;

/** `POST /comments`: a comment on the ticket named in the body (`POST /tickets/{ticketId}/comments` otherwise). */
export const CreateCommentOnTicketBody = /* @__PURE__ */ defineSchema(() =>
  z
    .strictObject({
      ticketId: Ulid,
      body: commentBody(),
      /** An internal note, visible to agents only. */
      internal: z._default(z.boolean(), false),
    })
    .check(z.meta({ id: 'CreateCommentOnTicketRequest' })),
);
