/**
 * The local SQS event source mapping: polls a queue of the local SQS and invokes a function with real `SQSEvent`
 * batches, as Lambda's event source mapping does ("Using Lambda with Amazon SQS", Lambda developer guide):
 *
 * - long polls `ReceiveMessage` (up to `batchSize` ≤ 10 messages, every system attribute and message attribute);
 *   records shaped exactly like Lambda's (`messageId`, `receiptHandle`, `body`, `attributes`, `messageAttributes`
 *   with `stringValue`/`binaryValue` (base64) and empty `stringListValues`/`binaryListValues`, `md5OfBody`,
 *   `eventSource: 'aws:sqs'`, `eventSourceARN`, `awsRegion`);
 * - `ReportBatchItemFailures` ("Handling errors for an SQS event source in Lambda"): a success without
 *   `batchItemFailures` (or with an empty or null list, or a null response) deletes the whole batch
 *   (`DeleteMessageBatch`); `batchItemFailures: [{ itemIdentifier: <messageId> }]` deletes every other message; an
 *   empty, null or unknown `itemIdentifier` (or a `batchItemFailures` that is not a list) fails the whole batch;
 * - a thrown error, a timeout or a crash of the function deletes nothing.
 * Messages not deleted reappear when their visibility timeout ends (the queue's, or whatever the function set with
 * `ChangeMessageVisibility`; this poller never changes visibility), and SQS moves a message to the dead-letter queue
 * after `maxReceiveCount` receives. Delivery is at least once.
 *
 * `isolated: true` runs the function in its own worker process (`function-worker.ts`): a warm execution
 * environment that `crash()` can kill mid-invocation and that a timeout ends; else it runs in this process (where a
 * timeout abandons the invocation without stopping it).
 *
 * Not reproduced: concurrency (one batch at a time per poller; Lambda scales pollers up to the function's
 * concurrency), the batching window, batches above 10, `ScalingConfig`, and event filtering.
 */
import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  type Message,
  type MessageAttributeValue,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSMessageAttribute, SQSRecord, SQSRecordAttributes } from 'aws-lambda';
import type { RunningEventSource } from './event-sources.ts';
import { createFunctionWorker, FunctionTimeoutError, RuntimeExitError } from './function-worker.ts';
import { HandlerNotFoundError, lambdaContext, loadHandler } from './lambda-runtime.ts';

export interface QueuePollerOptions {
  readonly queueUrl: string;
  /** ARN of the queue, the records' `eventSourceARN`. */
  readonly queueArn: string;
  /** Entry module of the consumer, relative to the repository root (e.g. `senderSource.entry`). */
  readonly handlerEntry: string;
  /** Lambda function name reported in the context and the failures. */
  readonly functionName: string;
  /** Messages per invocation (the mapping's `BatchSize`), 1..10, default 10. */
  readonly batchSize?: number;
  /** Whether the mapping has `FunctionResponseTypes: ['ReportBatchItemFailures']`, default true. */
  readonly reportBatchItemFailures?: boolean;
  readonly region: string;
  /** SQS endpoint, e.g. `LocalSqs.url`. */
  readonly endpoint: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** The function timeout, ms: `getRemainingTimeInMillis()` counts down from it; past it the invocation fails. */
  readonly functionTimeoutMs: number;
  /** Run the function in its own worker process (see `function-worker.ts`) rather than in this process. */
  readonly isolated: boolean;
  /** Pause after a `ReceiveMessage` that failed (the queue or the emulator gone), default 250 ms. */
  readonly pollIntervalMs?: number;
  readonly log: (line: string) => void;
  readonly logError: (line: string, error?: unknown) => void;
}

/** An invocation that failed as a whole: its batch was left on the queue (nothing deleted). */
export interface FailedQueueInvocation {
  readonly functionName: string;
  /** The batch's message ids, in batch order. */
  readonly messageIds: readonly string[];
  /**
   * `error`: the function threw; `timeout`: it ran past `functionTimeoutMs`; `crash`: its worker died;
   * `invalid-response`: `batchItemFailures` named an empty or unknown item identifier.
   */
  readonly kind: 'error' | 'timeout' | 'crash' | 'invalid-response';
  /** `<error name>: <message>`. */
  readonly reason: string;
  /** ISO 8601. */
  readonly failedAt: string;
}

