/**
 * The one factory of idempotency storage: Powertools idempotency's DynamoDB persistence layer on the service's
 * table, used by the API's `Idempotency-Key` (`shared/platform/http/idempotency-key.ts`) and by the notifier's
 * once-per-delivery rule (`shared/notifications/idempotency.ts`).
 *
 * Each record is its own partition, keyed by the idempotency key (`pk = IDEMPOTENCY#<prefix>#<hash>`,
 * `sk = IDEMPOTENCY`), so records spread over the table's partitions instead of sharing one hot key. They expire
 * through the table's TTL attribute and carry no entity name, so no list and no stream rule ever sees them.
 */

import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { dynamoClient } from '#shared/platform/aws-clients.ts';
import { config } from '#shared/platform/config.ts';
import { tableKeys, ttlAttribute } from '#shared/platform/table.ts';

/** Sort key of every idempotency record. */
const recordSortKey = 'IDEMPOTENCY';

/** Powertools' layer with one partition per idempotency key (it would put every record under one static key). */
class KeyedPersistenceLayer extends DynamoDBPersistenceLayer {
  protected override getKey(idempotencyKey: string): Record<string, AttributeValue> {
    return {
      [tableKeys.partitionKey]: { S: `IDEMPOTENCY#${idempotencyKey}` },
      [tableKeys.sortKey]: { S: recordSortKey },
    };
  }
}

/**
 * A persistence layer for one user of idempotency (reads `TABLE_NAME` now: call it on first use, not at import).
 * Needs `dynamodb:GetItem`, `PutItem`, `UpdateItem` and `DeleteItem` on the table.
 * @param name the key prefix of its records (`api`, `notifier`)
 */
export function idempotencyStore(name: string): DynamoDBPersistenceLayer {
  return new KeyedPersistenceLayer({
    tableName: config.tableName,
    keyAttr: tableKeys.partitionKey,
    sortKeyAttr: tableKeys.sortKey,
    staticPkValue: `IDEMPOTENCY#${name}`,
    expiryAttr: ttlAttribute,
    awsSdkV3Client: dynamoClient(),
  });
}
