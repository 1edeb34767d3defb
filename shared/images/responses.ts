/**
 * What this feature's routes answer, for the OpenAPI document and the contract tests: each route's success body
 * schema (the views are typed by these) and an example of its request and its response. Only the document
 * generator (`shared/api-document.ts`) and the tests import this module, so no function bundle carries it.
 *
 * {@link ImageView} is also the shape of each image a ticket read returns (`GET /tickets/{ticketId}`, `images`).
 */
import * as z from 'zod/mini';
import type { imageRoutes } from '#shared/images/routes.ts';
import {
  allowedImageTypes,
  MAX_CAPTION_LENGTH,
  MAX_FILE_NAME_LENGTH,
  MAX_IMAGE_BYTES,
} from '#shared/images/rules.ts';
import type { CreateImageUploadBody, UpdateImageBody } from '#shared/images/schemas.ts';
import { nextCursor } from '#shared/platform/responses.ts';
import { documented, type RouteResponses } from '#shared/platform/route-table.ts';
import { maxChars } from '#shared/platform/text.ts';

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

/** A caption as the API shows it. */
const caption = () =>
  z
    .string()
    .check(
      z.minLength(1),
      maxChars(MAX_CAPTION_LENGTH),
      z.meta({ description: `Text shown with the image, at most ${MAX_CAPTION_LENGTH} characters` }),
    );

/** The file name as the API shows it. */
const fileName = () =>
  z.string().check(
    z.minLength(1),
    z.maxLength(MAX_FILE_NAME_LENGTH),
    z.regex(/^[^\p{Cc}]+$/u),
    z.meta({
      description: 'The file name given when the upload was requested (no control characters)',
    }),
  );

/** The verified type of an image. */
const contentType = () =>
  z.enum(allowedImageTypes).check(
    z.meta({
      description: 'The type found from the bytes (magic number), whatever the upload declared',
    }),
  );

/** An image's size. */
const size = () =>
  z
    .number()
    .check(z.int(), z.gte(1), z.lte(MAX_IMAGE_BYTES), z.meta({ description: 'Bytes, at most 10 MiB' }));

/** A presigned GET URL of an image. */
const url = () =>
  z.url().check(
    z.maxLength(MAX_URL_LENGTH),
    z.meta({
      description:
        'Presigned GET URL serving the image as `contentType`, inline, named `fileName`; it stops working at ' +
        '`urlExpiresAt` (5 minutes): read the image again for a fresh one',
    }),
  );

