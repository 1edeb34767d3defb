/**
 * The cleanup's ports on the real table and bucket (`cleanup.ts`): Query and BatchWriteItem on the table, and
 * ListObjectsV2 and DeleteObject on the images bucket, sent with `fetch` and signed with SigV4
 * (`shared/platform/s3-signing.ts`; the S3 client would cost the cold start far more than these two calls). IAM
 * the function needs: `dynamodb:Query` and `dynamodb:BatchWriteItem` on the table, `s3:ListBucket` on the bucket
 * (prefix `tickets/`), `s3:DeleteObject` on `tickets/*`.
 */
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { S3RequestError, s3ImageObjects } from '#shared/images/image-objects.ts';
import { documentClient } from '#shared/platform/aws/dynamodb.ts';
import { config } from '#shared/platform/config.ts';
import { type ItemKey, queryPage } from '#shared/platform/db.ts';
import { signBucketRequest } from '#shared/platform/s3-signing.ts';
import type { CleanupPorts } from '#shared/tickets/cleanup.ts';

/** Items read per page of a ticket's partition. */
const partitionPageSize = 100;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Delete up to 25 items (BatchWriteItem), retrying unprocessed ones with backoff (50 ms doubling, up to 2 s).
 * @throws Error when some are still unprocessed after 8 attempts (the record is then retried as a whole)
 */
async function batchDelete(keys: readonly ItemKey[]): Promise<void> {
  const table = config.tableName;
  let requests = keys.map((key) => ({ DeleteRequest: { Key: { pk: key.pk, sk: key.sk } } }));
  for (let attempt = 0; requests.length > 0; attempt++) {
    if (attempt >= 8)
      throw new Error(`${requests.length} deletes stayed unprocessed after ${attempt} attempts`);
    if (attempt > 0) await sleep(Math.min(50 * 2 ** attempt, 2000));
    const { UnprocessedItems } = await documentClient().send(
      new BatchWriteCommand({ RequestItems: { [table]: requests } }),
    );
    requests = (UnprocessedItems?.[table] ?? []) as typeof requests;
  }
}

/** XML text with its five predefined entities decoded. */
const xmlText = (value: string) =>
  value
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&quot;', '"')
    .replaceAll('&apos;', "'")
    .replaceAll('&amp;', '&');

/**
 * One page of ListObjectsV2 (up to 1,000 keys); a 5xx, a 429 or a network failure is tried up to three times.
 * @throws S3RequestError for any other failure
 */
async function listObjects(prefix: string, token: string | undefined) {
  const query = { 'list-type': '2', prefix, ...(token ? { 'continuation-token': token } : {}) };
  for (let attempt = 1; ; attempt++) {
    const request = await signBucketRequest('GET', config.imagesBucket, query);
    let response: Response;
    try {
      response = await fetch(request.url, { headers: request.headers });
    } catch (error) {
      if (attempt < 3) continue;
      throw new S3RequestError('ListObjectsV2', undefined, undefined, (error as Error).message, {
        cause: error,
      });
    }
    const body = await response.text();
    if ((response.status >= 500 || response.status === 429) && attempt < 3) {
      await sleep(100 * 2 ** attempt);
      continue;
    }
    if (!response.ok) {
      const code = /<Code>([^<]*)<\/Code>/.exec(body)?.[1];
      throw new S3RequestError(
        'ListObjectsV2',
        response.status,
        code,
        /<Message>([^<]*)<\/Message>/.exec(body)?.[1],
      );
    }
    const keys = [...body.matchAll(/<Contents>[\s\S]*?<Key>([^<]*)<\/Key>[\s\S]*?<\/Contents>/g)].map(
      (match) => xmlText(match[1] ?? ''),
    );
    const truncated = /<IsTruncated>true<\/IsTruncated>/.test(body);
    const next = /<NextContinuationToken>([^<]*)<\/NextContinuationToken>/.exec(body)?.[1];
    return { keys, nextToken: truncated && next ? xmlText(next) : undefined };
  }
}

/** The cleanup's ports on the table (`TABLE_NAME`) and the images bucket (`IMAGES_BUCKET`). */
export function awsCleanupPorts(): CleanupPorts {
  const objects = s3ImageObjects();
  return {
    async partitionPage(pk, startKey) {
      const { items, lastKey } = await queryPage<ItemKey>({
        partition: { pk },
        limit: partitionPageSize,
        startKey,
        consistent: true,
      });
      return { keys: items.map((item) => ({ pk: item.pk, sk: item.sk })), lastKey };
    },
    deleteItems: batchDelete,
    objectPage: listObjects,
    deleteObject: (key) => objects.delete(key),
  };
}
