/** Image routes, and the object-created check that S3 starts. */
import { CreateImageUploadBody, ImageParams, UpdateImageBody } from '#shared/images/schemas.ts';
import type { EventSource, Route } from '#shared/platform/route-table.ts';
import { ListQuery } from '#shared/platform/schemas.ts';
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
    'uploaded expires an hour after its POST does, and its key is never accepted again; `Location` names the ' +
    'image (`GET /tickets/{ticketId}/images/{imageId}`: its status while it is checked). Optional `caption`. ' +
    '409 on a closed or ' +
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

export const listImagesRoute = {
  id: 'ListImages',
  method: 'GET',
  path: '/tickets/{ticketId}/images',
  entry: 'functions/images/list.ts',
  permission: 'signed-in',
  summary: "A ticket's images that passed the upload check, oldest first, with fresh short-lived URLs",
  params: TicketParams,
  query: ListQuery,
  success: {
    status: 200,
    description:
      '{ items, nextCursor }: ready images, oldest first, each with a presigned GET URL valid 5 minutes (read ' +
      'again for fresh ones). A page may hold fewer than `limit`: pending and rejected images are read and left ' +
      'out. 404 when the ticket is not the caller’s to see; 422 for a cursor of another list.',
  },
  problems: ['unprocessable-content'],
  grants: ['table:read', 'images:read'],
} as const satisfies Route;

export const getImageRoute = {
  id: 'GetImage',
  method: 'GET',
  path: '/tickets/{ticketId}/images/{imageId}',
  entry: 'functions/images/get.ts',
  permission: 'signed-in',
  summary: 'One image of a ticket in any status (what an upload’s Location names), with a URL once ready',
  params: ImageParams,
  success: {
    status: 200,
    description:
      'The image: `pending` until its bytes are uploaded and checked, then `ready` (with `contentType`, `size` and ' +
      'a 5-minute `url`) or `rejected` (with `rejectionReason`). 404 when the ticket is not the caller’s to see, ' +
      'or the image does not exist, was deleted, or was never uploaded in time.',
  },
  grants: ['table:read', 'images:read'],
} as const satisfies Route;

export const updateImageRoute = {
  id: 'UpdateImage',
  method: 'PATCH',
  path: '/tickets/{ticketId}/images/{imageId}',
  entry: 'functions/images/update.ts',
  permission: 'signed-in',
  summary: 'Set or remove the caption of an image (its uploader, or canEditAll)',
  params: ImageParams,
  body: UpdateImageBody,
  success: {
    status: 200,
    description:
      'The image with its new caption (`null` removes it; at most 500 characters). Its uploader or canEditAll ' +
      '(else 403); 404 as GET; 409 on a closed or canceled ticket.',
  },
  problems: ['forbidden', 'conflict'],
  grants: ['table:read', 'table:write', 'images:read'],
} as const satisfies Route;

export const deleteImageRoute = {
  id: 'DeleteImage',
  method: 'DELETE',
  path: '/tickets/{ticketId}/images/{imageId}',
  entry: 'functions/images/delete.ts',
  permission: 'signed-in',
  summary: 'Delete an image and its stored object (its uploader, or canEditAll)',
  params: ImageParams,
  success: {
    status: 204,
    description:
      'Deleted: hidden at once, its object and item removed, its place on the ticket given back; an upload to a ' +
      'deleted pending image’s form is deleted too. Its uploader or canEditAll (else 403); 404 as GET; 409 on a ' +
      'closed or canceled ticket (except for canDeleteAll). A 500 leaves the image hidden: repeat the DELETE.',
  },
  problems: ['forbidden', 'conflict'],
  grants: ['table:read', 'table:write', 'images:delete'],
} as const satisfies Route;

export const replaceImageRoute = {
  id: 'ReplaceImage',
  method: 'POST',
  path: '/tickets/{ticketId}/images/{imageId}/replace',
  entry: 'functions/images/replace.ts',
  permission: 'signed-in',
  summary: 'Presigned POST for a new image that replaces a ready one once its bytes pass the check',
  params: ImageParams,
  body: CreateImageUploadBody,
  description:
    'Records a pending replacement (a new image id, `replaces` the old one) and answers its presigned POST, as ' +
    '`POST /tickets/{ticketId}/images` does. The replaced image stays on the ticket until the replacement’s ' +
    'bytes pass the check; then it is removed (object and item) and the replacement shows instead. A rejected ' +
    'or never uploaded replacement leaves it in place. The caption carries over unless one is given. Its ' +
    'uploader or canEditAll (else 403); 409 when the image is not ready (`imageStatus`), on a closed or ' +
    'canceled ticket, or a full one; 415 and 413 as for an upload.',
  success: {
    status: 201,
    description: 'The pending replacement `{ imageId, status, upload, replaces, maxBytes }`',
    headers: ['location'],
  },
  problems: ['forbidden', 'conflict', 'payload-too-large', 'unsupported-media-type'],
  idempotent: true,
  grants: ['table:read', 'table:write', 'images:upload'],
} as const satisfies Route;

/** Every route of this feature, for `shared/routes.ts`. */
export const imageRoutes = [
  createImageUploadRoute,
  listImagesRoute,
  getImageRoute,
  updateImageRoute,
  deleteImageRoute,
  replaceImageRoute,
] as const;

/** S3 object-created consumer: verifies uploaded image bytes, marks the image ready or rejected. */
export const imageUploadedSource = {
  id: 'ImageUploaded',
  entry: 'functions/images/on-object-created.ts',
  summary: 'Checks the bytes of each uploaded image',
} as const satisfies EventSource;
