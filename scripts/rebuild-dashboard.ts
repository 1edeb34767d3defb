/**
 * `npm run dashboard:rebuild [-- --local]`: rebuilds the dashboard counters from the table, for repair (a counter
 * damaged by hand, a consumer that was stopped past the stream's 24 hours, counters added to a table that already
 * held tickets). It Scans the table (a script may; no request path does), counts every ticket and optics request as
 * `shared/dashboard/rebuild.ts` says, and replaces every counter item and counted state with the result: the global
 * counters in shard 0 (the other shards deleted), one item per person, one counted state per live item (the states of
 * deleted items are kept until they expire). `docs/data-model.md`, "Dashboard counters".
 *
 * Run it when no tickets change, or run it twice: a change the stream consumer counts while the first run is
 * between its Scan and its writes may be overwritten by the older count; the second run reads it again.
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import {
  countedStateEntity,
  countedStateKey,
  globalStatsKey,
  globalStatsPartition,
  statsShardEntity,
  userStatsEntity,
  userStatsKey,
} from '#shared/dashboard/counters.entity.ts';
import { rebuildCounters, rebuildEntityTypes } from '#shared/dashboard/rebuild.ts';
import type { ItemKey } from '#shared/platform/db.ts';
import { localCredentials, localRegion } from './local/provision.ts';

/** Where `npm start`'s DynamoDB Local listens and the table it makes, unless `--endpoint` / `--table` say else. */
const localEndpoint = 'http://127.0.0.1:8000';
const localTableName = 'helpdesk-local';

const usage = `Usage: npm run dashboard:rebuild -- [--local] [--table NAME] [--endpoint URL]

Rebuilds the dashboard counters from the tickets and optics requests in the table (a Scan of the whole table).

  --local         the local stack of \`npm start\`: DynamoDB Local at ${localEndpoint}, table ${localTableName}
  --table NAME    the table (default: TABLE_NAME, or ${localTableName} with --local)
  --endpoint URL  a DynamoDB endpoint (default: the AWS SDK's, or ${localEndpoint} with --local)
  -h, --help      this text

Against AWS: credentials and region from the usual AWS SDK chain (AWS_PROFILE, AWS_REGION, ...); the table name
is the Data stack's output TableName.
`;

/** What a rebuild found and wrote. */
export interface RebuildSummary {
  /** Items read by the Scan (the filtered entity types only). */
  readonly scanned: number;
  /** Tickets and optics requests counted. */
  readonly counted: number;
  /** People with counters. */
  readonly people: number;
  /** Items written (put) and deleted. */
  readonly written: number;
  readonly deleted: number;
}

type Write = { PutRequest: { Item: Record<string, unknown> } } | { DeleteRequest: { Key: ItemKey } };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** BatchWriteItem in chunks of 25, unprocessed requests retried with backoff. */
async function batchWrite(client: DynamoDBDocumentClient, tableName: string, writes: Write[]): Promise<void> {
  for (let start = 0; start < writes.length; start += 25) {
    let requests = writes.slice(start, start + 25);
    for (let attempt = 0; requests.length > 0; attempt++) {
      if (attempt >= 10) throw new Error(`${requests.length} writes stayed unprocessed`);
      if (attempt > 0) await sleep(Math.min(50 * 2 ** attempt, 2000));
      const { UnprocessedItems } = await client.send(
        new BatchWriteCommand({ RequestItems: { [tableName]: requests } }),
      );
      requests = (UnprocessedItems?.[tableName] ?? []) as Write[];
    }
  }
}

/**
 * Rebuilds every dashboard counter of `tableName` (see the module comment).
 * @param client a document client for the table's endpoint
 * @returns what was read and written
 */
export async function rebuildDashboard(
  client: DynamoDBDocumentClient,
  tableName: string,
): Promise<RebuildSummary> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  const values = Object.fromEntries(rebuildEntityTypes.map((type, i) => [`:e${i}`, type]));
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: `entityType IN (${Object.keys(values).join(', ')})`,
        ExpressionAttributeValues: values,
        ConsistentRead: true,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    items.push(...((page.Items ?? []) as Record<string, unknown>[]));
    startKey = page.LastEvaluatedKey;
  } while (startKey);

  const rebuilt = rebuildCounters(items);
  const now = new Date().toISOString();
  const puts: Record<string, unknown>[] = [
    { ...globalStatsKey(0), entityType: statsShardEntity, shard: 0, ...rebuilt.global, updatedAt: now },
    ...[...rebuilt.people].map(([userId, counters]) => ({
      ...userStatsKey(userId),
      entityType: userStatsEntity,
      userId,
      ...counters,
      updatedAt: now,
    })),
    ...rebuilt.counted.map(({ kind, id, state }) => ({
      ...countedStateKey(kind, id),
      entityType: countedStateEntity,
      version: state.version,
      buckets: [...state.buckets],
      updatedAt: now,
    })),
  ];
  const kept = new Set(puts.map((item) => `${item.pk}\n${item.sk}`));
  const stale = items.filter((item) => {
    if (kept.has(`${item.pk}\n${item.sk}`)) return false;
    if (item.entityType === statsShardEntity) return item.pk === globalStatsPartition;
    if (item.entityType === userStatsEntity) return true;
    // A deleted item's counted state stays (until its TTL): it keeps a late record from counting it again.
    return item.entityType === countedStateEntity && item.deleted !== true;
  });
  await batchWrite(client, tableName, [
    ...puts.map((Item) => ({ PutRequest: { Item } })),
    ...stale.map((item) => ({ DeleteRequest: { Key: { pk: String(item.pk), sk: String(item.sk) } } })),
  ]);
  return {
    scanned: items.length,
    counted: rebuilt.counted.length,
    people: rebuilt.people.size,
    written: puts.length,
    deleted: stale.length,
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      local: { type: 'boolean', default: false },
      table: { type: 'string' },
      endpoint: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    console.log(usage);
    return;
  }
  const tableName = values.table ?? (values.local ? localTableName : process.env.TABLE_NAME);
  if (!tableName) throw new Error('Name the table: --table NAME, TABLE_NAME, or --local.');
  const endpoint = values.endpoint ?? (values.local ? localEndpoint : undefined);
  const dynamo = new DynamoDBClient({
    ...(endpoint ? { endpoint } : {}),
    ...(values.local ? { region: localRegion, credentials: localCredentials } : {}),
  });
  const client = DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } });
  try {
    const summary = await rebuildDashboard(client, tableName);
    console.log(
      `Dashboard counters of ${tableName} rebuilt: ${summary.counted} tickets and optics requests counted for ` +
        `${summary.people} people; ${summary.written} counter items written, ${summary.deleted} stale ones deleted.`,
    );
  } finally {
    dynamo.destroy();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
