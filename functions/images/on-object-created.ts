/**
 * S3 `ObjectCreated:*` consumer for the images bucket (prefix `tickets/`): checks each uploaded image's bytes
 * and marks it `ready`, or deletes it and marks it `rejected` (`shared/images/check-upload.ts`).
 *
 * Invoked asynchronously by S3, at least once per upload. The check is idempotent; any S3 or DynamoDB error is
 * thrown after every record had its turn, so Lambda retries the event (and the records that were done come out
 * the same the second time).
 */
import type { Context, S3Event } from 'aws-lambda';
import { checkUploadedImage } from '#shared/images/check-upload.ts';
import { decodeS3EventKey, parseImageObjectKey } from '#shared/images/object-key.ts';
import { logger } from '#shared/platform/logger.ts';

export async function handler(event: S3Event, context: Context): Promise<void> {
  logger.addContext(context);
  const failures: unknown[] = [];
  for (const record of event.Records ?? []) {
    if (!record.eventName?.startsWith('ObjectCreated:')) continue;
    const key = decodeS3EventKey(record.s3.object.key);
    const ref = key === undefined ? undefined : parseImageObjectKey(key);
    if (!ref) {
      logger.warn('Not an image object key; ignored', { key: record.s3.object.key });
      continue;
    }
    try {
      const outcome = await checkUploadedImage(ref);
      logger.info('Image checked', {
        ...ref,
        outcome,
        eventName: record.eventName,
        sequencer: record.s3.object.sequencer,
      });
    } catch (error) {
      logger.error('Image check failed; the event will be retried', { ...ref, error: error as Error });
      failures.push(error);
    }
  }
  if (failures.length > 0) {
    throw new AggregateError(failures, `${failures.length} image check(s) failed`);
  }
}
