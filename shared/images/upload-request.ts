/**
 * `POST /tickets/{ticketId}/images`: its body schema (the path takes `TicketParams` of `shared/api/schemas.ts`)
 * and the domain operation behind it: record a pending image and hand out its presigned POST.
 */
import { ulid } from 'ulid';
import * as z from 'zod';
import { db, type ImageItem } from '#shared/data/entities.ts';
import { imageObjectKey } from '#shared/images/object-key.ts';
import { createImageUpload, type ImageUpload } from '#shared/images/presign.ts';
import { type ImageContentType, MAX_FILE_NAME_LENGTH } from '#shared/images/rules.ts';

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

/**
 * Record a `pending` image of a ticket and sign its upload. The POST is signed first: a failure to sign leaves
 * no item behind. The item exists before the client can upload, so the object-created check always finds it.
 * @throws Error when signing fails or the item cannot be written (the route answers 500)
 */
export async function startImageUpload(input: {
  readonly ticketId: string;
  readonly uploaderId: string;
  readonly contentType: ImageContentType;
  readonly fileName?: string | undefined;
}): Promise<{ image: ImageItem; upload: ImageUpload }> {
  const imageId = ulid();
  const upload = await createImageUpload({
    ticketId: input.ticketId,
    imageId,
    contentType: input.contentType,
  });
  const now = new Date().toISOString();
  const { data: image } = await db()
    .entities.Image.create({
      ticketId: input.ticketId,
      imageId,
      objectKey: imageObjectKey(input.ticketId, imageId),
      status: 'pending',
      declaredContentType: input.contentType,
      fileName: input.fileName,
      uploaderId: input.uploaderId,
      createdAt: now,
      updatedAt: now,
    })
    .go();
  return { image, upload };
}
