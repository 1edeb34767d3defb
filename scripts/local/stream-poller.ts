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
 * Not reproduced: `maxRecordAge`, parallelization factor, the batching window (records are picked up at once
 * while the stream returns any, else within 250 ms), and the starting position: the first start reads from
 * TRIM_HORIZON (the table is new).
 *
 * Three parts: the shard reader (shards, iterators, `GetRecords` with the filters, checkpoints), the batch
 * deliverer (invocations, `batchItemFailures`, bisecting, retries, the failure list) and, in
 * `startStreamPoller`, the poll loop that passes over the shards and resolves the `drained()` waiters.
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
  /** Entry module of the consumer, relative to the repository root (e.g. `notifierSource.entry`). */
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

/** One shard of the stream, as the reader sees it. */
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
}

/** Read to its end and every record delivered (or given up on): nothing more will come from this shard. */
const isFinished = (shard: ShardState) => shard.ended && shard.buffer.length === 0;

/** The checkpoint file: per shard, the last processed sequence number and whether the shard is finished. */
interface CheckpointFile {
  streamArn: string;
  shards: Record<string, { sequenceNumber?: string; ended?: boolean }>;
}

const errorName = (error: unknown) => (error as { name?: string } | undefined)?.name;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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

/**
 * Reads the table's stream: finds the shards, keeps an iterator per shard, fetches records into the shard's buffer
 * (dropping those the filters reject) and keeps the checkpoints, in a file in persistent mode.
 */
interface ShardReader {
  /** Describes the stream's shards when due: at first, every 5 s, after a shard finished or the stream vanished. */
  refreshShards(): Promise<void>;
  /** Every known shard, in the order `DescribeStream` listed them. */
  shards(): Iterable<ShardState>;
  /**
   * The shards to work on now, in order: not finished, and the parent (when known) finished. Evaluated lazily, so
   * a child whose parent finishes earlier in the same iteration is included.
   */
  readableShards(): Iterable<ShardState>;
  /**
   * Fetches more records (one `GetRecords` of up to 1,000, the most it returns) into the shard's buffer: `read` is
   * how many the stream returned, `kept` how many passed the filters. A page whose records all fail the filters
   * (the counters' own writes, say) is not the end of the stream: only `read` = 0 says the shard has nothing more.
   */
  fetch(shard: ShardState): Promise<{ read: number; kept: number }>;
  /** The first `count` buffered records were delivered or given up on: drops them, moves the checkpoint past them. */
  advance(shard: ShardState, count: number): void;
  /** Notes a shard that finished in this pass: saved as ended; the shards are described again (children may appear). */
  finished(shard: ShardState): void;
  /** Writes the checkpoint file if a checkpoint changed (persistent mode only). */
  persist(): void;
  /** The table or its stream was re-created: the next refresh starts over on the new stream. */
  forgetStream(): void;
  /** A record in the shape Lambda delivers it, with this stream's ARN. */
  toLambdaRecord(record: _Record): DynamoDBRecord;
  /** Releases the SDK clients. */
  close(): void;
}

function readCheckpointFile(file: string | undefined): CheckpointFile | undefined {
  return file && existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as CheckpointFile) : undefined;
}

