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
  success: { status: 201, description: 'A presigned POST for the upload' },
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
