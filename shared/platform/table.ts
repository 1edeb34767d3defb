/**
 * The one DynamoDB table of the service: key schema, global secondary indexes, TTL and stream settings.
 *
 * Used by the CDK data stack (`lib/stacks/data-stack.ts`), by the local stack that provisions DynamoDB Local
 * (`scripts/local/provision.ts`) and by the tests, so the three can never disagree. Every access pattern and the
 * key or index serving it is listed in `docs/data-model.md`.
 */

/** Partition and sort key attribute names of the base table (strings). */
export const tableKeys = { partitionKey: 'pk', sortKey: 'sk' } as const;

/** Attribute holding the TTL expiry, in epoch seconds (DynamoDB TTL: "Using Time to Live", AWS docs). */
export const ttlAttribute = 'expiresAt';

/**
 * What the list indexes hold besides their keys: the ticket summary a list shows (`ticketSummaryView` in
 * `shared/tickets/views.ts`). Not the description, `updatedAt` or `version`: a reply or an edit of the description
 * changes the ticket item only, and writes no index ("Projections", DynamoDB developer guide: an update writes an
 * index only when a projected attribute or an index key changes).
 */
export const listProjection = [
  'entityType',
  'ticketId',
  'number',
  'title',
  'type',
  'priority',
  'status',
  'requesterId',
  'assigneeId',
  'approverId',
  'category',
  'tags',
  'createdAt',
] as const;

/**
 * Global secondary indexes. Each is a generic overloaded index; the entity files (`shared/<feature>/*.entity.ts`)
 * say which access pattern each serves (`docs/data-model.md`). All project {@link listProjection}.
 */
export const globalSecondaryIndexes = [
  { indexName: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk', projection: listProjection },
  { indexName: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk', projection: listProjection },
  { indexName: 'gsi3', partitionKey: 'gsi3pk', sortKey: 'gsi3sk', projection: listProjection },
] as const;

/** Stream view type: the notifier needs both images to see a status transition. */
export const streamViewType = 'NEW_AND_OLD_IMAGES' as const;

/**
 * The `CreateTable` input for this table (on-demand billing, stream on), for DynamoDB Local and tests.
 * @param tableName the physical table name
 */
export function createTableInput(tableName: string) {
  const attributeNames = [
    tableKeys.partitionKey,
    tableKeys.sortKey,
    ...globalSecondaryIndexes.flatMap((index) => [index.partitionKey, index.sortKey]),
  ];
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST' as const,
    AttributeDefinitions: attributeNames.map((name) => ({
      AttributeName: name,
      AttributeType: 'S' as const,
    })),
    KeySchema: [
      { AttributeName: tableKeys.partitionKey, KeyType: 'HASH' as const },
      { AttributeName: tableKeys.sortKey, KeyType: 'RANGE' as const },
    ],
    GlobalSecondaryIndexes: globalSecondaryIndexes.map((index) => ({
      IndexName: index.indexName,
      KeySchema: [
        { AttributeName: index.partitionKey, KeyType: 'HASH' as const },
        { AttributeName: index.sortKey, KeyType: 'RANGE' as const },
      ],
      Projection: { ProjectionType: 'INCLUDE' as const, NonKeyAttributes: [...index.projection] },
    })),
    StreamSpecification: { StreamEnabled: true, StreamViewType: streamViewType },
  };
}
