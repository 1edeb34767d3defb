/**
 * The local DynamoDB stream event source mapping: polls the table's stream in DynamoDB Local and invokes the
 * notifier with real `DynamoDBStreamEvent` batches, as Lambda's event source mapping does ("Using AWS Lambda
 * with Amazon DynamoDB", Lambda docs):
 *
 * - every shard (new ones included, a child only after its parent is done), records in shard order;
 * - batches of up to `batchSize` (10) records, shaped exactly like Lambda's (`eventSourceARN` added, binary
 *   attributes base64, `ApproximateCreationDateTime` in epoch seconds, `awsRegion` the local region);
 * - `reportBatchItemFailures`: the response's `batchItemFailures` make the poller retry from the lowest failed
 *   sequence number (records before it count as done); a thrown error or an unknown item identifier fails the
 *   whole batch (and, with `bisectBatchOnError`, halves the next batch); after `maxRetries` retries the failing
 *   records go to the on-failure list (like the SQS on-failure destination) and the shard moves on. Delivery
 *   is at least once.
 * - checkpoints (last processed sequence number per shard) are kept in a file in persistent mode, so a restart
 *   resumes after the last processed record instead of re-sending everything.
 *
 * Not reproduced: `maxRecordAge`, parallelization factor, the batching window (records are picked up every
 * 250 ms instead), and the starting position: the first start reads from TRIM_HORIZON (the table is new).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  type _Record,
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type Shard,
  type AttributeValue as StreamAttributeValue,
} from '@aws-sdk/client-dynamodb-streams';
import type { AttributeValue, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { passesFilters } from './event-filter.ts';
import { HandlerNotFoundError, lambdaContext, loadHandler } from './lambda-runtime.ts';

/** A batch that exhausted its retries: what an SQS on-failure destination would receive, plus the records. */
export interface FailedBatch {
  readonly shardId: string;
  readonly startSequenceNumber: string;
  readonly endSequenceNumber: string;
  readonly batchSize: number;
  readonly attempts: number;
  readonly reason: string;
  readonly failedAt: string;
  readonly records: readonly DynamoDBRecord[];
}

export interface StreamPollerOptions {
  readonly tableName: string;
  /** Entry module of the consumer (`eventHandlers.notifier`). */
  readonly handlerEntry: string;
  /** Lambda function name reported in the context. */
  readonly functionName: string;
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: { accessKeyId: string; secretAccessKey: string };
  /** Where checkpoints are kept between runs; omit for ephemeral stacks. */
  readonly checkpointFile?: string | undefined;
  /** Records per invocation (Lambda `batchSize`), default 10. */
  readonly batchSize?: number;
  /** Retries of a failing batch before it goes to the failure list (Lambda `retryAttempts`), default 5. */
  readonly maxRetries?: number;
  /** When the function throws, retry with half the batch (Lambda `bisectBatchOnError`), default true. */
  readonly bisectBatchOnError?: boolean;
  /** Pause between polls, default 250 ms. */
  readonly pollIntervalMs?: number;
  /** Lambda filter patterns (`FilterCriteria`): records matching none are dropped, never delivered. */
  readonly filters?: Parameters<typeof passesFilters>[0];
  readonly log: (line: string) => void;
  readonly logError: (line: string, error?: unknown) => void;
}

export interface StreamPoller {
  /**
   * Resolves once the poller has found nothing new on any shard in a pass that started after this call and
   * has no record waiting for a retry: everything written before the call was delivered (or given up on).
   * @throws Error after `timeoutMs` (default 30 s)
   */
  drained(timeoutMs?: number): Promise<void>;
  /** Batches that exhausted their retries (the on-failure destination), oldest first. */
  readonly failures: readonly FailedBatch[];
  stop(): Promise<void>;
}

interface ShardState {
  readonly shardId: string;
  readonly parentShardId: string | undefined;
  iterator: string | undefined;
  /** Fetched records not yet delivered, in sequence order. */
  buffer: _Record[];
  /** Last delivered (or given up) sequence number. */
  checkpoint: string | undefined;
  /** No more records will come (closed shard read to its end). */
  ended: boolean;
  /** Sequence number at the head of the failing batch, and how often it has been tried. */
  failingSequence: string | undefined;
  attempts: number;
  retryAt: number;
  /** Current batch size limit: `batchSize`, halved per thrown error when bisecting. */
  batchLimit: number;
}

interface CheckpointFile {
  streamArn: string;
  shards: Record<string, { sequenceNumber?: string; ended?: boolean }>;
}

const errorName = (error: unknown) => (error as { name?: string } | undefined)?.name;

