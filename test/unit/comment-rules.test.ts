/**
 * The conversation's pure rules: comment ids that name their ticket, the description as the first message, who
 * edits and deletes what, and the request schemas of the comment routes.
 */
import { describe, expect, it, vi } from 'vitest';
import {
  commentIdPattern,
  commentKeyOf,
  commentRecord,
  descriptionMessage,
  newCommentId,
  parseCommentId,
} from '#shared/comments/comment.entity.ts';
import { addComment } from '#shared/comments/operations.ts';
import {
  canListCommentsAcrossTickets,
  canSeeComment,
  checkCommentChange,
  commentListFilter,
} from '#shared/comments/policy.ts';
import { CommentView } from '#shared/comments/responses.ts';
import { CommentParams, EditCommentBody, ListAllCommentsQuery } from '#shared/comments/schemas.ts';
import { commentView, commentViewWith } from '#shared/comments/views.ts';
import type { Actor } from '#shared/roles/actor.ts';
import { builtInRoles, type Permissions } from '#shared/roles/roles.ts';
import type { TicketItem } from '#shared/tickets/ticket.entity.ts';
import type { UserItem } from '#shared/users/user.entity.ts';

/** The table, for `addComment` only: the transactions it is answered, in order, and the ticket a refusal reads. */
const table = vi.hoisted(() => ({
  answers: [] as ({ ok: true } | { ok: false; reasons: string[] })[],
  sent: [] as unknown[][],
  ticket: undefined as Record<string, unknown> | undefined,
}));
vi.mock('#shared/platform/db.ts', async (importOriginal) => ({
  ...(await importOriginal<typeof import('#shared/platform/db.ts')>()),
  transactWrite: async (writes: unknown[]) => {
    table.sent.push(writes);
    return table.answers.shift() ?? { ok: true };
  },
  getItem: async () => table.ticket,
}));

const ticketId = '01JD3ZQ5R7V0M9X2K8W4T6Y1AB';
const actor = (userId: string, permissions: Permissions): Actor => ({ userId, role: 'custom', permissions });
const requester = actor('requester-1', builtInRoles.requester);
const agent = actor('agent-1', builtInRoles.agent);
const admin = actor('admin-1', builtInRoles.admin);
const viewer = actor('viewer-1', { ...builtInRoles.requester, canViewAll: true });

describe('comment ids name their ticket', () => {
  it('a new comment id is <ticketId>-<ULID> and leads back to its ticket and key', () => {
    const commentId = newCommentId(ticketId);
    expect(commentId).toMatch(new RegExp(`^${ticketId}-[0-9A-HJKMNP-TV-Z]{26}$`));
    expect(commentIdPattern.test(commentId)).toBe(true);
    expect(parseCommentId(commentId)).toEqual({ ticketId, isDescription: false });
    expect(commentKeyOf(commentId)).toEqual({ pk: `TICKET#${ticketId}`, sk: `COMMENT#${commentId}` });
  });

  it("a ticket's own id names its description", () => {
    expect(commentIdPattern.test(ticketId)).toBe(true);
    expect(parseCommentId(ticketId)).toEqual({ ticketId, isDescription: true });
  });

  it('comment ids of one ticket sort by posting time', async () => {
    const first = newCommentId(ticketId);
    await new Promise((resolve) => setTimeout(resolve, 2));
    const second = newCommentId(ticketId);
    expect([second, first].sort()).toEqual([first, second]);
  });

  it('the stored comment carries its author index keys (gsi11) and never the description flag', () => {
    const record = commentRecord({
      ticketId,
      commentId: `${ticketId}-01JD3ZS0000000000000000001`,
      authorId: 'agent-1',
      kind: 'response',
      body: 'On it.',
      createdAt: '2026-11-27T12:00:00.000Z',
      updatedAt: '2026-11-27T12:00:00.000Z',
      isDescription: true,
    });
    expect(record).toMatchObject({
      pk: `TICKET#${ticketId}`,
      sk: `COMMENT#${ticketId}-01JD3ZS0000000000000000001`,
      gsi11pk: 'AUTHOR#agent-1',
      gsi11sk: `2026-11-27T12:00:00.000Z#${ticketId}-01JD3ZS0000000000000000001`,
      entityType: 'comment',
    });
    expect(record).not.toHaveProperty('isDescription');
  });
});

describe("the ticket's description is its first message", () => {
  it('is a request by the requester, with the ticket id as its id', () => {
    const message = descriptionMessage({
      ticketId,
      requesterId: 'requester-1',
      description: 'The printer is jammed.',
      createdAt: '2026-11-27T10:00:00.000Z',
      updatedAt: '2026-11-27T11:00:00.000Z',
    });
    expect(message).toEqual({
      ticketId,
      commentId: ticketId,
      authorId: 'requester-1',
      kind: 'request',
      body: 'The printer is jammed.',
      createdAt: '2026-11-27T10:00:00.000Z',
      updatedAt: '2026-11-27T11:00:00.000Z',
      isDescription: true,
    });
    expect(commentView(message)).toMatchObject({ isDescription: true, editedAt: null, kind: 'request' });
  });
});

