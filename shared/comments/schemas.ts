/**
 * Request schemas of the comment routes. Bodies are strict: unknown fields are a 400, so a typo never silently does nothing.
 */
import * as z from 'zod';

export const CreateCommentBody = z
  .strictObject({
    body: z.string().trim().min(1).max(10_000),
    /** An internal note, visible to agents only. */
    internal: z.boolean().default(false),
  })
  .meta({ id: 'CreateCommentRequest' });
