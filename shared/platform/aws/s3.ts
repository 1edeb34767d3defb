/** The S3 client of this function, created on first use (endpoint and credentials from the SDK's standard chain). */
import { S3Client } from '@aws-sdk/client-s3';
import { config } from '#shared/platform/config.ts';

let s3: S3Client | undefined;

/** Only the bench uses it (to count S3 calls); functions sign S3 requests with `shared/platform/s3-signing.ts`. */
export function s3Client(): S3Client {
  s3 ??= new S3Client({ forcePathStyle: config.s3ForcePathStyle });
  return s3;
}
