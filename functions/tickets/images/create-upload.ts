/**
 * `POST /tickets/{ticketId}/images`: ask for an image upload. Answers 201 with a presigned POST the browser
 * sends the file with, straight to S3; the image stays `pending` until the object-created check
 * (`functions/images/on-object-created.ts`) finds the bytes good.
 *
 * 404 when the ticket does not exist or the caller may not see it; 409 when the ticket is closed or canceled;
 * 415 for a content type that is not an allowed image type; 413 for a declared size over the limit.
 */

import { TicketParams } from '#shared/api/schemas.ts';
import { db } from '#shared/data/entities.ts';
import { canSeeTicket } from '#shared/domain/ticket.ts';
import { idempotentRoute } from '#shared/http/idempotency-key.ts';
import { conflict, notFound, Problem } from '#shared/http/problem.ts';
import { created } from '#shared/http/responses.ts';
import {
  allowedImageTypes,
  isAllowedImageType,
  MAX_IMAGE_BYTES,
  statusesWithoutImages,
  ticketAcceptsImages,
} from '#shared/images/rules.ts';
import { CreateImageUploadBody, startImageUpload } from '#shared/images/upload-request.ts';

export const handler = idempotentRoute(
  { params: TicketParams, body: CreateImageUploadBody },
  async (request) => {
    const { params, caller } = request; // `request.body` is read only after the access checks
    const { data: ticket } = await db().entities.Ticket.get({ ticketId: params.ticketId }).go();
    if (!ticket || !canSeeTicket(caller, ticket)) throw notFound('The ticket');
    if (!ticketAcceptsImages(ticket.status)) {
      throw conflict(`A ${ticket.status} ticket takes no more images.`, {
        ticketStatus: ticket.status,
        statusesWithoutImages,
      });
    }

    const { contentType, fileName, size } = request.body;
    if (!isAllowedImageType(contentType)) {
      throw new Problem(
        415,
        'unsupported-media-type',
        `Images must be one of ${allowedImageTypes.join(', ')}.`,
        {
          allowed: allowedImageTypes,
        },
      );
    }
    if (size !== undefined && size > MAX_IMAGE_BYTES) {
      throw new Problem(413, 'payload-too-large', `Images may have at most ${MAX_IMAGE_BYTES} bytes.`, {
        maxBytes: MAX_IMAGE_BYTES,
      });
    }

    const { image, upload } = await startImageUpload({
      ticketId: ticket.ticketId,
      uploaderId: caller.userId,
      contentType,
      fileName,
    });
    return created(
      { imageId: image.imageId, status: image.status, upload, maxBytes: MAX_IMAGE_BYTES },
      `/tickets/${ticket.ticketId}/images/${image.imageId}`,
    );
  },
);