/** One image of a ticket as the API shows it: only `ready` images, each with a short-lived GET URL. */
export const ImageView = /* @__PURE__ */ (() =>
  z
    .object({
      imageId: imageId(),
      contentType: contentType(),
      size: size(),
      fileName: z.optional(fileName()),
      caption: z.optional(caption()),
      createdAt: isoTime('When the upload was requested'),
      url: url(),
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
      replaces: z.optional(
        imageId().check(
          z.meta({
            description:
              'A replacement: the image it removes once its own bytes pass the check (until then that one stays)',
          }),
        ),
      ),
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

/**
 * One image of a ticket in any status (`GET`/`PATCH /tickets/{ticketId}/images/{imageId}`): what the `Location` of
 * an upload request names, to follow its check.
 */
export const ImageDetailsView = /* @__PURE__ */ (() =>
  z
    .object({
      imageId: imageId(),
      status: z.enum(['pending', 'ready', 'rejected']).check(
        z.meta({
          description:
            '`pending` until its bytes are uploaded and checked; then `ready` (shown on the ticket) or `rejected`',
        }),
      ),
      uploaderId: z
        .string()
        .check(
          z.minLength(1),
          z.maxLength(128),
          z.regex(/^[\w-]+$/),
          z.meta({ description: 'Who asked for it' }),
        ),
      fileName: z.optional(fileName()),
      caption: z.optional(caption()),
      replaces: z.optional(
        imageId().check(z.meta({ description: 'The image this replacement removes once it is ready' })),
      ),
      rejectionReason: z.optional(
        z
          .string()
          .check(z.minLength(1), z.maxLength(1000), z.meta({ description: 'Why the bytes were refused' })),
      ),
      createdAt: isoTime('When the upload was requested'),
      contentType: z.optional(contentType()),
      size: z.optional(size()),
      url: z.optional(url()),
      urlExpiresAt: z.optional(isoTime('When `url` stops working')),
    })
    .check(
      z.meta({
        id: 'ImageDetails',
        description:
          'An image of a ticket in any status; `contentType`, `size`, `url` and `urlExpiresAt` only when `ready`',
      }),
    ))();

/** `GET /tickets/{ticketId}/images`: a page of the ticket's ready images. */
export const ImagePageView = /* @__PURE__ */ (() =>
  z
    .object({
      items: z.array(ImageView).check(z.maxLength(100)),
      nextCursor: nextCursor(),
    })
    .check(
      z.meta({
        id: 'ImagePage',
        description:
          'Images that passed the upload check, oldest first, each with a fresh 5-minute URL; a page may hold ' +
          'fewer than `limit` (pending and rejected images are read and left out)',
      }),
    ))();

const exampleImageId = '01JDQ9A7B8C9D0E1F2G3H4J5K6';
const exampleTicketId = '01JDQ8Z3M4N5P6Q7R8S9T0V1W2';

const exampleReady = {
  imageId: exampleImageId,
  contentType: 'image/png' as const,
  size: 48_213,
  fileName: 'broken-screen.png',
  caption: 'The crack runs from the top left corner',
  createdAt: '2026-12-01T09:30:00.000Z',
  url: `https://helpdesk-images-123456789012.s3.eu-west-1.amazonaws.com/tickets/${exampleTicketId}/images/${exampleImageId}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=300&X-Amz-Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7`,
  urlExpiresAt: '2026-12-01T09:40:00.000Z',
};
const exampleDetails = {
  ...exampleReady,
  status: 'ready' as const,
  uploaderId: '5f1c3a9e-8b7d-4e2f-9a6c-1d0b2e3f4a5b',
};

export const imageResponses: RouteResponses<(typeof imageRoutes)[number]> = {
  ListImages: documented(ImagePageView, { example: { items: [exampleReady], nextCursor: null } }),
  GetImage: documented(ImageDetailsView, { example: exampleDetails }),
  UpdateImage: documented(ImageDetailsView, {
    request: { caption: 'The crack runs from the top left corner' } satisfies z.input<typeof UpdateImageBody>,
    example: exampleDetails,
  }),
  DeleteImage: documented(undefined),
  ReplaceImage: documented(ImageUploadView, {
    request: { contentType: 'image/jpeg', fileName: 'broken-screen-2.jpg' } satisfies z.input<
      typeof CreateImageUploadBody
    >,
    example: {
      imageId: '01JDQ9B1C2D3E4F5G6H7J8K9M0',
      status: 'pending',
      upload: {
        url: 'https://helpdesk-images-123456789012.s3.eu-west-1.amazonaws.com/',
        fields: {
          'Content-Type': 'image/jpeg',
          bucket: 'helpdesk-images-123456789012',
          'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
          'X-Amz-Credential': 'ASIAEXAMPLEKEYID1234/20261201/eu-west-1/s3/aws4_request',
          'X-Amz-Date': '20261201T094500Z',
          'X-Amz-Security-Token': 'IQoJb3JpZ2luX2VjEXAMPLEsessiontoken',
          key: `tickets/${exampleTicketId}/images/01JDQ9B1C2D3E4F5G6H7J8K9M0`,
          Policy: 'eyJleHBpcmF0aW9uIjoiMjAyNi0xMi0wMVQwOTo1MDowMFoiLCJjb25kaXRpb25zIjpbXX0=',
          'X-Amz-Signature': '7e672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d8',
        },
        expiresAt: '2026-12-01T09:50:00Z',
      },
      replaces: exampleImageId,
      maxBytes: MAX_IMAGE_BYTES,
    },
  }),
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
