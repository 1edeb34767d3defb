/** Request schemas of the image routes. */
import * as z from 'zod';
import { MAX_FILE_NAME_LENGTH } from '#shared/images/rules.ts';

/**
 * The body. `contentType` is checked against the allowed image types by the route (415 with the list), not
 * here, so that a wrong type is told apart from a malformed request; `size`, when the client knows it, lets a
 * too-large file be refused (413) before it is sent.
 */
export const CreateImageUploadBody = z
  .strictObject({
    /** The file's type as the browser reports it (`File.type`), e.g. `image/png`. */
    contentType: z.string().trim().toLowerCase().min(1).max(255),
    /** The file's name (`File.name`), shown with the image. */
    fileName: z
      .string()
      .trim()
      .min(1)
      .max(MAX_FILE_NAME_LENGTH)
      .refine((name) => !/\p{Cc}/u.test(name), 'Control characters are not allowed.')
      .optional(),
    /** The file's size in bytes (`File.size`). */
    size: z.number().int().positive().optional(),
  })
  .meta({ id: 'CreateImageUploadRequest' });
export type CreateImageUploadBody = z.output<typeof CreateImageUploadBody>;
