/**
 * Request schemas of the comment routes. Bodies are strict: unknown fields are a 400, so a typo never silently does nothing.
 * `zod/mini`, each schema built by a pure `defineSchema` call so a bundle keeps only those its route uses
 * (`shared/platform/schemas.ts`).
 */
import * as z from 'zod/mini';
import { defineSchema } from '#shared/platform/schemas.ts';

export const CreateCommentBody = /* @__PURE__ */ defineSchema(() =>
  z
    .strictObject({
      body: z.string().check(z.trim(), z.minLength(1), z.maxLength(10_000)),
      /** An internal note, visible to agents only. */
      internal: z._default(z.boolean(), false),
    })
    .check(z.meta({ id: 'CreateCommentRequest' })),
);
export type CreateCommentInput = z.output<typeof CreateCommentBody>;