/** Stream SDK attribute values carry binaries as bytes; Lambda's JSON event carries base64 strings. */
function toLambdaAttribute(value: StreamAttributeValue): AttributeValue {
  if (value.B !== undefined) return { B: Buffer.from(value.B).toString('base64') };
  if (value.BS !== undefined) return { BS: value.BS.map((bytes) => Buffer.from(bytes).toString('base64')) };
  if (value.M !== undefined) return { M: toLambdaImage(value.M) as Record<string, AttributeValue> };
  if (value.L !== undefined) return { L: value.L.map(toLambdaAttribute) };
  return value as AttributeValue;
}

function toLambdaImage(
  image: Record<string, StreamAttributeValue> | undefined,
): Record<string, AttributeValue> | undefined {
  if (!image) return undefined;
  return Object.fromEntries(Object.entries(image).map(([name, value]) => [name, toLambdaAttribute(value)]));
}

/** One stream record in the shape Lambda delivers it. */
export function toLambdaRecord(record: _Record, streamArn: string, region: string): DynamoDBRecord {
  const stream = record.dynamodb ?? {};
  const created = stream.ApproximateCreationDateTime;
  const lambdaRecord: DynamoDBRecord = {
    eventID: record.eventID,
    eventName: record.eventName as DynamoDBRecord['eventName'],
    eventVersion: record.eventVersion ?? '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: region,
    dynamodb: {
      ...(created ? { ApproximateCreationDateTime: Math.floor(new Date(created).getTime() / 1000) } : {}),
      ...(stream.Keys ? { Keys: toLambdaImage(stream.Keys) } : {}),
      ...(stream.NewImage ? { NewImage: toLambdaImage(stream.NewImage) } : {}),
      ...(stream.OldImage ? { OldImage: toLambdaImage(stream.OldImage) } : {}),
      SequenceNumber: stream.SequenceNumber,
      SizeBytes: stream.SizeBytes,
      StreamViewType: stream.StreamViewType as NonNullable<DynamoDBRecord['dynamodb']>['StreamViewType'],
    },
    eventSourceARN: streamArn,
  };
  if (record.userIdentity) {
    lambdaRecord.userIdentity = {
      type: record.userIdentity.Type,
      principalId: record.userIdentity.PrincipalId,
    };
  }
  return lambdaRecord;
}