function createShardReader(
  options: Pick<
    StreamPollerOptions,
    'tableName' | 'endpoint' | 'region' | 'credentials' | 'checkpointFile' | 'filters' | 'logError'
  >,
): ShardReader {
  const clientConfig = {
    endpoint: options.endpoint,
    region: options.region,
    credentials: options.credentials,
  };
  const dynamo = new DynamoDBClient(clientConfig);
  const streams = new DynamoDBStreamsClient(clientConfig);
  let streamArn: string | undefined;
  let shards = new Map<string, ShardState>();
  let saved = readCheckpointFile(options.checkpointFile);
  /** Epoch ms of the last `DescribeStream`; 0 asks for one at the next refresh. */
  let lastDescribe = 0;
  /** A checkpoint changed since the file was written. */
  let dirty = false;

  const lambdaRecord = (record: _Record) => toLambdaRecord(record, streamArn ?? '', options.region);

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
      });
    }
    lastDescribe = Date.now();
  }

  /** Resumes after the checkpoint when there is one (and it is still in the stream), else from TRIM_HORIZON. */
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

  return {
    async refreshShards() {
      if (!streamArn || Date.now() - lastDescribe > 5000) await describeShards();
    },
    shards: () => shards.values(),
    *readableShards() {
      for (const shard of shards.values()) {
        const parent = shard.parentShardId ? shards.get(shard.parentShardId) : undefined;
        if (parent && !isFinished(parent)) continue;
        if (isFinished(shard)) continue;
        yield shard;
      }
    },
    async fetch(shard) {
      shard.iterator ??= await iteratorFor(shard);
      if (!shard.iterator) {
        shard.ended = true;
        return { read: 0, kept: 0 };
      }
      try {
        const page = await streams.send(
          new GetRecordsCommand({ ShardIterator: shard.iterator, Limit: 1000 }),
        );
        const records = (page.Records ?? []).filter(
          (record) =>
            (!shard.checkpoint ||
              BigInt(record.dynamodb?.SequenceNumber ?? '0') > BigInt(shard.checkpoint)) &&
            passesFilters(options.filters, lambdaRecord(record)),
        );
        shard.buffer.push(...records);
        shard.iterator = page.NextShardIterator;
        if (!page.NextShardIterator) shard.ended = true;
        return { read: page.Records?.length ?? 0, kept: records.length };
      } catch (error) {
        if (
          errorName(error) === 'ExpiredIteratorException' ||
          errorName(error) === 'TrimmedDataAccessException'
        ) {
          shard.iterator = undefined;
          return { read: 0, kept: 0 };
        }
        throw error;
      }
    },
    advance(shard, count) {
      const done = shard.buffer.splice(0, count);
      const last = done.at(-1)?.dynamodb?.SequenceNumber;
      if (last) {
        shard.checkpoint = last;
        dirty = true;
      }
    },
    finished() {
      dirty = true;
      lastDescribe = 0;
    },
    persist() {
      if (!options.checkpointFile || !streamArn || !dirty) return;
      const file: CheckpointFile = { streamArn, shards: {} };
      for (const shard of shards.values()) {
        file.shards[shard.shardId] = {
          ...(shard.checkpoint ? { sequenceNumber: shard.checkpoint } : {}),
          ...(isFinished(shard) ? { ended: true } : {}),
        };
      }
      writeFileSync(options.checkpointFile, `${JSON.stringify(file, null, 2)}\n`);
      saved = file;
      dirty = false;
    },
    forgetStream() {
      streamArn = undefined;
    },
    toLambdaRecord: lambdaRecord,
    close() {
      dynamo.destroy();
      streams.destroy();
    },
  };
}

/** How a shard's failing batch is being retried. */
interface RetryState {
  /** Sequence number at the head of the failing batch, and how often it has been tried. */
  failingSequence: string | undefined;
  attempts: number;
  /** Epoch ms before which the shard's next batch is not delivered. */
  retryAt: number;
  /** Current batch size limit: `batchSize`, halved per thrown error when bisecting. */
  batchLimit: number;
}

/** What one invocation of the function with a batch came to. */
type BatchOutcome =
  | { readonly kind: 'ok'; readonly ms: number }
  /** `failedIndex`: the first record to retry (0 when the function threw or named an unknown record). */
  | {
      readonly kind: 'failed';
      readonly failedIndex: number;
      readonly reason: string;
      readonly threw: boolean;
    }
  /** The handler module does not exist (yet): the batch counts as delivered. */
  | { readonly kind: 'no-handler' };

/**
 * Invokes the function with a shard's buffered records, in batches, as the event source mapping does:
 * `batchItemFailures`, bisecting on thrown errors, retries with backoff (250 ms doubling up to 2 s), and after
 * `maxRetries` retries the failing records to the failure list.
 */
interface BatchDeliverer {
  /** Delivers the shard's buffered records until the buffer is empty, a retry must wait, or `signal` aborts. */
  deliver(shard: ShardState, signal: AbortSignal): Promise<void>;
  /** Whether the shard has buffered records that may be delivered now (no retry waiting). */
  isDue(shard: ShardState): boolean;
  /** Batches that exhausted their retries, oldest first. */
  readonly failures: readonly FailedBatch[];
}