/** Message counts of the queue (and of its dead-letter queue), as `GetQueueAttributes` reports them. */
export interface QueueStats {
  /** `ApproximateNumberOfMessages`: ready to be received. */
  readonly visible: number;
  /** `ApproximateNumberOfMessagesNotVisible`: received and neither deleted nor visible again (in flight or waiting). */
  readonly notVisible: number;
  /** `ApproximateNumberOfMessagesDelayed`. */
  readonly delayed: number;
  /** Every message of the redrive policy's dead-letter queue; absent when the queue has no redrive policy. */
  readonly deadLetters?: number;
}

export interface RunningQueuePoller extends RunningEventSource<FailedQueueInvocation> {
  /**
   * Resolves once, checked after the call, no message of the queue is visible and no batch is in hand (being
   * invoked or deleted), and, when some message is in flight, the `ReceiveMessage` under way at the call has
   * returned (it may hold messages sent before the call; at most its 1 s long poll). Messages hidden while they
   * wait out a retry delay (`notVisible`) or delayed do not hold it up, so an outage does not make it wait for
   * hours. An idle, empty queue resolves at once (one `GetQueueAttributes`).
   * @throws Error after `timeoutMs` (default 30 s), or at once when the poller is stopped
   */
  drained(timeoutMs?: number): Promise<void>;
  /** Invocations that failed as a whole (thrown, timed out, crashed, invalid response), oldest first. */
  readonly failures: readonly FailedQueueInvocation[];
  /** The invocation under way: epoch ms it started and its batch's message ids; `undefined` between invocations. */
  runningInvocation(): { readonly startedAt: number; readonly messageIds: readonly string[] } | undefined;
  /**
   * Isolated mode: SIGKILLs the worker while an invocation runs (a Lambda runtime crash: the batch is not deleted,
   * its messages come back after their visibility timeout; the next invocation starts a fresh worker).
   * @returns the killed pid, or `undefined` when no invocation runs or the poller is not isolated
   */
  crash(): number | undefined;
  /** pid of the isolated worker, `undefined` when none runs (or in-process mode). */
  workerPid(): number | undefined;
  /** Current message counts. @throws the SDK's error (e.g. `QueueDoesNotExist`) */
  stats(): Promise<QueueStats>;
  /**
   * Stops polling, waits for the running invocation (and its deletes), ends the worker. Idempotent. The long poll
   * under way is aborted: a message arriving in that last second may stay hidden for its visibility timeout, as
   * with any consumer that goes away.
   */
  stop(): Promise<void>;
}

/** What one invocation came to. */
export type BatchOutcome =
  | { readonly kind: 'ok' }
  | { readonly kind: 'partial'; readonly failed: ReadonlySet<string> }
  | { readonly kind: 'failed'; readonly failure: FailedQueueInvocation['kind']; readonly reason: string }
  | { readonly kind: 'no-handler'; readonly message: string };

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });

const describeError = (error: unknown) =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

/** A message attribute in Lambda's shape (binary values base64; the list values are reserved, always empty). */
function toLambdaMessageAttribute(value: MessageAttributeValue): SQSMessageAttribute {
  return {
    ...(value.StringValue !== undefined ? { stringValue: value.StringValue } : {}),
    ...(value.BinaryValue !== undefined
      ? { binaryValue: Buffer.from(value.BinaryValue).toString('base64') }
      : {}),
    stringListValues: value.StringListValues ?? [],
    binaryListValues: (value.BinaryListValues ?? []).map((bytes) => Buffer.from(bytes).toString('base64')),
    dataType: value.DataType ?? 'String',
  };
}