describe('comment views', () => {
  it('embed the author from profiles read once, keeping authorId', () => {
    const people = new Map<string, UserItem>([
      [
        'agent-1',
        {
          userId: 'agent-1',
          email: 'agent@example.com',
          name: 'Alan',
          role: 'agent',
          smsOptIn: false,
          createdAt: '2026-01-01T00:00:00.000Z',
        },
      ],
    ]);
    const comment = {
      ticketId,
      commentId: `${ticketId}-01JD3ZS0000000000000000001`,
      authorId: 'agent-1',
      kind: 'response' as const,
      body: 'On it.',
      createdAt: '2026-11-27T12:00:00.000Z',
      updatedAt: '2026-11-27T12:05:00.000Z',
      editedAt: '2026-11-27T12:05:00.000Z',
    };
    expect(commentViewWith(people)(comment)).toMatchObject({
      authorId: 'agent-1',
      author: { userId: 'agent-1', name: 'Alan', email: 'agent@example.com' },
      isDescription: false,
      editedAt: '2026-11-27T12:05:00.000Z',
    });
    expect(commentViewWith(new Map())({ ...comment, authorId: 'gone' }).author).toEqual({
      userId: 'gone',
      name: null,
      email: null,
    });
  });

  it('answer exactly what the Comment schema documents (no more, no less), the description too', () => {
    const people = new Map<string, UserItem>();
    const comment = {
      ticketId,
      commentId: `${ticketId}-01JD3ZS0000000000000000001`,
      authorId: 'agent-1',
      kind: 'note' as const,
      body: 'Internal.',
      createdAt: '2026-11-27T12:00:00.000Z',
      updatedAt: '2026-11-27T12:00:00.000Z',
    };
    const description = descriptionMessage({
      ticketId,
      requesterId: 'req-1',
      description: 'It broke.',
      createdAt: '2026-11-27T11:00:00.000Z',
      updatedAt: '2026-11-27T11:00:00.000Z',
    });
    for (const view of [comment, description].map(commentViewWith(people))) {
      expect(CommentView.parse(view)).toEqual(view);
    }
    expect(CommentView.safeParse({ ...commentViewWith(people)(comment), kind: 'memo' }).success).toBe(false);
  });
});

describe('who sees, edits and deletes a comment', () => {
  it('internal notes are for agents only', () => {
    expect(canSeeComment(requester, { kind: 'note' })).toBe(false);
    expect(canSeeComment(viewer, { kind: 'note' })).toBe(false);
    expect(canSeeComment(agent, { kind: 'note' })).toBe(true);
    expect(canSeeComment(requester, { kind: 'response' })).toBe(true);
  });

  it('the author edits and deletes their own comment on an open ticket', () => {
    const own = { authorId: requester.userId };
    expect(checkCommentChange(requester, own, 'open', 'edit')).toEqual({ ok: true });
    expect(checkCommentChange(requester, own, 'in_progress', 'delete')).toEqual({ ok: true });
  });

  it("someone else's comment needs canEditAll to edit, canDeleteAll to delete", () => {
    const others = { authorId: 'someone-else' };
    expect(checkCommentChange(requester, others, 'open', 'edit')).toMatchObject({
      ok: false,
      refusal: 'not-allowed',
    });
    expect(checkCommentChange(agent, others, 'open', 'edit')).toEqual({ ok: true });
    expect(checkCommentChange(agent, others, 'open', 'delete')).toMatchObject({
      ok: false,
      refusal: 'not-allowed',
      reason: 'Only its author may delete this comment.',
    });
    expect(checkCommentChange(admin, others, 'open', 'delete')).toEqual({ ok: true });
  });

  it("a closed or canceled ticket's conversation is frozen, except deletes by canDeleteAll", () => {
    for (const status of ['closed', 'canceled'] as const) {
      expect(checkCommentChange(requester, { authorId: requester.userId }, status, 'edit')).toMatchObject({
        ok: false,
        refusal: 'frozen',
      });
      expect(checkCommentChange(agent, { authorId: agent.userId }, status, 'delete')).toMatchObject({
        ok: false,
        refusal: 'frozen',
      });
      expect(checkCommentChange(admin, { authorId: admin.userId }, status, 'edit')).toMatchObject({
        ok: false,
        refusal: 'frozen',
      });
      expect(checkCommentChange(admin, { authorId: 'someone-else' }, status, 'delete')).toEqual({ ok: true });
    }
  });

  it('lists across tickets by authorId or by ticketId: exactly one, else a field error saying so', () => {
    expect(commentListFilter({ authorId: 'u1' })).toEqual({ ok: true, by: 'author', authorId: 'u1' });
    expect(commentListFilter({ ticketId })).toEqual({ ok: true, by: 'ticket', ticketId });
    expect(commentListFilter({})).toEqual({
      ok: false,
      error: {
        in: 'query',
        pointer: '/authorId',
        detail: 'Filter by authorId or by ticketId: one of them is required.',
      },
    });
    expect(commentListFilter({ authorId: 'u1', ticketId })).toMatchObject({
      ok: false,
      error: { in: 'query', pointer: '/ticketId', detail: expect.stringMatching(/not both/) },
    });
  });

  it('lists across tickets need canViewAll or canManageTickets', () => {
    expect(canListCommentsAcrossTickets(requester)).toBe(false);
    expect(canListCommentsAcrossTickets(viewer)).toBe(true);
    expect(canListCommentsAcrossTickets(agent)).toBe(true);
    expect(
      canListCommentsAcrossTickets(actor('worker', { ...builtInRoles.requester, canManageTickets: true })),
    ).toBe(true);
  });
});

