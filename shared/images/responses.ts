/**
 * What this feature's routes answer, for the OpenAPI document and the contract tests: each route's success body
 * schema (the views are typed by these) and an example of its request and its response. Only the document
 * generator (`shared/api-document.ts`) and the tests import this module, so no function bundle carries it.
 *
 * {@link ImageView} is also the shape of each image a ticket read returns (`GET /tickets/{ticketId}`, `images`).
 */
import * as z from 'zod/mini';
import type { imageRoutes } from '#shared/images/routes.ts';
import { allowedImageTypes, MAX_FILE_NAME_LENGTH, MAX_IMAGE_BYTES } from '#shared/images/rules.ts';
import type { CreateImageUploadBody } from '#shared/images/schemas.ts';
import { documented, type RouteResponses } from '#shared/platform/route-table.ts';

/** An image id: a ULID (26 Crockford base32 characters). */
const imageId = () =>
  z.string().check(z.length(26), z.regex(/^[0-9A-HJKMNP-TV-Z]{26}$/), z.meta({ description: 'A ULID' }));

/** An ISO 8601 UTC time (`Date.prototype.toISOString`, or second precision where S3 decides it). */
const isoTime = (description: string) => z.iso.datetime().check(z.maxLength(30), z.meta({ description }));

/**
 * Longest presigned URL, characters: the bucket address, the key and the SigV4 query (with a session token of
 * temporary credentials and the `response-content-disposition` of a file name of 255 characters, percent-encoded).
 */
const MAX_URL_LENGTH = 8192;

/** One image of a ticket as the API shows it: only `ready` images, each with a short-lived GET URL. */
export const ImageView = /* @__PURE__ */ (() =>
  z
    .object({
      imageId: imageId(),
      contentType: z.enum(allowedImageTypes).check(
        z.meta({
          description: 'The type found from the bytes (magic number), whatever the upload declared',
        }),
      ),
      size: z
        .number()
        .check(z.int(), z.gte(1), z.lte(MAX_IMAGE_BYTES), z.meta({ description: 'Bytes, at most 10 MiB' })),
      fileName: z.optional(
        z.string().check(
          z.minLength(1),
          z.maxLength(MAX_FILE_NAME_LENGTH),
          z.regex(/^[^\p{Cc}]+$/u),
          z.meta({
            description: 'The file name given when the upload was requested (no control characters)',
          }),
        ),
      ),
      createdAt: isoTime('When the upload was requested'),
      url: z.url().check(
        z.maxLength(MAX_URL_LENGTH),
        z.meta({
          description:
            'Presigned GET URL serving the image as `contentType`, inline, named `fileName`; it stops working at ' +
            '`urlExpiresAt` (5 minutes): read the ticket again for a fresh one',
        }),
      ),
      urlExpiresAt: isoTime('When `url` stops working'),
    })
    .check(
      z.meta({
        id: 'TicketImage',
        description: 'An image of a ticket that passed the upload check, with a short-lived download URL',
      }),
    ))();

/** The form a browser posts the file with, straight to S3 ("Browser-based uploads using POST"). */
export const PresignedPostView = /* @__PURE__ */ (() =>
  z
    .object({
      url: z
        .url()
        .check(
          z.maxLength(MAX_URL_LENGTH),
          z.meta({ description: 'Where to POST the multipart/form-data form: the images bucket' }),
        ),
      fields: z
        .record(
          z.string().check(z.minLength(1), z.maxLength(64), z.regex(/^[A-Za-z][A-Za-z0-9-]*$/)),
          // Printable ASCII: ids, the key, a content type, base64 (Policy, the session token), hex.
          z.string().check(z.minLength(1), z.maxLength(16_384), z.regex(/^[\x20-\x7e]+$/)),
        )
        .check(
          z.meta({
            maxProperties: 9,
            description:
              'Form fields to send as they are, before the file: `key`, `Content-Type`, `bucket`, ' +
              '`X-Amz-Algorithm`, `X-Amz-Credential`, `X-Amz-Date`, `X-Amz-Security-Token` (with temporary ' +
              'credentials only), `Policy` and `X-Amz-Signature`. The file goes last, in a field named `file`. ' +
              'The policy lets the form write only this image, with the declared Content-Type, 1 byte to 10 MiB.',
          }),
        ),
      expiresAt: isoTime(
        'When the policy expires (5 minutes after the request); S3 refuses the form after it',
      ),
    })
    .check(
      z.meta({
        id: 'PresignedPost',
        description:
          'A presigned POST: a multipart/form-data form for one object. It can be sent more than once until it expires; ' +
          'each upload is checked again.',
      }),
    ))();

/** `POST /tickets/{ticketId}/images`: the pending image and how to upload its file. */
export const ImageUploadView = /* @__PURE__ */ (() =>
  z
    .object({
      imageId: imageId(),
      status: z.literal('pending').check(
        z.meta({
          description:
            'Always `pending`: the image shows on the ticket once its bytes pass the check after the upload',
        }),
      ),
      upload: PresignedPostView,
      maxBytes: z
        .number()
        .check(
          z.int(),
          z.gte(MAX_IMAGE_BYTES),
          z.lte(MAX_IMAGE_BYTES),
          z.meta({ description: 'Largest file the form accepts, bytes: always 10485760 (10 MiB)' }),
        ),
    })
    .check(z.meta({ id: 'ImageUpload', description: 'An image waiting for its upload' })))();

const exampleImageId = '01JDQ9A7B8C9D0E1F2G3H4J5K6';
const exampleTicketId = '01JDQ8Z3M4N5P6Q7R8S9T0V1W2';

export const imageResponses: RouteResponses<(typeof imageRoutes)[number]> = {
  CreateImageUpload: documented(ImageUploadView, {
    request: {
      contentType: 'image/png',
      fileName: 'broken-screen.png',
      size: 48_213,
    } satisfies z.input<typeof CreateImageUploadBody>,
    example: {
      imageId: exampleImageId,
      status: 'pending',
      upload: {
        url: 'https://helpdesk-images-123456789012.s3.eu-west-1.amazonaws.com/',
        fields: {
          'Content-Type': 'image/png',
          bucket: 'helpdesk-images-123456789012',
          'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
          'X-Amz-Credential': 'ASIAEXAMPLEKEYID1234/20261201/eu-west-1/s3/aws4_request',
          'X-Amz-Date': '20261201T093000Z',
          'X-Amz-Security-Token': 'IQoJb3JpZ2luX2VjEXAMPLEsessiontoken',
          key: `tickets/${exampleTicketId}/images/${exampleImageId}`,
          Policy: 'eyJleHBpcmF0aW9uIjoiMjAyNi0xMi0wMVQwOTozNTowMFoiLCJjb25kaXRpb25zIjpbXX0=',
          'X-Amz-Signature': '5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7',
        },
        expiresAt: '2026-12-01T09:35:00Z',
      },
      maxBytes: MAX_IMAGE_BYTES,
    },
  }),
};