/** One received message in the shape Lambda delivers it. */
export function toLambdaSqsRecord(message: Message, queueArn: string, region: string): SQSRecord {
  const record: SQSRecord = {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    // Every system attribute SQS returned for `All`: ApproximateReceiveCount, SentTimestamp, SenderId,
    // ApproximateFirstReceiveTimestamp, and AWSTraceHeader or the FIFO ones when present.
    attributes: { ...message.Attributes } as unknown as SQSRecordAttributes,
    messageAttributes: Object.fromEntries(
      Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
        name,
        toLambdaMessageAttribute(value),
      ]),
    ),
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: region,
  };
  if (message.MD5OfMessageAttributes) record.md5OfMessageAttributes = message.MD5OfMessageAttributes;
  return record;
}

/**
 * Reads a response as Lambda does with `ReportBatchItemFailures`: success for a null response, one without
 * `batchItemFailures` or with a null or empty list; the named messages failed; the whole batch failed for a list
 * that is not a list or names an empty, missing or unknown identifier.
 */
export function judgeBatchResponse(response: unknown, messageIds: readonly string[]): BatchOutcome {
  if (response === null || typeof response !== 'object') return { kind: 'ok' };
  const failures = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return { kind: 'ok' };
  if (!Array.isArray(failures))
    return { kind: 'failed', failure: 'invalid-response', reason: 'batchItemFailures is not a list' };
  if (failures.length === 0) return { kind: 'ok' };
  const known = new Set(messageIds);
  const failed = new Set<string>();
  for (const failure of failures) {
    const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || id === '' || !known.has(id)) {
      return {
        kind: 'failed',
        failure: 'invalid-response',
        reason: `batchItemFailures names an invalid itemIdentifier: ${JSON.stringify(id ?? null)}`,
      };
    }
    failed.add(id);
  }
  return { kind: 'partial', failed };
}

/** Runs the function with one event: in this process, or in its worker. */
interface Invoker {
  /** @throws what the function threw, `FunctionTimeoutError`, `RuntimeExitError`, `HandlerNotFoundError` */
  invoke(event: SQSEvent): Promise<unknown>;
  crash(): number | undefined;
  pid(): number | undefined;
  close(): Promise<void>;
}

