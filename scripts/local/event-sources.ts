/**
 * The local event sources: what invokes a function other than an HTTP request. Each entry of
 * `localEventSources` adapts an emulator's events to one `EventSource` of the service, as the deployed event
 * source mapping or bucket notification does; `startLocalStack` starts every entry.
 *
 * A new source (a schedule, a queue) is one more adapter and one more entry in the list: `drained()` and
 * `POST /_local/drain` then wait for it too, and its failures appear under its key in `LocalStack.failures`
 * and `GET /_local/failures`.
 */
import path from 'node:path';
import type S3rver from 's3rver';
import {
  tableMaintenanceDelivery,
  tableMaintenanceFilters,
  tableMaintenanceSource,
} from '#shared/dashboard/stream.ts';
import { IMAGE_KEY_PREFIX } from '#shared/images/object-key.ts';
import { imageUploadedSource } from '#shared/images/routes.ts';
import { deliveryQueueSettings } from '#shared/notifications/delivery-queue.ts';
import { streamFilterPatterns } from '#shared/notifications/plan.ts';
import { notifierSource, senderSource } from '#shared/notifications/routes.ts';
import type { EventSource } from '#shared/platform/route-table.ts';
import type { LocalDeliveries } from './deliveries.ts';
import { type FailedQueueInvocation, startQueuePoller } from './queue-poller.ts';
import { createS3EventDispatcher, type FailedS3Invocation } from './s3-events.ts';
import { type FailedBatch, startStreamPoller } from './stream-poller.ts';
import type { Teardown } from './teardown.ts';

/** What the stack hands every adapter; the table, user pool and handler environment exist already. */
export interface EventSourceContext {
  readonly tableName: string;
  readonly bucket: string;
  /** Emulator base URLs (SDK endpoints), e.g. `dynamodb: 'http://127.0.0.1:8000'`. */
  readonly urls: {
    readonly dynamodb: string;
    readonly s3: string;
    readonly ses: string;
    readonly sns: string;
    readonly sqs: string;
  };
  /** The delivery queues and their settings; the sender's source registers its poller here. */
  readonly deliveries: LocalDeliveries;
  /** The region of the SDK clients and of the event records. */
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** Where an adapter may keep state across runs (checkpoints): the state directory, or null when ephemeral. */
  readonly checkpointDir: string | null;
  /** The in-process S3 emulator; emits `event` (`{ Records }`) per stored or deleted object. */
  readonly s3: S3rver;
  /** Progress lines (one per invocation); already silent when `quiet`. */
  readonly log: (line: string) => void;
  readonly logError: (line: string, error?: unknown) => void;
  /** Only errors are to be printed. */
  readonly quiet: boolean;
}

/** One started event source. */
export interface RunningEventSource<Failure = unknown> {
  /**
   * Resolves once every event that reached this source before the call was delivered (or given up on).
   * @throws Error after `timeoutMs` ms
   */
  drained(timeoutMs: number): Promise<void>;
  /**
   * Push sources only (events handed over by an emulator): whether no invocation is running or waiting for a
   * retry, known at once. A polling source leaves it out: only a pass over its source tells, which `drained`
   * does.
   */
  isIdle?(): boolean;
  /** What exhausted its retries (the on-failure destination), oldest first. */
  readonly failures: readonly Failure[];
  /** Stops taking events and waits for the invocations under way. */
  stop(): Promise<void>;
}

/** An adapter: how one function of the service is invoked by local events. */
export interface LocalEventSource<Key extends string = string, Failure = unknown> {
  /** Key of its failures in `LocalStack.failures` and `GET /_local/failures`. */
  readonly key: Key;
  /** The function it invokes: `id` is the local function name, `entry` the handler module. */
  readonly source: EventSource;
  start(context: EventSourceContext): RunningEventSource<Failure>;
}

/** The table's stream → the notifier, with the deployed mapping's filter patterns (`stream-poller.ts`). */
export const tableStreamEvents: LocalEventSource<'stream', FailedBatch> = {
  key: 'stream',
  source: notifierSource,
  start: (context) =>
    startStreamPoller({
      tableName: context.tableName,
      handlerEntry: notifierSource.entry,
      functionName: notifierSource.id,
      filters: streamFilterPatterns,
      endpoint: context.urls.dynamodb,
      region: context.region,
      credentials: context.credentials,
      checkpointFile:
        context.checkpointDir === null
          ? undefined
          : path.join(context.checkpointDir, 'stream-checkpoints.json'),
      log: context.log,
      logError: context.logError,
    }),
};

/**
 * The table's stream → the table-maintenance consumer (dashboard counters, cleanup after a deleted ticket; a second
 * reader of the same stream, as in AWS), with the deployed mapping's filters (a ticket's or optics request's INSERT,
 * MODIFY and REMOVE), batch size and retries; its own checkpoints (the file keeps its old name, so a persistent
 * local stack goes on from where it was).
 */
