/** Image routes, and the object-created check that S3 starts. */
import { CreateImageUploadBody } from '#shared/images/schemas.ts';
import type { EventSource, Route } from '#shared/platform/route-table.ts';
import { TicketParams } from '#shared/tickets/schemas.ts';

export const createImageUploadRoute = {
  id: 'CreateImageUpload',
  method: 'POST',
  path: '/tickets/{ticketId}/images',
  entry: 'functions/images/create-upload.ts',
  permission: 'signed-in',
  summary: 'Presigned POST for an image upload',
  params: TicketParams,
  body: CreateImageUploadBody,
  description:
    'Records a pending image of the ticket and answers a presigned POST: the browser posts the file with it ' +
    'straight to S3 (multipart/form-data, every field as given, the file last). The image shows on the ticket ' +
    '(`GET /tickets/{ticketId}`, `images`) once its bytes are found to be an allowed image type; an image never ' +
    'uploaded expires an hour after its POST does, and its key is never accepted again. 409 on a closed or ' +
    'canceled ticket, and on one that holds 50 images (pending, ready or rejected) or 20 requested and not ' +
    'uploaded yet (`maxImages`, `maxPendingImages`); 415 for a content type that is not image/jpeg, image/png, image/gif or image/webp ' +
    '(`allowed` lists them); 413 when the declared `size` is over 10 MiB (`maxBytes`).',
  success: {
    status: 201,
    description: 'The pending image `{ imageId, status, upload, maxBytes }`: `upload` is the presigned POST',
    headers: ['location'],
  },
  problems: ['conflict', 'payload-too-large', 'unsupported-media-type'],
  idempotent: true,
  grants: ['table:read', 'table:write', 'images:upload'],
} as const satisfies Route;

/** Every route of this feature, for `shared/routes.ts`. */
export const imageRoutes = [createImageUploadRoute] as const;

/** S3 object-created consumer: verifies uploaded image bytes, marks the image ready or rejected. */
export const imageUploadedSource = {
  id: 'ImageUploaded',
  entry: 'functions/images/on-object-created.ts',
  summary: 'Checks the bytes of each uploaded image',
} as const satisfies EventSource;
