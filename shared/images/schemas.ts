/**
 * Request schemas of the image routes. `zod/mini`, each schema built by a pure `defineSchema` call so a bundle keeps
 * only those its route uses (`shared/platform/schemas.ts`).
 */
import * as z from 'zod/mini';
import { MAX_FILE_NAME_LENGTH } from '#shared/images/rules.ts';
import { defineSchema } from '#shared/platform/schemas.ts';

/**
 * The body. `contentType` is checked against the allowed image types by the route (415 with the list), not
 * here, so that a wrong type is told apart from a malformed request; `size`, when the client knows it, lets a
 * too-large file be refused (413) before it is sent.
 */
export const CreateImageUploadBody = /* @__PURE__ */ defineSchema(() =>
  z
    .strictObject({
      /** The file's type as the browser reports it (`File.type`), e.g. `image/png`. */
      contentType: z.string().check(z.trim(), z.toLowerCase(), z.minLength(1), z.maxLength(255)),
      /** The file's name (`File.name`), shown with the image. */
      fileName: z.optional(
        z.string().check(
          z.trim(),
          z.minLength(1),
          z.maxLength(MAX_FILE_NAME_LENGTH),
          z.refine((name) => !/\p{Cc}/u.test(name), 'Control characters are not allowed.'),
        ),
      ),
      /** The file's size in bytes (`File.size`). */
      size: z.optional(z.number().check(z.int(), z.positive())),
    })
    .check(z.meta({ id: 'CreateImageUploadRequest' })),
);
export type CreateImageUploadInput = z.output<typeof CreateImageUploadBody>;
/** The same type as {@link CreateImageUploadInput} (the name `shared/images/operations.ts` uses). */
export type CreateImageUploadBody = CreateImageUploadInput;
