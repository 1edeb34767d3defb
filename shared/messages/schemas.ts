/**
 * Request schemas of the direct message routes. Bodies are strict: unknown fields are a 400. `zod/mini`, each
 * schema built by a pure `defineSchema` call so a bundle keeps only those its route uses.
 */
import * as z from 'zod/mini';
import { MAX_MESSAGE_CHARACTERS } from '#shared/messages/policy.ts';
import { defineSchema, Ulid, UserId } from '#shared/platform/schemas.ts';
import { maxChars } from '#shared/platform/text.ts';
import { notBlank } from '#shared/tickets/schemas.ts';

/** A message's text: not blank, trimmed, 1 to {@link MAX_MESSAGE_CHARACTERS} characters (code points). */
const messageBody = () =>
  z.string().check(notBlank(), maxChars(MAX_MESSAGE_CHARACTERS), z.trim(), z.minLength(1));

/** `POST /conversations/{userId}/messages` and `PATCH /messages/{messageId}`: the text. */
export const MessageBody = /* @__PURE__ */ defineSchema(() =>
  z.strictObject({ body: messageBody() }).check(z.meta({ id: 'MessageRequest' })),
);
export type MessageInput = z.output<typeof MessageBody>;

/** `/conversations/{userId}`: the other person of the conversation. */
export const ConversationParams = /* @__PURE__ */ defineSchema(() => z.object({ userId: UserId }));

/** `/messages/{messageId}`: a ULID. */
export const MessageParams = /* @__PURE__ */ defineSchema(() => z.object({ messageId: Ulid }));