export const ticketRemovedEvents: LocalEventSource<'ticketCleanup', FailedBatch> = {
  key: 'ticketCleanup',
  source: tableMaintenanceSource,
  start: (context) =>
    startStreamPoller({
      tableName: context.tableName,
      handlerEntry: tableMaintenanceSource.entry,
      functionName: tableMaintenanceSource.id,
      filters: tableMaintenanceFilters,
      batchSize: tableMaintenanceDelivery.batchSize,
      maxRetries: tableMaintenanceDelivery.retryAttempts,
      bisectBatchOnError: tableMaintenanceDelivery.bisectBatchOnError,
      endpoint: context.urls.dynamodb,
      region: context.region,
      credentials: context.credentials,
      checkpointFile:
        context.checkpointDir === null
          ? undefined
          : path.join(context.checkpointDir, 'ticket-removed-checkpoints.json'),
      log: context.log,
      logError: context.logError,
    }),
};

/**
 * The delivery queue → the sender, as the deployed SQS event source mapping (`senderSettings`: batch size, partial
 * batch responses); in its own worker process when `isolatedSender` (so a test can crash it mid-send).
 */
export const deliveryQueueEvents: LocalEventSource<'deliveries', FailedQueueInvocation> = {
  key: 'deliveries',
  source: senderSource,
  start(context) {
    const { deliveries } = context;
    const poller = startQueuePoller({
      queueUrl: deliveries.queues.queueUrl,
      queueArn: deliveries.queues.queueArn,
      handlerEntry: senderSource.entry,
      functionName: senderSource.id,
      batchSize: deliveryQueueSettings.batchSize,
      functionTimeoutMs: deliveries.settings.senderTimeoutSeconds * 1000,
      isolated: deliveries.settings.isolatedSender,
      region: context.region,
      endpoint: deliveries.sqsUrl,
      credentials: context.credentials,
      log: context.log,
      logError: context.logError,
    });
    deliveries.poller = poller;
    return poller;
  },
};

/** Rejects with `message` when `promise` has not settled within `timeoutMs`. */
function withTimeout(promise: Promise<void>, timeoutMs: number, message: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(message)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** s3rver's object-created events under the image prefix → the image check (`s3-events.ts`). */
export const imageUploadEvents: LocalEventSource<'s3', FailedS3Invocation> = {
  key: 's3',
  source: imageUploadedSource,
  start(context) {
    const dispatcher = createS3EventDispatcher({
      handlerEntry: imageUploadedSource.entry,
      functionName: imageUploadedSource.id,
      region: context.region,
      prefix: IMAGE_KEY_PREFIX,
      log: context.log,
      logError: context.logError,
    });
    context.s3.on('event', dispatcher.dispatch);
    return {
      isIdle: dispatcher.isIdle,
      drained: (timeoutMs) =>
        withTimeout(dispatcher.idle(), timeoutMs, `The S3 events did not drain within ${timeoutMs} ms`),
      get failures() {
        return dispatcher.failures;
      },
      async stop() {
        context.s3.off('event', dispatcher.dispatch);
        await dispatcher.idle();
      },
    };
  },
};

/** Every local event source, started in this order and stopped in reverse. */
export const localEventSources = [
  tableStreamEvents,
  ticketRemovedEvents,
  deliveryQueueEvents,
  imageUploadEvents,
] as const;

/** Per key of `List`, that source's failures. */
export type EventSourceFailures<List extends readonly LocalEventSource[]> = {
  readonly [Entry in List[number] as Entry['key']]: ReturnType<Entry['start']>['failures'];
};

/**
 * The failures of `localEventSources`:
 * `{ stream: FailedBatch[], ticketCleanup: FailedBatch[], deliveries: FailedQueueInvocation[], s3: FailedS3Invocation[] }`.
 */
export type LocalEventSourceFailures = EventSourceFailures<typeof localEventSources>;

/** Every source of a list, running. */
export interface RunningEventSources<Failures> {
  /**
   * Resolves once the events raised so far were delivered (or given up on), including the events those
   * invocations raised in turn.
   * @throws Error after `timeoutMs` (default 30 s)
   */
  drained(timeoutMs?: number): Promise<void>;
  /** Per source key, its (live) failure list. */
  readonly failures: Failures;
}

/**
 * Waits for every source: the push sources first, then the polling ones (which pick up what the push sources'
 * functions wrote), again while a push source got new events meanwhile.
 */
async function drainAll(running: readonly RunningEventSource[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const remaining = () => Math.max(1, deadline - Date.now());
  const push = running.filter((source) => source.isIdle !== undefined);
  const polled = running.filter((source) => source.isIdle === undefined);
  for (;;) {
    for (const source of push) await source.drained(remaining());
    for (const source of polled) await source.drained(remaining());
    if (push.every((source) => source.isIdle?.() ?? true)) return;
  }
}

/**
 * Starts every source of `list` in order, each registered with `teardown` as soon as it runs (so they stop in
 * reverse order).
 * @throws Error when two entries share a key; whatever an adapter's `start` throws
 */
export function startEventSources<const List extends readonly LocalEventSource[]>(
  list: List,
  context: EventSourceContext,
  teardown: Teardown,
): RunningEventSources<EventSourceFailures<List>> {
  const running: RunningEventSource[] = [];
  const failures: Record<string, readonly unknown[]> = {};
  for (const entry of list) {
    if (Object.hasOwn(failures, entry.key))
      throw new Error(`Two local event sources use the key ${entry.key}`);
    const source = entry.start(context);
    teardown.add(() => source.stop());
    running.push(source);
    Object.defineProperty(failures, entry.key, { enumerable: true, get: () => source.failures });
  }
  return {
    drained: (timeoutMs = 30_000) => drainAll(running, timeoutMs),
    failures: failures as EventSourceFailures<List>,
  };
}
