/**
 * The local Amazon SQS: fauxqs (in-memory, in this process), serving only the SQS JSON protocol on a loopback
 * address, and the delivery queues of the notifications (`shared/notifications/delivery-queue.ts`) as the CDK
 * stack deploys them: a dead-letter queue, and the queue with its visibility timeout and redrive policy ("Using
 * dead-letter queues in Amazon SQS", SQS developer guide).
 *
 * Queue URLs are `http://127.0.0.1:<port>/000000000000/<name>`. fauxqs's own URLs (`http://sqs.<region>.localhost
 * :<port>/...`) do not resolve on this machine (no `*.localhost` resolver), and the SQS client follows the queue URL's
 * host whenever its endpoint comes from the environment (`AWS_ENDPOINT_URL_SQS`, as in the functions) rather than
 * from its constructor (`useQueueUrlAsEndpoint`, @aws-sdk/middleware-sdk-sqs): a deployed-style client would fail
 * with ENOTFOUND. So the SQS store is replaced by a subclass that builds loopback URLs and also finds a queue by the
 * path of its URL (`/<account>/<name>`), whatever host a caller wrote (`localhost` or `127.0.0.1`), as SQS does.
 *
 * Differences from SQS (fauxqs 1.9.2): `MessageRetentionPeriod` is stored but messages never expire; the
 * `ApproximateNumberOf*` counts move a message whose visibility timeout ran out back to the visible count only at
 * the next `ReceiveMessage` (or while a long poll waits); no `ListDeadLetterSourceQueues`, no DLQ redrive
 * (`StartMessageMoveTask`); a redrive policy naming a missing queue is accepted (the message then stays). State is
 * lost on stop.
 */
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  type QueueAttributeName,
  SetQueueAttributesCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { buildApp } from 'fauxqs';
// The stores are not exported by the package (its `exports` name the entry only); importing them by path lets the
// app use our SQS store (see above). Same module instances as fauxqs's own imports. Pinned version: 1.9.2.
import { S3Store } from '../../node_modules/fauxqs/dist/s3/s3Store.js';
import { SnsStore } from '../../node_modules/fauxqs/dist/sns/snsStore.js';
import { SqsStore } from '../../node_modules/fauxqs/dist/sqs/sqsStore.js';
import { localAccountId } from './lambda-runtime.ts';

export interface LocalSqsOptions {
  /** TCP port (0 picks a free one). */
  readonly port: number;
  /** Address to listen on and to write in queue URLs, default `127.0.0.1`. */
  readonly host?: string;
  /** Region of queues created without a signed region (fauxqs reads it from each request's SigV4 scope). */
  readonly region: string;
  /** Receives one line when the server is up. fauxqs's own request log is off. */
  readonly log?: (line: string) => void;
}

export interface LocalSqs {
  /** The SQS endpoint, e.g. `http://127.0.0.1:4576`: the SDK `endpoint` and the `AWS_ENDPOINT_URL_SQS` value. */
  readonly url: string;
  /** Closes the server (open connections and long polls included); every queue and message is gone. */
  stop(): Promise<void>;
}

/** fauxqs's SQS store with loopback queue URLs and a host-agnostic lookup by URL. */
class LoopbackSqsStore extends SqsStore {
  /** `http://<host>:<port>`, set once the server listens (before any queue exists). */
  origin = '';

  override buildQueueUrl(queueName: string): string {
    return `${this.origin}/${localAccountId}/${queueName}`;
  }

  override getQueue(url: string): ReturnType<SqsStore['getQueue']> {
    const exact = super.getQueue(url);
    if (exact) return exact;
    let path: string;
    try {
      path = new URL(url).pathname;
    } catch {
      return undefined;
    }
    const match = /^\/(\d{12})\/([^/]+)$/.exec(path);
    const queue = match?.[2] ? this.getQueueByName(match[2]) : undefined;
    return queue && new URL(queue.url).pathname === path ? queue : undefined;
  }
}

/** Requests other than the SQS JSON protocol, the health check and fauxqs's inspection pages are refused. */
function isSqsRequest(method: string, url: string, contentType: string | undefined): boolean {
  if (method === 'GET') return url === '/health' || url.startsWith('/_fauxqs/queues');
  return method === 'POST' && url === '/' && (contentType ?? '').includes('application/x-amz-json-1.0');
}

/**
 * Starts fauxqs in this process, SQS only (S3 and SNS requests answer 400), quiet.
 * @returns the endpoint URL and `stop`
 * @throws Error when the port is taken (`EADDRINUSE`)
 */