function createBatchDeliverer(
  options: Pick<
    StreamPollerOptions,
    'handlerEntry' | 'functionName' | 'batchSize' | 'maxRetries' | 'bisectBatchOnError' | 'log' | 'logError'
  >,
  reader: Pick<ShardReader, 'advance' | 'toLambdaRecord'>,
): BatchDeliverer {
  const batchSize = options.batchSize ?? 10;
  const maxRetries = options.maxRetries ?? 5;
  const bisect = options.bisectBatchOnError ?? true;
  const { functionName } = options;
  const failures: FailedBatch[] = [];
  const retries = new WeakMap<ShardState, RetryState>();
  let missingHandlerWarned = false;

  function retryOf(shard: ShardState): RetryState {
    let retry = retries.get(shard);
    if (!retry) {
      retry = { failingSequence: undefined, attempts: 0, retryAt: 0, batchLimit: batchSize };
      retries.set(shard, retry);
    }
    return retry;
  }

  /** Back to full batches with no failure pending (`retryAt` is in the past already). */
  function startOver(retry: RetryState): void {
    retry.failingSequence = undefined;
    retry.attempts = 0;
    retry.batchLimit = batchSize;
  }

  async function invoke(batch: _Record[]): Promise<BatchOutcome> {
    const event: DynamoDBStreamEvent = { Records: batch.map((record) => reader.toLambdaRecord(record)) };
    const started = performance.now();
    try {
      const handler = await loadHandler(options.handlerEntry);
      const response = (await handler(event, lambdaContext(functionName, 60_000))) as
        | DynamoDBBatchResponse
        | undefined;
      const identifiers = (response?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier);
      if (identifiers.length === 0) return { kind: 'ok', ms: Math.round(performance.now() - started) };
      const indexes = identifiers.map((id) => batch.findIndex((r) => r.dynamodb?.SequenceNumber === id));
      const unknown = indexes.some((index) => index < 0);
      return {
        kind: 'failed',
        failedIndex: unknown ? 0 : Math.min(...indexes),
        reason: unknown
          ? `unknown itemIdentifier in batchItemFailures: ${identifiers.join(', ')}`
          : `batchItemFailures: ${identifiers.join(', ')}`,
        threw: false,
      };
    } catch (error) {
      if (error instanceof HandlerNotFoundError) {
        if (!missingHandlerWarned) {
          options.logError(`${functionName}: ${error.message}; stream records are skipped until it exists`);
          missingHandlerWarned = true;
        }
        return { kind: 'no-handler' };
      }
      options.logError(`${functionName} threw on a batch of ${batch.length}`, error);
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      return { kind: 'failed', failedIndex: 0, reason, threw: true };
    }
  }

  /** Gives the failing head of the buffer to the failure list. */
  function giveUp(shard: ShardState, records: _Record[], attempts: number, reason: string): void {
    const sequenceOf = (record: _Record | undefined) => record?.dynamodb?.SequenceNumber ?? '';
    const failed: FailedBatch = {
      shardId: shard.shardId,
      startSequenceNumber: sequenceOf(records[0]),
      endSequenceNumber: sequenceOf(records.at(-1)),
      batchSize: records.length,
      attempts,
      reason,
      failedAt: new Date().toISOString(),
      records: records.map((record) => reader.toLambdaRecord(record)),
    };
    failures.push(failed);
    options.logError(
      `${functionName}: records ${failed.startSequenceNumber}..${failed.endSequenceNumber} failed ` +
        `${failed.attempts} times (${reason}); sent to the on-failure list and skipped`,
    );
  }

  /**
   * After a failed batch: records before `failedIndex` count as delivered; the rest of the batch is retried later,
   * or given up on after `maxRetries` retries. Returns whether the shard must wait for the retry.
   */
  function retryOrGiveUp(
    shard: ShardState,
    retry: RetryState,
    batch: _Record[],
    failedIndex: number,
    reason: string,
  ): boolean {
    reader.advance(shard, failedIndex);
    const head = shard.buffer[0]?.dynamodb?.SequenceNumber;
    retry.attempts = head === retry.failingSequence ? retry.attempts + 1 : 1;
    retry.failingSequence = head;
    if (retry.attempts > maxRetries) {
      const rest = batch.length - failedIndex;
      giveUp(shard, shard.buffer.slice(0, rest), retry.attempts, reason);
      reader.advance(shard, rest);
      startOver(retry);
      return false;
    }
    options.log(`${functionName}: retry ${retry.attempts}/${maxRetries} from ${head} (${reason})`);
    retry.retryAt = Date.now() + Math.min(250 * 2 ** (retry.attempts - 1), 2000);
    return true;
  }

  return {
    async deliver(shard, signal) {
      const retry = retryOf(shard);
      while (shard.buffer.length > 0 && !signal.aborted) {
        if (Date.now() < retry.retryAt) return;
        const batch = shard.buffer.slice(0, retry.batchLimit);
        const outcome = await invoke(batch);
        if (outcome.kind === 'no-handler') {
          reader.advance(shard, batch.length);
        } else if (outcome.kind === 'ok') {
          options.log(
            `${functionName}: ${batch.length} record(s) ${batch.map((r) => r.eventName).join(',')} ok ${outcome.ms}ms`,
          );
          reader.advance(shard, batch.length);
          startOver(retry);
        } else {
          if (outcome.threw && bisect) retry.batchLimit = Math.max(1, Math.ceil(batch.length / 2));
          if (retryOrGiveUp(shard, retry, batch, outcome.failedIndex, outcome.reason)) return;
        }
      }
    },
    isDue: (shard) => shard.buffer.length > 0 && retryOf(shard).retryAt <= Date.now(),
    get failures() {
      return failures;
    },
  };
}

