/**
 * The local S3 event notification: s3rver (in-process) emits an event per stored object; this turns each
 * `ObjectCreated:*` record into the `S3Event` Lambda receives and invokes the image check
 * (`imageUploadedSource`, wired up in `event-sources.ts`).
 *
 * Like S3, the object key in the record is URL-encoded (spaces as `+`, `/` kept), so handlers must decode it with
 * `decodeURIComponent(key.replace(/\+/g, ' '))`. Like Lambda's asynchronous invocation, a failing invocation is
 * retried twice (after 0.5 s and 1 s here, minutes in AWS) and then recorded as failed. Only `ObjectCreated:*`
 * events under the subscribed key prefix are delivered, as the bucket notification filters them.
 */
import type { S3Event, S3EventRecord } from 'aws-lambda';
import { HandlerNotFoundError, lambdaContext, loadHandler } from './lambda-runtime.ts';

/** A record s3rver emits (close to S3's, with a raw key and a malformed bucket ARN). */
interface S3rverRecord {
  eventVersion: string;
  eventSource: string;
  awsRegion: string;
  eventTime: string;
  eventName: string;
  userIdentity: { principalId: string };
  requestParameters: { sourceIPAddress: string };
  responseElements: Record<string, string>;
  s3: {
    s3SchemaVersion: string;
    configurationId: string;
    bucket: { name: string; ownerIdentity: { principalId: string }; arn: string };
    object: { key: string; size?: number; eTag?: string; sequencer: string; versionId?: string };
  };
}

export interface FailedS3Invocation {
  readonly event: S3Event;
  readonly attempts: number;
  readonly reason: string;
  readonly failedAt: string;
}

/**
 * URL-encodes an object key the way S3 event notifications do (form encoding: unreserved characters and `/`
 * kept, space as `+`, everything else as UTF-8 `%XX`).
 */
export function encodeS3EventKey(key: string): string {
  let encoded = '';
  for (const byte of Buffer.from(key, 'utf8')) {
    const char = String.fromCharCode(byte);
    if (/[A-Za-z0-9.\-_*/]/.test(char)) encoded += char;
    else if (char === ' ') encoded += '+';
    else encoded += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return encoded;
}

/** The S3 event record Lambda would receive for an s3rver record. */
export function toS3EventRecord(record: S3rverRecord, region: string): S3EventRecord {
  const object = record.s3.object;
  return {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: region,
    eventTime: record.eventTime,
    eventName: record.eventName as S3EventRecord['eventName'],
    userIdentity: record.userIdentity,
    requestParameters: record.requestParameters,
    responseElements: {
      'x-amz-request-id': record.responseElements['x-amz-request-id'] ?? '',
      'x-amz-id-2': record.responseElements['x-amz-id-2'] ?? '',
    },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: 'local-image-uploaded',
      bucket: {
        name: record.s3.bucket.name,
        ownerIdentity: record.s3.bucket.ownerIdentity,
        arn: `arn:aws:s3:::${record.s3.bucket.name}`,
      },
      object: {
        key: encodeS3EventKey(object.key),
        size: object.size ?? 0,
        eTag: object.eTag ?? '',
        sequencer: object.sequencer,
        ...(object.versionId ? { versionId: object.versionId } : {}),
      },
    },
  };
}

export interface S3EventDispatcherOptions {
  readonly handlerEntry: string;
  readonly functionName: string;
  readonly region: string;
  /** Only keys under this prefix are delivered (the bucket notification's filter). */
  readonly prefix?: string;
  readonly log: (line: string) => void;
  readonly logError: (line: string, error?: unknown) => void;
}

export interface S3EventDispatcher {
  /** Listener for s3rver's `event`. */
  readonly dispatch: (event: { Records: S3rverRecord[] }) => void;
  /** Whether no invocation is running or waiting for a retry. */
  isIdle(): boolean;
  /** Resolves when every invocation started so far has finished (retries included). */
  idle(): Promise<void>;
  readonly failures: readonly FailedS3Invocation[];
}

const delays = [500, 1000];

/** Creates the dispatcher; attach `dispatch` to the s3rver instance. */
export function createS3EventDispatcher(options: S3EventDispatcherOptions): S3EventDispatcher {
  const inFlight = new Set<Promise<void>>();
  const failures: FailedS3Invocation[] = [];
  let missingHandlerWarned = false;

  async function invoke(event: S3Event): Promise<void> {
    const record = event.Records[0];
    const label = `${record?.eventName} s3://${record?.s3.bucket.name}/${record?.s3.object.key}`;
    for (let attempt = 1; ; attempt++) {
      const started = performance.now();
      try {
        const handler = await loadHandler(options.handlerEntry);
        await handler(event, lambdaContext(options.functionName, 60_000));
        options.log(`${options.functionName}: ${label} ok ${Math.round(performance.now() - started)}ms`);
        return;
      } catch (error) {
        if (error instanceof HandlerNotFoundError) {
          if (!missingHandlerWarned)
            options.logError(`${options.functionName}: ${error.message}; S3 events are dropped`);
          missingHandlerWarned = true;
          return;
        }
        options.logError(`${options.functionName}: ${label} failed (attempt ${attempt})`, error);
        const delay = delays[attempt - 1];
        if (delay === undefined) {
          failures.push({
            event,
            attempts: attempt,
            reason: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
            failedAt: new Date().toISOString(),
          });
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  return {
    dispatch(s3rverEvent) {
      for (const record of s3rverEvent.Records) {
        if (!record.eventName.startsWith('ObjectCreated:')) continue;
        if (options.prefix && !record.s3.object.key.startsWith(options.prefix)) continue;
        const running = invoke({ Records: [toS3EventRecord(record, options.region)] });
        inFlight.add(running);
        void running.finally(() => inFlight.delete(running));
      }
    },
    isIdle: () => inFlight.size === 0,
    async idle() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    get failures() {
      return failures;
    },
  };
}