export async function startLocalSqs(options: LocalSqsOptions): Promise<LocalSqs> {
  const host = options.host ?? '127.0.0.1';
  const sqsStore = new LoopbackSqsStore();
  const app = buildApp({
    logger: false,
    defaultRegion: options.region,
    stores: { sqsStore, snsStore: new SnsStore(), s3Store: new S3Store() },
  });
  app.addHook('onRequest', async (request, reply) => {
    if (isSqsRequest(request.method, request.url, request.headers['content-type'])) return;
    reply.code(400).header('content-type', 'application/x-amz-json-1.0');
    return reply.send({
      __type: 'com.amazonaws.sqs#InvalidAction',
      message: `The local SQS serves the SQS JSON protocol only (${request.method} ${request.url})`,
    });
  });
  await app.listen({ port: options.port, host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  sqsStore.origin = url;
  options.log?.(`[sqs] local SQS (fauxqs) on ${url}`);
  return {
    url,
    stop: async () => {
      await app.close();
    },
  };
}

/** The delivery queue pair to create: the deployed settings (`deliveryQueueSettings`), or shorter ones for tests. */
export interface DeliveryQueuesSpec {
  readonly queueName: string;
  readonly deadLetterQueueName: string;
  /** Seconds a received message stays hidden (`VisibilityTimeout`, 0..43200). */
  readonly visibilityTimeoutSeconds: number;
  /** Receives before SQS moves a message to the dead-letter queue (`RedrivePolicy.maxReceiveCount`, 1..1000). */
  readonly maxReceiveCount: number;
  /**
   * `MessageRetentionPeriod` of the queue, seconds (60..1209600). When omitted: SQS's default (4 days) for a new
   * queue, unchanged for an existing one. (fauxqs stores it but never expires messages.)
   */
  readonly retentionSeconds?: number;
  /** `MessageRetentionPeriod` of the dead-letter queue, seconds; as `retentionSeconds` when omitted. */
  readonly deadLetterRetentionSeconds?: number;
}

export interface DeliveryQueues {
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly deadLetterQueueUrl: string;
  readonly deadLetterQueueArn: string;
}

const errorName = (error: unknown) => (error as { name?: string } | undefined)?.name;

/**
 * Creates a queue, or brings an existing one to `attributes` (`CreateQueue` refuses an existing name with other
 * attributes: `QueueNameExists`, which SQS calls `QueueAlreadyExists`).
 * @returns the queue URL and ARN
 */
async function ensureQueue(
  client: SQSClient,
  name: string,
  attributes: Partial<Record<QueueAttributeName, string>>,
): Promise<{ url: string; arn: string }> {
  let url: string | undefined;
  try {
    url = (await client.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }))).QueueUrl;
  } catch (error) {
    // fauxqs names it `AWS.SimpleQueueService.QueueNameExists` (its query-compatible code), SQS `QueueNameExists`.
    if (!/QueueNameExists|QueueAlreadyExists/.test(errorName(error) ?? '')) throw error;
    url = (await client.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl;
    await client.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: attributes }));
  }
  if (!url) throw new Error(`CreateQueue ${name} returned no QueueUrl`);
  const described = await client.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
  );
  const arn = described.Attributes?.QueueArn;
  if (!arn) throw new Error(`Queue ${name} has no QueueArn`);
  return { url, arn };
}

/**
 * Creates (idempotently) the dead-letter queue, then the queue with `VisibilityTimeout` and
 * `RedrivePolicy` `{ deadLetterTargetArn, maxReceiveCount }`, as the deployed stack does; an existing queue is brought
 * to these attributes. Works against any SQS endpoint.
 * @returns URLs and ARNs of both queues
 * @throws the SDK's error (e.g. `InvalidAttributeValue` for an out-of-range setting)
 */
export async function ensureDeliveryQueues(
  client: SQSClient,
  spec: DeliveryQueuesSpec,
): Promise<DeliveryQueues> {
  const retention = (seconds: number | undefined) =>
    seconds === undefined ? {} : { MessageRetentionPeriod: String(seconds) };
  const deadLetters = await ensureQueue(
    client,
    spec.deadLetterQueueName,
    retention(spec.deadLetterRetentionSeconds),
  );
  const queue = await ensureQueue(client, spec.queueName, {
    VisibilityTimeout: String(spec.visibilityTimeoutSeconds),
    ...retention(spec.retentionSeconds),
    RedrivePolicy: JSON.stringify({
      deadLetterTargetArn: deadLetters.arn,
      maxReceiveCount: spec.maxReceiveCount,
    }),
  });
  return {
    queueUrl: queue.url,
    queueArn: queue.arn,
    deadLetterQueueUrl: deadLetters.url,
    deadLetterQueueArn: deadLetters.arn,
  };
}
