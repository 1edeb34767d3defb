/**
 * `npm run notifications:redrive [-- options]`: the dead-letter routes from a terminal. Moves undelivered
 * notifications from the delivery dead-letter queue back to the delivery queue (`redriveDeadLetters`), or with
 * `--list` only shows them (`listDeadLetters`); both in shared/notifications/dead-letters.ts, the operations the
 * admin routes run. `--help` for the options.
 */
import { parseArgs } from 'node:util';
import { GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { listDeadLetters, redriveDeadLetters } from '#shared/notifications/dead-letters.ts';
import { deadLetterListLimits, redriveLimits } from '#shared/notifications/schemas.ts';
import { InvalidInput } from '#shared/platform/errors.ts';
import {
  localCredentials,
  localDeliveryDeadLetterQueueName,
  localDeliveryQueueName,
  localRegion,
} from './local/provision.ts';

/** Where the local SQS emulator listens unless `AWS_ENDPOINT_URL_SQS` says otherwise. */
const defaultLocalSqsEndpoint = 'http://127.0.0.1:9324';

const usage = `Usage: npm run notifications:redrive -- [--max N] [--list [--limit N]] [--local]

Moves undelivered notifications from the delivery dead-letter queue back to the delivery queue, where the sender
tries them again (a delivery already sent is not sent again, so running this twice is harmless).

  --max N      move at most N messages (${redriveLimits.min}-${redriveLimits.max}, default ${redriveLimits.default})
  --list       only show the dead letters (summaries, never bodies); nothing moves
  --limit N    with --list: show at most N (${deadLetterListLimits.min}-${deadLetterListLimits.max}, default ${deadLetterListLimits.max})
  --local      use the local stack of \`npm start\`: SQS at AWS_ENDPOINT_URL_SQS or ${defaultLocalSqsEndpoint},
               the queues ${localDeliveryQueueName} and ${localDeliveryDeadLetterQueueName}
  -h, --help   this text

Against AWS (credentials and region from the usual AWS SDK chain: AWS_PROFILE, AWS_REGION, ...), set
  DELIVERY_QUEUE_URL              the Data stack's output DeliveryQueueUrl
  DELIVERY_DEAD_LETTER_QUEUE_URL  the Data stack's output DeliveryDeadLetterQueueUrl
e.g. aws cloudformation describe-stacks --stack-name helpdesk-<stage>-data --query "Stacks[0].Outputs"
`;

/** An integer option within `limits`, or its default when absent. */
function integerOption(
  name: string,
  raw: string | undefined,
  limits: { min: number; max: number },
  fallback: number,
): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < limits.min || value > limits.max) {
    throw new UsageError(`--${name} takes an integer from ${limits.min} to ${limits.max}, not "${raw}".`);
  }
  return value;
}

class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * Finds the local queue URLs by name (GetQueueUrl), then sets the variables the operations read on first use:
 * local credentials and region (`sqsRequest` signs with them and sends to the queue URL's host),
 * `DELIVERY_QUEUE_URL`, `DELIVERY_DEAD_LETTER_QUEUE_URL`, and the SQS endpoint.
 */
async function useLocalStack(): Promise<void> {
  const endpoint = process.env.AWS_ENDPOINT_URL_SQS || defaultLocalSqsEndpoint;
  const lookup = new SQSClient({
    endpoint,
    region: localRegion,
    credentials: localCredentials,
    maxAttempts: 1,
  });
  const urlOf = async (QueueName: string) => {
    const { QueueUrl } = await lookup.send(new GetQueueUrlCommand({ QueueName }));
    if (!QueueUrl) throw new Error(`no queue ${QueueName}`);
    return QueueUrl;
  };
  let deliveryQueueUrl: string;
  let deadLetterQueueUrl: string;
  try {
    deliveryQueueUrl = await urlOf(localDeliveryQueueName);
    deadLetterQueueUrl = await urlOf(localDeliveryDeadLetterQueueName);
  } catch (error) {
    throw new Error(
      `Could not find the local delivery queues at ${endpoint} (is \`npm start\` running?): ${(error as Error).message}`,
    );
  } finally {
    lookup.destroy();
  }
  process.env.AWS_ENDPOINT_URL_SQS = new URL(deadLetterQueueUrl).origin;
  process.env.AWS_REGION = localRegion;
  process.env.AWS_ACCESS_KEY_ID = localCredentials.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = localCredentials.secretAccessKey;
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
  process.env.DELIVERY_QUEUE_URL = deliveryQueueUrl;
  process.env.DELIVERY_DEAD_LETTER_QUEUE_URL = deadLetterQueueUrl;
}

/** The queue URLs must be set for AWS; the missing ones, named. */
function requireQueueUrls(list: boolean): void {
  const needed = list
    ? ['DELIVERY_DEAD_LETTER_QUEUE_URL']
    : ['DELIVERY_QUEUE_URL', 'DELIVERY_DEAD_LETTER_QUEUE_URL'];
  const missing = needed.filter((name) => !process.env[name]);
  if (missing.length > 0) {
    throw new UsageError(`Set ${missing.join(' and ')} (or use --local).`);
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      max: { type: 'string' },
      list: { type: 'boolean', default: false },
      limit: { type: 'string' },
      local: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    console.log(usage);
    return;
  }
  if (values.list && values.max !== undefined)
    throw new UsageError('--max moves messages; --list moves none.');
  if (!values.list && values.limit !== undefined) throw new UsageError('--limit goes with --list.');
  const limit = integerOption('limit', values.limit, deadLetterListLimits, deadLetterListLimits.max);
  const max = integerOption('max', values.max, redriveLimits, redriveLimits.default);

  if (values.local) await useLocalStack();
  else requireQueueUrls(values.list);

  if (values.list) {
    const { approximateNumberOfMessages, items } = await listDeadLetters({ limit });
    console.log(`Dead-letter queue: about ${approximateNumberOfMessages} messages; showing ${items.length}.`);
    for (const item of items) {
      const what =
        item.kind === 'intent'
          ? `${item.type} for ${item.recipient} on ticket ${item.ticketId} (stream record ${item.eventId})`
          : item.kind === 'record'
            ? `stream record ${item.eventId ?? '?'} (${item.eventName ?? '?'}) not planned: ${item.reason}`
            : item.reason;
      console.log(`${item.sentAt}  ${item.messageId}  ×${item.receiveCount}  ${item.kind}: ${what}`);
    }
    return;
  }
  const { moved, failed, remaining } = await redriveDeadLetters({ max });
  console.log(
    `Moved ${moved} to the delivery queue; ${failed} failed (back in the dead-letter queue within a minute); ` +
      `about ${remaining} left in the dead-letter queue.`,
  );
  if (failed > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    console.error(`${(error as Error).message}\n\n${usage}`);
    process.exitCode = 2;
  } else if (error instanceof InvalidInput) {
    console.error(error.fields.map((field) => field.detail).join('\n'));
    process.exitCode = 2;
  } else {
    console.error((error as Error).message ?? error);
    process.exitCode = 1;
  }
});
