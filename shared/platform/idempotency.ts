/**
 * The one factory of idempotency storage: Powertools idempotency's DynamoDB persistence layer on the service's
 * table, used by the API's `Idempotency-Key` (`shared/platform/http/idempotency-key.ts`) and by the notifier's
 * once-per-delivery rule (`shared/notifications/idempotency.ts`).
 *
 * Records live under a fixed partition per user of the store (`idempotency#<name>`), the sort key being Powertools'
 * hashed key; they expire through the table's TTL attribute and carry no entity name, so no entity query and no
 * stream rule ever sees them.
 */
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { dynamoClient } from '#shared/platform/aws-clients.ts';
import { config } from '#shared/platform/config.ts';
import { tableKeys, ttlAttribute } from '#shared/platform/table.ts';

/** The partition key value of one store's records. @param name `api`, `notifier` */
export const idempotencyPartition = (name: string) => `idempotency#${name}`;

/**
 * A persistence layer for one user of idempotency (reads `TABLE_NAME` now: call it on first use, not at import).
 * Needs `dynamodb:GetItem`, `PutItem`, `UpdateItem` and `DeleteItem` on the table.
 */
export function idempotencyStore(name: string): DynamoDBPersistenceLayer {
  return new DynamoDBPersistenceLayer({
    tableName: config.tableName,
    keyAttr: tableKeys.partitionKey,
    sortKeyAttr: tableKeys.sortKey,
    staticPkValue: idempotencyPartition(name),
    expiryAttr: ttlAttribute,
    awsSdkV3Client: dynamoClient(),
  });
}
