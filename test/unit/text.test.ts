import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { CreateCommentBody } from '#shared/comments/schemas.ts';
import { characterCount, maxChars, minChars } from '#shared/platform/text.ts';
import { CreateTicketBody } from '#shared/tickets/schemas.ts';

const emoji = (n: number) => '😀'.repeat(n);

describe('character limits count code points, as JSON Schema does', () => {
  it('counts code points, not UTF-16 units', () => {
    expect(characterCount(emoji(3))).toBe(3);
    expect(emoji(3).length).toBe(6);
    expect(characterCount('é')).toBe(1);
  });

  it('enforces and documents the same limits', () => {
    const text = z.string().check(minChars(2), maxChars(3));
    expect(z.toJSONSchema(text)).toMatchObject({ type: 'string', minLength: 2, maxLength: 3 });
    expect(text.safeParse(emoji(3)).success).toBe(true);
    expect(text.safeParse(emoji(4)).success).toBe(false);
    expect(text.safeParse(emoji(1)).success).toBe(false);
    expect(text.safeParse('abcd').error?.issues[0]?.message).toBe('Too long: at most 3 characters');
  });

  it('accepts a ticket title and a comment at their documented lengths in any script', () => {
    expect(CreateTicketBody.safeParse({ title: emoji(120), description: emoji(5) }).success).toBe(true);
    expect(CreateTicketBody.safeParse({ title: emoji(121), description: 'x' }).success).toBe(false);
    expect(CreateCommentBody.safeParse({ body: emoji(10_000) }).success).toBe(true);
    expect(CreateCommentBody.safeParse({ body: emoji(10_001) }).success).toBe(false);
  });
});
