import { describe, expect, it } from 'vitest';
import { sqsJson } from '#shared/notifications/queue.ts';

/** The characters an SQS message body may hold ("SendMessage", Amazon SQS API reference). */
const sqsAllowed = /^[\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u;

describe('delivery messages as SQS bodies', () => {
  it('escapes the noncharacters SQS refuses, and parses back to the same message', () => {
    const message = { title: 'USB\uFFFE mouse\uFFFF \u0001 é 😀 \u202E', lone: '\uD800' };
    const body = sqsJson(message);
    expect(sqsAllowed.test(body)).toBe(true);
    // No UTF-16 surrogate either (emoji escaped): emulators that check code units take it too.
    expect(/[\uD800-\uDFFF]/.test(body)).toBe(false);
    expect(JSON.parse(body)).toEqual(message);
    expect(sqsAllowed.test(JSON.stringify(message))).toBe(false);
  });
});
