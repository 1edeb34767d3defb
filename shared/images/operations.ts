/**
 * Image operations: plain values in, domain errors out (see `shared/tickets/operations.ts`).
 */
import { ulid } from 'ulid';
import { type ImageItem, imageRecord } from '#shared/images/image.entity.ts';
import { imageObjectKey } from '#shared/images/object-key.ts';
import { createImageUpload, type ImageUpload } from '#shared/images/presign.ts';
import {
  allowedImageTypes,
  type ImageContentType,
  isAllowedImageType,
  MAX_IMAGE_BYTES,
  statusesWithoutImages,
  ticketAcceptsImages,
} from '#shared/images/rules.ts';
import type { CreateImageUploadBody } from '#shared/images/schemas.ts';
import { itemIsNew, putItem } from '#shared/platform/db.ts';
import { nowIso } from '#shared/platform/entity.ts';
import { Conflict, TooLarge, UnsupportedType } from '#shared/platform/errors.ts';
import type { Actor } from '#shared/roles/actor.ts';
import type { TicketItem } from '#shared/tickets/ticket.entity.ts';

/** An image just recorded: its upload is yet to come. */
export type PendingImage = ImageItem & { readonly status: 'pending' };

/**
 * Ask for an image upload on a ticket the actor can see: check the ticket takes images and the declared type and
 * size, then record a pending image and sign its presigned POST.
 * @param ticket the ticket as read by `findVisibleTicket`
 * @throws Conflict (a closed or canceled ticket, with `ticketStatus` and `statusesWithoutImages`);
 *   UnsupportedType (not an allowed image type, with `allowed`); TooLarge (declared size over the limit, with
 *   `maxBytes`)
 */
export async function requestImageUpload(
  actor: Actor,
  ticket: TicketItem,
  input: CreateImageUploadBody,
): Promise<{ image: PendingImage; upload: ImageUpload }> {
  if (!ticketAcceptsImages(ticket.status)) {
    throw new Conflict(`A ${ticket.status} ticket takes no more images.`, {
      ticketStatus: ticket.status,
      statusesWithoutImages,
    });
  }
  const { contentType, fileName, size } = input;
  if (!isAllowedImageType(contentType)) {
    throw new UnsupportedType(`Images must be one of ${allowedImageTypes.join(', ')}.`, {
      allowed: allowedImageTypes,
    });
  }
  if (size !== undefined && size > MAX_IMAGE_BYTES) {
    throw new TooLarge(`Images may have at most ${MAX_IMAGE_BYTES} bytes.`, { maxBytes: MAX_IMAGE_BYTES });
  }
  return startImageUpload({ ticketId: ticket.ticketId, uploaderId: actor.userId, contentType, fileName });
}

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
}): Promise<{ image: PendingImage; upload: ImageUpload }> {
  const imageId = ulid();
  const upload = await createImageUpload({
    ticketId: input.ticketId,
    imageId,
    contentType: input.contentType,
  });
  const image: PendingImage = {
    ticketId: input.ticketId,
    imageId,
    objectKey: imageObjectKey(input.ticketId, imageId),
    status: 'pending',
    declaredContentType: input.contentType,
    fileName: input.fileName,
    uploaderId: input.uploaderId,
    createdAt: nowIso(),
  };
  await putItem(imageRecord(image), itemIsNew);
  return { image, upload };
}
