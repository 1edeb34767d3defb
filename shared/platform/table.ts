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
 * What the user indexes (gsi4 to gsi6) hold besides their keys: the user summary a user list shows
 * (`userSummaryView` in `shared/users/views.ts`), never contact details beyond the email. `ticketsCount` is the
 * sort key of gsi4 and gsi5 (a key is always in its index), and projected into gsi6. 19 projected attributes in
 * all, of the table's 100.
 */
export const userProjection = ['userId', 'email', 'name', 'role', 'disabled', 'createdAt'] as const;

/**
 * Key attributes of type Number (every other key attribute is a String). `ticketsCount` sorts the user lists by
 * tickets opened: the ticket create's `ADD ticketsCount 1` on the profile moves the user in gsi4 and gsi5 by
 * itself, so no writer has to keep a derived sort key in step.
 */
export const numberKeyAttributes: ReadonlySet<string> = new Set(['ticketsCount']);

/** The DynamoDB type of a key attribute: `N` for {@link numberKeyAttributes}, else `S`. */
export const keyAttributeType = (name: string): 'S' | 'N' => (numberKeyAttributes.has(name) ? 'N' : 'S');

/**
 * What the comment index (gsi11, an author's comments) holds besides its keys: nothing (`KEYS_ONLY`, see
 * {@link projectionOf}). A page is one Query for the keys (the comment id in `sk` names its ticket), then one
 * BatchGetItem for the comments. A table takes at most 100 projected non-key attributes summed over its indexes
 * ("Service quotas", DynamoDB developer guide; DynamoDB Local enforces it too), and the list indexes use them all;
 * keys only also keeps comment bodies (up to 10 KB) out of the index and its writes.
 */
export const commentProjection = [] as const;

/** The DynamoDB projection of an index: `INCLUDE` its `projection`, or `KEYS_ONLY` when that is empty. */
export function projectionOf(index: { readonly projection: readonly string[] }) {
  return index.projection.length > 0
    ? { ProjectionType: 'INCLUDE' as const, NonKeyAttributes: [...index.projection] }
    : { ProjectionType: 'KEYS_ONLY' as const };
}

/** {@link listProjection} without `entityType`, for the indexes only tickets are in (gsi7 to gsi9). */
export const ticketOnlyProjection = /* @__PURE__ */ listProjection.filter((name) => name !== 'entityType');

/**
 * Global secondary indexes. Each is a generic overloaded index; the entity files (`shared/<feature>/*.entity.ts`)
 * say which access pattern each serves (`docs/data-model.md`). gsi1 to gsi3 project {@link listProjection}, gsi4
 * to gsi6 {@link userProjection}.
 */
export const globalSecondaryIndexes = [
  { indexName: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk', projection: listProjection },
  { indexName: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk', projection: listProjection },
  { indexName: 'gsi3', partitionKey: 'gsi3pk', sortKey: 'gsi3sk', projection: listProjection },
  // Tickets by status, priority and type (sharded; `shared/tickets/ticket.entity.ts`). Only tickets have these
  // keys, so they leave `entityType` out (a table projects at most 100 non-key attributes over all its indexes).
  { indexName: 'gsi7', partitionKey: 'gsi7pk', sortKey: 'gsi7sk', projection: ticketOnlyProjection },
  { indexName: 'gsi8', partitionKey: 'gsi8pk', sortKey: 'gsi8sk', projection: ticketOnlyProjection },
  { indexName: 'gsi9', partitionKey: 'gsi9pk', sortKey: 'gsi9sk', projection: ticketOnlyProjection },
  // Users (shared/users/user.entity.ts): every user, by tickets opened; users of a role; names by prefix.
  { indexName: 'gsi4', partitionKey: 'gsi4pk', sortKey: 'ticketsCount', projection: userProjection },
  { indexName: 'gsi5', partitionKey: 'gsi5pk', sortKey: 'ticketsCount', projection: userProjection },
  {
    indexName: 'gsi6',
    partitionKey: 'gsi6pk',
    sortKey: 'gsi6sk',
    // A call marked pure, not a spread: bundles that import only a name from this module drop the whole list.
    projection: /* @__PURE__ */ (userProjection as readonly string[]).concat('ticketsCount'),
  },
  // Comments (shared/comments/comment.entity.ts): an author's comments, newest first (keys only).
  { indexName: 'gsi11', partitionKey: 'gsi11pk', sortKey: 'gsi11sk', projection: commentProjection },
  // A second generic keys-only index for the workspace and operations features (customers, macros, direct
  // messages, optics): each entity file says which access pattern its gsi12 keys serve; pages read the keys, then
  // BatchGetItem the items. Only one index is added per deployment (CloudFormation creates one GSI per update).
  { indexName: 'gsi12', partitionKey: 'gsi12pk', sortKey: 'gsi12sk', projection: [] },
] as const;

/** Stream view type: the notifier needs both images to see a status transition. */
export const streamViewType = 'NEW_AND_OLD_IMAGES' as const;

/**
 * The `CreateTable` input for this table (on-demand billing, stream on), for DynamoDB Local and tests.
 * @param tableName the physical table name
 */
export function createTableInput(tableName: string) {
  const attributeNames = [
    ...new Set([
      tableKeys.partitionKey,
      tableKeys.sortKey,
      ...globalSecondaryIndexes.flatMap((index) => [index.partitionKey, index.sortKey]),
    ]),
  ];
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST' as const,
    AttributeDefinitions: attributeNames.map((name) => ({
      AttributeName: name,
      AttributeType: keyAttributeType(name),
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
      Projection: projectionOf(index),
    })),
    StreamSpecification: { StreamEnabled: true, StreamViewType: streamViewType },
  };
}
