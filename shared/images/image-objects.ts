/** The S3 side of the object-created check: head, read the first bytes, delete. */
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import type { ImageObjectStore } from '#shared/images/check-upload.ts';
import { s3Client } from '#shared/platform/aws-clients.ts';
import { config } from '#shared/platform/config.ts';

function isStatus(error: unknown, ...statuses: number[]): boolean {
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return status !== undefined && statuses.includes(status);
}

/** The image objects in the images bucket (`IMAGES_BUCKET`), through the shared S3 client. */
export function s3ImageObjects(): ImageObjectStore {
  const bucket = () => config.imagesBucket;
  return {
    async head(key) {
      try {
        const head = await s3Client().send(new HeadObjectCommand({ Bucket: bucket(), Key: key }));
        return { size: head.ContentLength ?? 0, eTag: head.ETag };
      } catch (error) {
        if (isStatus(error, 404)) return undefined;
        throw error;
      }
    },
    async readStart(key, length, eTag) {
      try {
        const object = await s3Client().send(
          new GetObjectCommand({ Bucket: bucket(), Key: key, Range: `bytes=0-${length - 1}`, IfMatch: eTag }),
        );
        const bytes = (await object.Body?.transformToByteArray()) ?? new Uint8Array();
        return bytes.subarray(0, length);
      } catch (error) {
        if (isStatus(error, 404, 412)) return undefined;
        throw error;
      }
    },
    async delete(key) {
      await s3Client().send(new DeleteObjectCommand({ Bucket: bucket(), Key: key }));
    },
  };
}
