/**
 * Request schemas of the image routes. `zod/mini`, each schema built by a pure `defineSchema` call so a bundle keeps
 * only those its route uses (`shared/platform/schemas.ts`).
 */
import * as z from 'zod/mini';
import { MAX_CAPTION_LENGTH, MAX_FILE_NAME_LENGTH } from '#shared/images/rules.ts';
import { defineSchema, Ulid } from '#shared/platform/schemas.ts';
import { maxChars } from '#shared/platform/text.ts';

/** Largest `size` a request may declare, bytes: 5 TiB, the largest object S3 stores. Over 10 MiB is a 413. */
const MAX_DECLARED_SIZE = 5 * 1024 ** 4;

/**
 * A caption: free text of 1 to {@link MAX_CAPTION_LENGTH} characters (code points, counted as sent), not blank;
 * trimmed.
 */
const caption = () =>
  z
    .string()
    .check(
      maxChars(MAX_CAPTION_LENGTH),
      z.regex(/\S/, { error: 'A caption is not blank.', abort: true }),
      z.trim(),
      z.meta({ description: `Text shown with the image, at most ${MAX_CAPTION_LENGTH} characters` }),
    );

/**
 * The body. `contentType` is checked against the allowed image types by the route (415 with the list), not
 * here, so that a wrong type is told apart from a malformed request; `size`, when the client knows it, lets a
 * too-large file be refused (413) before it is sent. Both strings are trimmed first; every rule is one the
 * OpenAPI document shows (a pattern for "not blank" and "no control characters"), so a request valid by the
 * document is never a 400.
 */
export const CreateImageUploadBody = /* @__PURE__ */ defineSchema(() =>
  z
    .strictObject({
      /** The file's type as the browser reports it (`File.type`), e.g. `image/png`; case-insensitive. */
      contentType: z.string().check(
        z.trim(),
        z.toLowerCase(),
        // `abort`: a blank type is one error, not also the pattern's.
        z.minLength(1, { error: 'Give the content type of the file.', abort: true }),
        z.maxLength(255),
        z.regex(/\S/, 'Give the content type of the file.'),
        z.meta({ description: 'The file type (File.type), e.g. image/png; one of the image types or 415' }),
      ),
      /** The file's name (`File.name`), shown with the image. */
      fileName: z.optional(
        z.string().check(
          // Checked as sent, then trimmed: the document's limits and patterns apply to what a client sends.
          maxChars(MAX_FILE_NAME_LENGTH),
          z.regex(/\S/, { error: 'A file name is not blank.', abort: true }),
          // Anchored, with disjoint classes: linear time on any input.
          z.regex(/^\s*[^\s\p{Cc}][^\p{Cc}]*$/u, 'A file name has no control characters.'),
          z.trim(),
          z.meta({ description: 'The file name (File.name), shown with the image; no control characters' }),
        ),
      ),
      /** Text shown with the image; the uploader may change it later (`PATCH`). */
      caption: z.optional(caption()),
      /** The file's size in bytes (`File.size`). */
      size: z.optional(
        z
          .number()
          .check(
            z.int(),
            z.positive(),
            z.lte(MAX_DECLARED_SIZE),
            z.meta({ description: 'The file size (File.size), bytes; over 10 MiB answers 413' }),
          ),
      ),
    })
    .check(z.meta({ id: 'CreateImageUploadRequest' })),
);
export type CreateImageUploadInput = z.output<typeof CreateImageUploadBody>;
/** The same type as {@link CreateImageUploadInput} (the name `shared/images/operations.ts` uses). */
export type CreateImageUploadBody = CreateImageUploadInput;

/** `{ticketId}` and `{imageId}` of an image's path. */
export const ImageParams = /* @__PURE__ */ defineSchema(() => z.object({ ticketId: Ulid, imageId: Ulid }));
export type ImageParamsInput = z.output<typeof ImageParams>;

/** `PATCH /tickets/{ticketId}/images/{imageId}`: the new caption, or `null` to remove it. */
export const UpdateImageBody = /* @__PURE__ */ defineSchema(() =>
  z
    .strictObject({
      caption: z.nullable(caption()),
    })
    .check(z.meta({ id: 'UpdateImageRequest' })),
);
export type UpdateImageInput = z.output<typeof UpdateImageBody>;