function inProcessInvoker(options: QueuePollerOptions): Invoker {
  return {
    async invoke(event) {
      const handler = await loadHandler(options.handlerEntry);
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(
          () => reject(new FunctionTimeoutError(options.functionName, options.functionTimeoutMs)),
          options.functionTimeoutMs,
        );
      });
      // In this process a timed-out invocation cannot be stopped: it is abandoned (and may still finish).
      const running = handler(event, lambdaContext(options.functionName, options.functionTimeoutMs));
      running.catch(() => {});
      try {
        return await Promise.race([running, timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
    crash: () => undefined,
    pid: () => undefined,
    close: async () => {},
  };
}

function workerInvoker(options: QueuePollerOptions): Invoker {
  const worker = createFunctionWorker({
    handlerEntry: options.handlerEntry,
    functionName: options.functionName,
  });
  return {
    invoke: (event) => worker.invoke(event, options.functionTimeoutMs),
    crash: () => worker.crash(),
    pid: () => worker.pid,
    close: () => worker.stop(),
  };
}

/** `ApproximateNumberOf*` of a queue. */
async function queueCounts(
  sqs: SQSClient,
  queueUrl: string,
): Promise<{ visible: number; notVisible: number; delayed: number; redrivePolicy: string | undefined }> {
  const { Attributes: attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: [
        'ApproximateNumberOfMessages',
        'ApproximateNumberOfMessagesNotVisible',
        'ApproximateNumberOfMessagesDelayed',
        'RedrivePolicy',
      ],
    }),
  );
  return {
    visible: Number(attributes.ApproximateNumberOfMessages ?? 0),
    notVisible: Number(attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
    delayed: Number(attributes.ApproximateNumberOfMessagesDelayed ?? 0),
    redrivePolicy: attributes.RedrivePolicy,
  };
}

/**
 * Starts polling `queueUrl`; the first `ReceiveMessage` goes out at once.
 * @throws RangeError when `batchSize` is not 1..10
 */
export function startQueuePoller(options: QueuePollerOptions): RunningQueuePoller {
  const batchSize = options.batchSize ?? 10;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10)
    throw new RangeError(`batchSize must be 1..10 (one ReceiveMessage), not ${batchSize}`);
  const reportBatchItemFailures = options.reportBatchItemFailures ?? true;
  const pollIntervalMs = options.pollIntervalMs ?? 250;
  const { functionName, queueUrl } = options;
  const sqs = new SQSClient({
    endpoint: options.endpoint,
    region: options.region,
    credentials: options.credentials,
  });
  const invoker = options.isolated ? workerInvoker(options) : inProcessInvoker(options);
  const failures: FailedQueueInvocation[] = [];
  const stopping = new AbortController();
  let stopped: Promise<void> | undefined;

  /** Number of `ReceiveMessage` calls started, and of those that returned (successfully or not). */
  let receivesStarted = 0;
  let receivesReturned = 0;
  /** Whether a `ReceiveMessage` is under way. */
  let receiving = false;
  /** The batch in hand (from its receive's return to the end of its deletes), and its invocation. */
  let batchInHand = false;
  let running: { startedAt: number; messageIds: readonly string[] } | undefined;
  let missingHandlerWarned = false;
  let lastReceiveError: string | undefined;
  /** URL of the dead-letter queue, looked up once from the redrive policy's ARN. */
  let deadLetterQueue: { arn: string; url: string } | undefined;

  async function invoke(event: SQSEvent, messageIds: readonly string[]): Promise<BatchOutcome> {
    running = { startedAt: Date.now(), messageIds };
    try {
      const response = await invoker.invoke(event);
      return reportBatchItemFailures ? judgeBatchResponse(response, messageIds) : { kind: 'ok' };
    } catch (error) {
      if (error instanceof HandlerNotFoundError) return { kind: 'no-handler', message: error.message };
      const failure =
        error instanceof FunctionTimeoutError
          ? 'timeout'
          : error instanceof RuntimeExitError
            ? 'crash'
            : 'error';
      options.logError(`${functionName} failed on a batch of ${messageIds.length} (${failure})`, error);
      return { kind: 'failed', failure, reason: describeError(error) };
    } finally {
      running = undefined;
    }
  }

  /** Deletes the messages of the batch that succeeded, 10 per `DeleteMessageBatch`. */
  async function deleteMessages(messages: readonly Message[]): Promise<void> {
    for (let start = 0; start < messages.length; start += 10) {
      const chunk = messages.slice(start, start + 10);
      try {
        const result = await sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: chunk.map((message, index) => ({
              Id: `m${start + index}`,
              ReceiptHandle: message.ReceiptHandle,
            })),
          }),
        );
        for (const failed of result.Failed ?? [])
          options.logError(
            `${functionName}: could not delete message ${failed.Id}: ${failed.Code} ${failed.Message}`,
          );
      } catch (error) {
        // The messages come back after their visibility timeout: delivered again (at least once).
        options.logError(`${functionName}: DeleteMessageBatch failed`, error);
      }
    }
  }

  /** Invokes the function with one batch and deletes what succeeded. */
  async function deliver(messages: readonly Message[]): Promise<void> {
    const records = messages.map((message) => toLambdaSqsRecord(message, options.queueArn, options.region));
    const messageIds = records.map((record) => record.messageId);
    const started = performance.now();
    const outcome = await invoke({ Records: records }, messageIds);
    const ms = Math.round(performance.now() - started);
    switch (outcome.kind) {
      case 'ok':
        await deleteMessages(messages);
        options.log(`${functionName}: ${messages.length} message(s) ok ${ms}ms`);
        return;
      case 'partial': {
        await deleteMessages(messages.filter((message) => !outcome.failed.has(message.MessageId ?? '')));
        options.log(
          `${functionName}: ${outcome.failed.size} of ${messages.length} message(s) failed ${ms}ms ` +
            '(batchItemFailures; left for their visibility timeout)',
        );
        return;
      }
      case 'failed':
        failures.push({
          functionName,
          messageIds,
          kind: outcome.failure,
          reason: outcome.reason,
          failedAt: new Date().toISOString(),
        });
        return;
      case 'no-handler':
        // Left on the queue: they come back after the visibility timeout and end in the dead-letter queue.
        if (!missingHandlerWarned)
          options.logError(`${functionName}: ${outcome.message}; its messages are left on the queue`);
        missingHandlerWarned = true;
        return;
    }
  }

  async function receive(): Promise<Message[] | undefined> {
    receivesStarted++;
    receiving = true;
    try {
      const result = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: batchSize,
          // Short long polls: new messages come at once, and a stop or a drain never waits long.
          WaitTimeSeconds: 1,
          MessageSystemAttributeNames: ['All'],
          MessageAttributeNames: ['All'],
        }),
        { abortSignal: stopping.signal },
      );
      lastReceiveError = undefined;
      const messages = result.Messages ?? [];
      // In hand before the receive counts as returned, so `drained` always sees these messages somewhere.
      if (messages.length > 0) batchInHand = true;
      return messages;
    } catch (error) {
      if (stopping.signal.aborted) return undefined;
      const text = describeError(error);
      if (text !== lastReceiveError) options.logError(`${functionName}: ReceiveMessage failed`, error);
      lastReceiveError = text;
      await sleep(pollIntervalMs, stopping.signal);
      return undefined;
    } finally {
      receiving = false;
      receivesReturned++;
    }
  }

  const loop = (async () => {
    while (!stopping.signal.aborted) {
      const messages = await receive();
      if (!messages || messages.length === 0) continue;
      try {
        await deliver(messages);
      } finally {
        batchInHand = false;
      }
    }
  })();

  async function stats(): Promise<QueueStats> {
    const counts = await queueCounts(sqs, queueUrl);
    const base = { visible: counts.visible, notVisible: counts.notVisible, delayed: counts.delayed };
    if (!counts.redrivePolicy) return base;
    const arn = (JSON.parse(counts.redrivePolicy) as { deadLetterTargetArn?: string }).deadLetterTargetArn;
    if (!arn) return base;
    if (deadLetterQueue?.arn !== arn) {
      const [, , , , account, name] = arn.split(':');
      const { QueueUrl: url } = await sqs.send(
        new GetQueueUrlCommand({ QueueName: name, QueueOwnerAWSAccountId: account }),
      );
      if (!url) return base;
      deadLetterQueue = { arn, url };
    }
    const dead = await queueCounts(sqs, deadLetterQueue.url);
    return { ...base, deadLetters: dead.visible + dead.notVisible + dead.delayed };
  }

  async function drained(timeoutMs = 30_000): Promise<void> {
    if (stopping.signal.aborted) throw new Error(`The queue poller of ${functionName} is stopped`);
    const deadline = Date.now() + timeoutMs;
    // A receive under way now may return messages sent before this call: wait until it has returned.
    const inFlightAtCall = receiving ? receivesStarted : 0;
    let lastError: unknown;
    for (;;) {
      if (!batchInHand) {
        try {
          const counts = await queueCounts(sqs, queueUrl);
          // Nothing in flight at all: no receive can hold a message sent before the call. Else some may be the
          // ones a receive under way at the call is returning: wait for it (at most its 1 s long poll).
          const settled = counts.notVisible === 0 || receivesReturned >= inFlightAtCall;
          if (counts.visible === 0 && settled && !batchInHand) return;
        } catch (error) {
          lastError = error;
        }
      }
      if (stopping.signal.aborted) throw new Error(`The queue poller of ${functionName} was stopped`);
      if (Date.now() >= deadline) {
        const why = lastError ? ` (${describeError(lastError)})` : '';
        throw new Error(`The queue poller of ${functionName} did not drain within ${timeoutMs} ms${why}`);
      }
      await sleep(25);
    }
  }

  return {
    drained,
    get failures() {
      return failures;
    },
    runningInvocation: () => running,
    crash: () => invoker.crash(),
    workerPid: () => invoker.pid(),
    stats,
    stop() {
      stopped ??= (async () => {
        stopping.abort();
        await loop;
        await invoker.close();
        sqs.destroy();
      })();
      return stopped;
    },
  };
}