/** Starts polling; the first pass begins immediately. */
export function startStreamPoller(options: StreamPollerOptions): StreamPoller {
  const batchSize = options.batchSize ?? 10;
  const maxRetries = options.maxRetries ?? 5;
  const bisect = options.bisectBatchOnError ?? true;
  const pollIntervalMs = options.pollIntervalMs ?? 250;
  const clientConfig = {
    endpoint: options.endpoint,
    region: options.region,
    credentials: options.credentials,
  };
  const dynamo = new DynamoDBClient(clientConfig);
  const streams = new DynamoDBStreamsClient(clientConfig);
  const failures: FailedBatch[] = [];

  let streamArn: string | undefined;
  let shards = new Map<string, ShardState>();
  let saved: CheckpointFile | undefined =
    options.checkpointFile && existsSync(options.checkpointFile)
      ? (JSON.parse(readFileSync(options.checkpointFile, 'utf8')) as CheckpointFile)
      : undefined;
  let lastDescribe = 0;
  let dirty = false;
  let stopped = false;
  let missingHandlerWarned = false;
  /** Passes started, and waiters for an idle pass that started after they registered. */
  let passNumber = 0;
  const waiters: { after: number; resolve: () => void }[] = [];

  function persist(): void {
    if (!options.checkpointFile || !streamArn || !dirty) return;
    const file: CheckpointFile = { streamArn, shards: {} };
    for (const shard of shards.values()) {
      file.shards[shard.shardId] = {
        ...(shard.checkpoint ? { sequenceNumber: shard.checkpoint } : {}),
        ...(shard.ended && shard.buffer.length === 0 ? { ended: true } : {}),
      };
    }
    writeFileSync(options.checkpointFile, `${JSON.stringify(file, null, 2)}\n`);
    saved = file;
    dirty = false;
  }

  async function describeShards(): Promise<void> {
    if (!streamArn) {
      const table = await dynamo.send(new DescribeTableCommand({ TableName: options.tableName }));
      streamArn = table.Table?.LatestStreamArn;
      if (!streamArn) throw new Error(`Table ${options.tableName} has no stream`);
      shards = new Map();
      if (saved && saved.streamArn !== streamArn) saved = undefined;
    }
    const found: Shard[] = [];
    let exclusiveStartShardId: string | undefined;
    do {
      const page = await streams.send(
        new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: exclusiveStartShardId }),
      );
      found.push(...(page.StreamDescription?.Shards ?? []));
      exclusiveStartShardId = page.StreamDescription?.LastEvaluatedShardId;
    } while (exclusiveStartShardId);
    for (const shard of found) {
      if (!shard.ShardId || shards.has(shard.ShardId)) continue;
      const previous = saved?.shards[shard.ShardId];
      shards.set(shard.ShardId, {
        shardId: shard.ShardId,
        parentShardId: shard.ParentShardId,
        iterator: undefined,
        buffer: [],
        checkpoint: previous?.sequenceNumber,
        ended: previous?.ended ?? false,
        failingSequence: undefined,
        attempts: 0,
        retryAt: 0,
        batchLimit: batchSize,
      });
    }
    lastDescribe = Date.now();
  }

  async function iteratorFor(shard: ShardState): Promise<string | undefined> {
    const base = { StreamArn: streamArn, ShardId: shard.shardId };
    if (shard.checkpoint) {
      try {
        const result = await streams.send(
          new GetShardIteratorCommand({
            ...base,
            ShardIteratorType: 'AFTER_SEQUENCE_NUMBER',
            SequenceNumber: shard.checkpoint,
          }),
        );
        return result.ShardIterator;
      } catch (error) {
        options.logError(
          `stream poller: cannot resume ${shard.shardId} after ${shard.checkpoint} (${errorName(error)}); reading from TRIM_HORIZON`,
        );
      }
    }
    const result = await streams.send(
      new GetShardIteratorCommand({ ...base, ShardIteratorType: 'TRIM_HORIZON' }),
    );
    return result.ShardIterator;
  }

  /** Fetches more records into the shard's buffer; returns how many arrived. */
  async function fetch(shard: ShardState): Promise<number> {
    shard.iterator ??= await iteratorFor(shard);
    if (!shard.iterator) {
      shard.ended = true;
      return 0;
    }
    try {
      const page = await streams.send(new GetRecordsCommand({ ShardIterator: shard.iterator, Limit: 100 }));
      const records = (page.Records ?? []).filter(
        (record) =>
          (!shard.checkpoint || BigInt(record.dynamodb?.SequenceNumber ?? '0') > BigInt(shard.checkpoint)) &&
          passesFilters(options.filters, toLambdaRecord(record, streamArn ?? '', options.region)),
      );
      shard.buffer.push(...records);
      shard.iterator = page.NextShardIterator;
      if (!page.NextShardIterator) shard.ended = true;
      return records.length;
    } catch (error) {
      if (
        errorName(error) === 'ExpiredIteratorException' ||
        errorName(error) === 'TrimmedDataAccessException'
      ) {
        shard.iterator = undefined;
        return 0;
      }
      throw error;
    }
  }

  /** Gives the failing head of the buffer to the failure list. */
  function giveUp(shard: ShardState, records: _Record[], reason: string): void {
    const sequenceOf = (record: _Record | undefined) => record?.dynamodb?.SequenceNumber ?? '';
    const failed: FailedBatch = {
      shardId: shard.shardId,
      startSequenceNumber: sequenceOf(records[0]),
      endSequenceNumber: sequenceOf(records.at(-1)),
      batchSize: records.length,
      attempts: shard.attempts,
      reason,
      failedAt: new Date().toISOString(),
      records: records.map((record) => toLambdaRecord(record, streamArn ?? '', options.region)),
    };
    failures.push(failed);
    options.logError(
      `${options.functionName}: records ${failed.startSequenceNumber}..${failed.endSequenceNumber} failed ` +
        `${failed.attempts} times (${reason}); sent to the on-failure list and skipped`,
    );
  }

  function advance(shard: ShardState, count: number): void {
    const done = shard.buffer.splice(0, count);
    const last = done.at(-1)?.dynamodb?.SequenceNumber;
    if (last) {
      shard.checkpoint = last;
      dirty = true;
    }
  }

  /** Delivers buffered records of one shard until it is empty or a batch must wait for its retry. */
  async function deliver(shard: ShardState): Promise<void> {
    while (shard.buffer.length > 0 && !stopped) {
      if (Date.now() < shard.retryAt) return;
      const batch = shard.buffer.slice(0, shard.batchLimit);
      const event: DynamoDBStreamEvent = {
        Records: batch.map((record) => toLambdaRecord(record, streamArn ?? '', options.region)),
      };
      let failedIndex = -1;
      let reason = '';
      const started = performance.now();
      try {
        const handler = await loadHandler(options.handlerEntry);
        const response = (await handler(event, lambdaContext(options.functionName, 60_000))) as
          | DynamoDBBatchResponse
          | undefined;
        const identifiers = (response?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier);
        if (identifiers.length > 0) {
          const indexes = identifiers.map((id) => batch.findIndex((r) => r.dynamodb?.SequenceNumber === id));
          failedIndex = indexes.some((index) => index < 0) ? 0 : Math.min(...indexes);
          reason =
            failedIndex === 0 && indexes.some((index) => index < 0)
              ? `unknown itemIdentifier in batchItemFailures: ${identifiers.join(', ')}`
              : `batchItemFailures: ${identifiers.join(', ')}`;
        }
      } catch (error) {
        if (error instanceof HandlerNotFoundError) {
          if (!missingHandlerWarned) {
            options.logError(
              `${options.functionName}: ${error.message}; stream records are skipped until it exists`,
            );
            missingHandlerWarned = true;
          }
          advance(shard, batch.length);
          continue;
        }
        failedIndex = 0;
        reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        options.logError(`${options.functionName} threw on a batch of ${batch.length}`, error);
        if (bisect) shard.batchLimit = Math.max(1, Math.ceil(batch.length / 2));
      }
      const ms = Math.round(performance.now() - started);
      if (failedIndex < 0) {
        options.log(
          `${options.functionName}: ${batch.length} record(s) ${batch.map((r) => r.eventName).join(',')} ok ${ms}ms`,
        );
        advance(shard, batch.length);
        shard.failingSequence = undefined;
        shard.attempts = 0;
        shard.batchLimit = batchSize;
        continue;
      }
      advance(shard, failedIndex);
      const head = shard.buffer[0]?.dynamodb?.SequenceNumber;
      shard.attempts = head === shard.failingSequence ? shard.attempts + 1 : 1;
      shard.failingSequence = head;
      if (shard.attempts > maxRetries) {
        const rest = batch.length - failedIndex;
        giveUp(shard, shard.buffer.slice(0, rest), reason);
        advance(shard, rest);
        shard.failingSequence = undefined;
        shard.attempts = 0;
        shard.batchLimit = batchSize;
        continue;
      }
      options.log(`${options.functionName}: retry ${shard.attempts}/${maxRetries} from ${head} (${reason})`);
      shard.retryAt = Date.now() + Math.min(250 * 2 ** (shard.attempts - 1), 2000);
      return;
    }
  }

  /** One pass over every shard; returns whether it found nothing to do. */
  async function pass(): Promise<boolean> {
    if (!streamArn || Date.now() - lastDescribe > 5000) await describeShards();
    let idle = true;
    for (const shard of shards.values()) {
      const parent = shard.parentShardId ? shards.get(shard.parentShardId) : undefined;
      if (parent && !(parent.ended && parent.buffer.length === 0)) continue;
      if (shard.ended && shard.buffer.length === 0) continue;
      if (shard.buffer.length === 0 && (await fetch(shard)) > 0) idle = false;
      if (shard.buffer.length > 0) {
        idle = false;
        await deliver(shard);
      }
      if (shard.ended && shard.buffer.length === 0) {
        dirty = true;
        lastDescribe = 0; // a closed shard means children may have appeared
      }
    }
    persist();
    return idle;
  }

  const loop = (async () => {
    while (!stopped) {
      const number = ++passNumber;
      try {
        const idle = await pass();
        if (idle) {
          for (const waiter of waiters.filter((w) => w.after < number)) {
            waiters.splice(waiters.indexOf(waiter), 1);
            waiter.resolve();
          }
        }
      } catch (error) {
        if (errorName(error) === 'ResourceNotFoundException') {
          // The table or its stream was re-created: start over on the new stream.
          streamArn = undefined;
        } else {
          options.logError('stream poller: pass failed', error);
        }
      }
      if (stopped) break;
      const anyReady = [...shards.values()].some((s) => s.buffer.length > 0 && s.retryAt <= Date.now());
      if (!anyReady) await new Promise((resolve) => setTimeout(resolve, pollIntervalMs));
    }
  })();

  return {
    get failures() {
      return failures;
    },
    drained(timeoutMs = 30_000) {
      return new Promise<void>((resolve, reject) => {
        const waiter = {
          after: passNumber,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1);
          reject(new Error(`The stream poller did not drain within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.push(waiter);
      });
    },
    async stop() {
      stopped = true;
      await loop;
      persist();
      dynamo.destroy();
      streams.destroy();
    },
  };
}
