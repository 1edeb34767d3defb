/**
 * A test consumer for the local SQS event source mapping (`scripts/local/queue-poller.ts`). Each message body is
 * JSON `{ action, times?, ms?, seconds? }`; `times` limits an action to the first receives
 * (`ApproximateReceiveCount <= times`), after which the message succeeds:
 *
 * - `ok`: succeeds;
 * - `fail`: named in `batchItemFailures`;
 * - `throw`: the invocation throws `Error('fixture: throw <messageId>')`;
 * - `hang`: the invocation never settles (for `crash()` and timeouts);
 * - `sleep`: succeeds after `ms`;
 * - `bogus`: `batchItemFailures` names an identifier that is not in the batch;
 * - `delay`: hides its message for `seconds` with `ChangeMessageVisibility` (an SQS client configured from the
 *   environment only, `AWS_ENDPOINT_URL_SQS`, as the functions' clients are) and names it in `batchItemFailures`.
 *
 * Every invocation appends JSON lines to `$QUEUE_FIXTURE_LOG` (when set): `{ phase: 'start', pid, remainingMs,
 * functionName, records }` (the whole records), then `{ phase: 'end', pid, messageIds, visibility? }` unless it
 * threw or hangs.
 */
import { appendFileSync } from 'node:fs';
import { ChangeMessageVisibilityCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';

interface Instruction {
  action?: 'ok' | 'fail' | 'throw' | 'hang' | 'sleep' | 'bogus' | 'delay';
  times?: number;
  ms?: number;
  seconds?: number;
}

function instruction(record: SQSRecord): Instruction {
  try {
    const parsed = JSON.parse(record.body) as Instruction;
    const times = parsed.times ?? Number.POSITIVE_INFINITY;
    return Number(record.attributes.ApproximateReceiveCount) <= times ? parsed : { action: 'ok' };
  } catch {
    return { action: 'ok' };
  }
}

function record(line: object): void {
  const file = process.env.QUEUE_FIXTURE_LOG;
  if (file) appendFileSync(file, `${JSON.stringify(line)}\n`);
}

/** The queue URL from the record's ARN under the environment's SQS endpoint (`arn:aws:sqs:<region>:<account>:<name>`). */
function queueUrlOf(record: SQSRecord): string {
  const [, , , , account, name] = record.eventSourceARN.split(':');
  return `${process.env.AWS_ENDPOINT_URL_SQS}/${account}/${name}`;
}

export async function handler(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
  const records = event.Records;
  record({
    phase: 'start',
    pid: process.pid,
    remainingMs: context.getRemainingTimeInMillis(),
    functionName: context.functionName,
    records,
  });
  const steps = records.map((r) => ({ record: r, step: instruction(r) }));
  if (steps.some(({ step }) => step.action === 'hang')) await new Promise<never>(() => {});
  const thrower = steps.find(({ step }) => step.action === 'throw');
  if (thrower) throw new Error(`fixture: throw ${thrower.record.messageId}`);
  const sleepMs = Math.max(0, ...steps.map(({ step }) => (step.action === 'sleep' ? (step.ms ?? 0) : 0)));
  if (sleepMs > 0) await new Promise((resolve) => setTimeout(resolve, sleepMs));

  const failures: SQSBatchResponse['batchItemFailures'] = [];
  const visibility: Record<string, string> = {};
  for (const { record: r, step } of steps) {
    if (step.action === 'fail') failures.push({ itemIdentifier: r.messageId });
    if (step.action === 'bogus') failures.push({ itemIdentifier: `not-${r.messageId}` });
    if (step.action === 'delay') {
      const client = new SQSClient({});
      try {
        await client.send(
          new ChangeMessageVisibilityCommand({
            QueueUrl: queueUrlOf(r),
            ReceiptHandle: r.receiptHandle,
            VisibilityTimeout: step.seconds ?? 60,
          }),
        );
        visibility[r.messageId] = 'changed';
      } catch (error) {
        visibility[r.messageId] = `${(error as Error).name}: ${(error as Error).message}`;
      } finally {
        client.destroy();
      }
      failures.push({ itemIdentifier: r.messageId });
    }
  }
  record({ phase: 'end', pid: process.pid, messageIds: records.map((r) => r.messageId), visibility });
  return { batchItemFailures: failures };
}