describe('comment request schemas', () => {
  it('takes a comment id or a ticket id in the path, nothing else', () => {
    expect(CommentParams.safeParse({ commentId: `${ticketId}-01JD3ZS0000000000000000001` }).success).toBe(
      true,
    );
    expect(CommentParams.safeParse({ commentId: ticketId }).success).toBe(true);
    expect(CommentParams.safeParse({ commentId: 'not-an-id' }).success).toBe(false);
    expect(CommentParams.safeParse({ commentId: `${ticketId}-` }).success).toBe(false);
  });

  it('edits only the body (the kind of a comment never changes)', () => {
    expect(EditCommentBody.safeParse({ body: '  new text ' })).toMatchObject({
      success: true,
      data: { body: 'new text' },
    });
    expect(EditCommentBody.safeParse({ body: 'x', internal: false }).success).toBe(false);
    expect(EditCommentBody.safeParse({ body: '   ' }).success).toBe(false);
  });

  it('takes authorId and ticketId as optional filters with a bounded page', () => {
    expect(ListAllCommentsQuery.safeParse({ authorId: 'u1' })).toMatchObject({
      success: true,
      data: { authorId: 'u1', limit: 25 },
    });
    expect(ListAllCommentsQuery.safeParse({ ticketId, limit: '5' })).toMatchObject({
      success: true,
      data: { ticketId, limit: 5 },
    });
    expect(ListAllCommentsQuery.safeParse({ ticketId: 'nope' }).success).toBe(false);
    expect(ListAllCommentsQuery.safeParse({ authorId: 'u1', limit: '101' }).success).toBe(false);
  });
});

describe('adding a comment (the table mocked)', () => {
  const ticket = { ticketId, requesterId: 'requester-1', status: 'open', version: 7 } as TicketItem;
  const conflict = { ok: false as const, reasons: ['None', 'TransactionConflict'] };

  it('counts it on the ticket without a condition on the version, marking an agent response', async () => {
    table.sent = [];
    table.answers = [];
    await addComment(agent, ticket, { body: 'On it', internal: false });
    const [, update] = table.sent[0] as [unknown, { changes: unknown; condition: { expression: string } }];
    expect(update.changes).toEqual({ set: { agentResponded: true }, add: { commentCount: 1 } });
    expect(JSON.stringify(update.condition)).not.toContain('version');
    expect(update.condition.expression).toContain('< :cap');
  });

  it('tries again when another transaction on the ticket item cancels it (TransactionConflict)', async () => {
    table.sent = [];
    table.answers = [conflict, conflict];
    const comment = await addComment(requester, ticket, { body: 'Any news?', internal: false });
    expect(table.sent).toHaveLength(3);
    expect(comment).toMatchObject({ ticketId, kind: 'request', body: 'Any news?' });
  });

  it('gives up with a 409 after five cancellations', async () => {
    table.sent = [];
    table.answers = Array(5).fill(conflict);
    await expect(addComment(requester, ticket, { body: 'Hello?', internal: false })).rejects.toMatchObject({
      kind: 'conflict',
    });
    expect(table.sent).toHaveLength(5);
  });

  it('says why the condition failed: the cap, a ticket closed meanwhile, or a ticket deleted meanwhile', async () => {
    const refused = { ok: false as const, reasons: ['None', 'ConditionalCheckFailed'] };
    table.answers = [refused];
    table.ticket = { ...ticket, commentCount: 1000 };
    await expect(addComment(requester, ticket, { body: 'x', internal: false })).rejects.toMatchObject({
      kind: 'conflict',
      details: { maxComments: 1000 },
    });
    table.answers = [refused];
    table.ticket = { ...ticket, status: 'closed' };
    await expect(addComment(requester, ticket, { body: 'x', internal: false })).rejects.toThrow(/closed/);
    table.answers = [refused];
    table.ticket = undefined;
    await expect(addComment(requester, ticket, { body: 'x', internal: false })).rejects.toMatchObject({
      name: 'TicketNotFound',
    });
  });
});