/** Numbers the poll passes and resolves each `drained()` waiter at the first idle pass that started after it. */
function createDrainWaiters() {
  let passNumber = 0;
  const waiters: { after: number; resolve: () => void }[] = [];
  return {
    /** A pass begins; returns its number. */
    passStarted: () => ++passNumber,
    /** Pass `number` found nothing to do: every waiter registered before it started is resolved. */
    passIdle(number: number): void {
      for (const waiter of waiters.filter((w) => w.after < number)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    },
    /** @throws Error after `timeoutMs` */
    wait(timeoutMs: number): Promise<void> {
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
  };
}

/** Starts polling; the first pass begins immediately. */
export function startStreamPoller(options: StreamPollerOptions): StreamPoller {
  const pollIntervalMs = options.pollIntervalMs ?? 250;
  const reader = createShardReader(options);
  const deliverer = createBatchDeliverer(options, reader);
  const waiters = createDrainWaiters();
  const stopping = new AbortController();

  /**
   * One pass over the readable shards: fetch when a buffer is empty, deliver what is buffered. `idle`: nothing was
   * read or delivered; `read`: the stream returned records (there may be more right behind them).
   */
  async function pass(): Promise<{ idle: boolean; read: boolean }> {
    await reader.refreshShards();
    let idle = true;
    let read = false;
    for (const shard of reader.readableShards()) {
      if (shard.buffer.length === 0 && (await reader.fetch(shard)).read > 0) {
        idle = false;
        read = true;
      }
      if (shard.buffer.length > 0) {
        idle = false;
        await deliverer.deliver(shard, stopping.signal);
      }
      if (isFinished(shard)) reader.finished(shard);
    }
    reader.persist();
    return { idle, read };
  }

  const loop = (async () => {
    while (!stopping.signal.aborted) {
      const number = waiters.passStarted();
      let read = false;
      try {
        const outcome = await pass();
        read = outcome.read;
        if (outcome.idle) waiters.passIdle(number);
      } catch (error) {
        if (errorName(error) === 'ResourceNotFoundException') {
          // The table or its stream was re-created: start over on the new stream.
          reader.forgetStream();
        } else {
          options.logError('stream poller: pass failed', error);
        }
      }
      if (stopping.signal.aborted) break;
      // Straight on when the stream returned records (more may follow, as Lambda's poller reads on while there
      // are) or a batch waits for nothing (the buffer held more than one batch); else pause.
      if (!read && ![...reader.shards()].some((shard) => deliverer.isDue(shard))) await sleep(pollIntervalMs);
    }
  })();

  return {
    get failures() {
      return deliverer.failures;
    },
    drained: (timeoutMs = 30_000) => waiters.wait(timeoutMs),
    async stop() {
      stopping.abort();
      await loop;
      reader.persist();
      reader.close();
    },
  };
}
