/**
 * The local counterpart of the notification queues (`shared/notifications/delivery-queue.ts`): the SQS emulator
 * with the delivery queue and its dead-letter queue (same redrive policy as in AWS), the fault-injection proxies in
 * front of the SES emulator and the SNS endpoint, the sender's event source (`queue-poller.ts`), and the local
 * endpoints that let a test break things on purpose:
 *
 * | endpoint | what it does |
 * |---|---|
 * | `POST /_local/faults/ses`, `POST /_local/faults/sns` | sets the provider's fault (`fault-proxy.ts`: `up`, `down`, `unavailable`, `throttle`, `reject`, `hang`, with an optional `match`) |
 * | `GET /_local/deliveries` | queue counts, dead letters, the sender's invocation under way and worker pid, the proxies' faults and counts |
 * | `POST /_local/deliveries/crash` | SIGKILLs the sender's worker process mid-invocation (a Lambda runtime crash) |
 * | `POST /_local/deliveries/schedule` | `{ maxReceiveCount?, retryBaseSeconds?, retryCapSeconds? }`: changes the retry schedule (queue redrive policy and the sender's environment; `{}` restores the stack's own) |
 * | `POST /_local/deliveries/quotas` | `{ approvalRequestsPerRequesterPerHour?, smsPerRecipientPerDay?, opticsAlertsPerRequesterPerHour? }`: changes the sender's quotas on paid sends (`shared/notifications/quotas.ts`; `{}` restores the stack's own) |
 * | `POST /_local/deliveries/optics-alerts` | `{ emails }`: the sender's `OPTICS_ALERT_EMAILS` (a comma list; `""`: every admin; `{}` restores the stack's own) |
 * | `GET /_local/dead-letters` | what the dead-letter queue holds (`listDeadLetters`, the admin route's operation) |
 */
import { SetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { listDeadLetters } from '#shared/notifications/dead-letters.ts';
import { deliveryQueueSettings } from '#shared/notifications/delivery-queue.ts';
import { quotas as notificationQuotas } from '#shared/notifications/quotas.ts';
import { type Fault, type FaultProxy, startFaultProxy } from './fault-proxy.ts';
import type { LocalEndpoint } from './gateway.ts';
import { readJson, sendJson } from './http-json.ts';
import {
  localCredentials,
  localDeliveryDeadLetterQueueName,
  localDeliveryQueueName,
  localRegion,
} from './provision.ts';
import type { RunningQueuePoller } from './queue-poller.ts';
import { type DeliveryQueues, ensureDeliveryQueues, type LocalSqs, startLocalSqs } from './sqs.ts';
import type { Teardown } from './teardown.ts';

/** The delivery settings of a local stack; the defaults are the deployed ones (`deliveryQueueSettings`). */
export interface LocalDeliverySettings {
  /** Queue visibility timeout: when a message whose sender crashed comes back. */
  readonly visibilityTimeoutSeconds: number;
  /** Sender timeout: its idempotency locks last this long. Keep it below the visibility timeout. */
  readonly senderTimeoutSeconds: number;
  readonly retryBaseSeconds: number;
  readonly retryCapSeconds: number;
  readonly maxReceiveCount: number;
  /** Run the sender in its own worker process (so `POST /_local/deliveries/crash` can kill it). */
  readonly isolatedSender: boolean;
  /** Quotas on paid sends (`shared/notifications/quotas.ts`); unset: the deployed defaults. */
  readonly quotas?: LocalQuotas | undefined;
  /** How long the direct messages' unread digest waits (`deliveryDelaySeconds`); unset: the deployed 300 s. */
  readonly messageDigestDelaySeconds?: number | undefined;
}

/** The sender's quota limits, each optional (unset: the quota's default). */
export interface LocalQuotas {
  readonly approvalRequestsPerRequesterPerHour?: number | undefined;
  readonly smsPerRecipientPerDay?: number | undefined;
  readonly opticsAlertsPerRequesterPerHour?: number | undefined;
}

/** The quota variables of the sender's environment (`''`, read as "unset", for a limit not given). */
function quotaEnvironment(quotas: LocalQuotas | undefined): Record<string, string> {
  return {
    [notificationQuotas.approvalRequestsPerRequesterPerHour.env]: String(
      quotas?.approvalRequestsPerRequesterPerHour ?? '',
    ),
    [notificationQuotas.smsPerRecipientPerDay.env]: String(quotas?.smsPerRecipientPerDay ?? ''),
    [notificationQuotas.opticsAlertsPerRequesterPerHour.env]: String(
      quotas?.opticsAlertsPerRequesterPerHour ?? '',
    ),
  };
}

export const defaultDeliverySettings: LocalDeliverySettings = {
  visibilityTimeoutSeconds: deliveryQueueSettings.visibilityTimeoutSeconds,
  senderTimeoutSeconds: deliveryQueueSettings.senderTimeoutSeconds,
  retryBaseSeconds: deliveryQueueSettings.retryBaseSeconds,
  retryCapSeconds: deliveryQueueSettings.retryCapSeconds,
  maxReceiveCount: deliveryQueueSettings.maxReceiveCount,
  isolatedSender: false,
};

/** The running local delivery infrastructure. */
export interface LocalDeliveries {
  readonly settings: LocalDeliverySettings;
  readonly sqsUrl: string;
  readonly queues: DeliveryQueues;
  readonly proxies: { readonly ses: FaultProxy; readonly sns: FaultProxy };
  /** The handlers' environment: SDK endpoints (SQS, and SES/SNS through the proxies), queue URLs, the schedule. */
  readonly env: Record<string, string>;
  /** Set by the sender's event source when it starts. */
  poller: RunningQueuePoller | undefined;
}

function scheduleEnvironment(
  settings: Pick<LocalDeliverySettings, 'retryBaseSeconds' | 'retryCapSeconds' | 'maxReceiveCount'>,
) {
  return {
    DELIVERY_RETRY_BASE_SECONDS: String(settings.retryBaseSeconds),
    DELIVERY_RETRY_CAP_SECONDS: String(settings.retryCapSeconds),
    DELIVERY_MAX_RECEIVE_COUNT: String(settings.maxReceiveCount),
  };
}

/**
 * Starts the SQS emulator (in process) on `sqsPort`, creates the two queues, and starts a fault proxy (free port)
 * in front of each provider. Everything is registered with `teardown`.
 */
export async function startLocalDeliveries(input: {
  readonly sqsPort: number;
  readonly sesUrl: string;
  readonly snsUrl: string;
  readonly settings: LocalDeliverySettings;
  readonly log: (line: string) => void;
  readonly teardown: Teardown;
}): Promise<LocalDeliveries> {
  const { settings, teardown } = input;
  const sqs: LocalSqs = await startLocalSqs({ port: input.sqsPort, region: localRegion });
  teardown.add(() => sqs.stop());
  const client = new SQSClient({ endpoint: sqs.url, region: localRegion, credentials: localCredentials });
  const queues = await ensureDeliveryQueues(client, {
    queueName: localDeliveryQueueName,
    deadLetterQueueName: localDeliveryDeadLetterQueueName,
    visibilityTimeoutSeconds: settings.visibilityTimeoutSeconds,
    maxReceiveCount: settings.maxReceiveCount,
    retentionSeconds: deliveryQueueSettings.retentionSeconds,
    deadLetterRetentionSeconds: deliveryQueueSettings.deadLetterRetentionSeconds,
  });
  client.destroy();
  const ses = await startFaultProxy({ name: 'ses', target: input.sesUrl, port: 0 });
  teardown.add(() => ses.stop());
  const sns = await startFaultProxy({ name: 'sns', target: input.snsUrl, port: 0 });
  teardown.add(() => sns.stop());
  return {
    settings,
    sqsUrl: sqs.url,
    queues,
    proxies: { ses, sns },
    env: {
      AWS_ENDPOINT_URL_SQS: sqs.url,
      AWS_ENDPOINT_URL_SES: ses.url,
      AWS_ENDPOINT_URL_SESV2: ses.url,
      AWS_ENDPOINT_URL_SNS: sns.url,
      DELIVERY_QUEUE_URL: queues.queueUrl,
      DELIVERY_DEAD_LETTER_QUEUE_URL: queues.deadLetterQueueUrl,
      ...scheduleEnvironment(settings),
      ...quotaEnvironment(settings.quotas),
      MESSAGE_DIGEST_DELAY_SECONDS: String(settings.messageDigestDelaySeconds ?? ''),
    },
    poller: undefined,
  };
}

/** The local endpoints of the table above. */
export function deliveryEndpoints(deliveries: LocalDeliveries): Record<string, LocalEndpoint> {
  // The optics alert list the stack started with (`OPTICS_ALERT_EMAILS=... npm start`), restored by `{}`.
  const ownOpticsAlertEmails = process.env.OPTICS_ALERT_EMAILS;
  const faultEndpoint =
    (proxy: FaultProxy): LocalEndpoint =>
    async (req, res) => {
      try {
        proxy.setFault((await readJson(req)) as unknown as Fault);
        sendJson(res, 200, { fault: proxy.fault() });
      } catch (error) {
        sendJson(res, 400, { message: String(error) });
      }
    };
  return {
    'POST /_local/faults/ses': faultEndpoint(deliveries.proxies.ses),
    'POST /_local/faults/sns': faultEndpoint(deliveries.proxies.sns),
    'GET /_local/deliveries': async (_req, res) => {
      const poller = deliveries.poller;
      const stats = poller ? await poller.stats() : undefined;
      const running = poller?.runningInvocation();
      sendJson(res, 200, {
        queue: {
          visible: stats?.visible ?? 0,
          notVisible: stats?.notVisible ?? 0,
          delayed: stats?.delayed ?? 0,
        },
        deadLetters: stats?.deadLetters ?? 0,
        sender: {
          running: running
            ? { startedAt: new Date(running.startedAt).toISOString(), messageIds: running.messageIds }
            : null,
          pid: poller?.workerPid() ?? null,
          failures: poller?.failures.length ?? 0,
        },
        proxies: Object.fromEntries(
          Object.entries(deliveries.proxies).map(([name, proxy]) => [
            name,
            { fault: proxy.fault(), ...proxy.stats() },
          ]),
        ),
      });
    },
    'POST /_local/deliveries/crash': async (_req, res) => {
      sendJson(res, 200, { killed: deliveries.poller?.crash() ?? null });
    },
    'POST /_local/deliveries/schedule': async (req, res) => {
      const body = await readJson(req);
      const schedule = {
        retryBaseSeconds: Number(body.retryBaseSeconds ?? deliveries.settings.retryBaseSeconds),
        retryCapSeconds: Number(body.retryCapSeconds ?? deliveries.settings.retryCapSeconds),
        maxReceiveCount: Number(body.maxReceiveCount ?? deliveries.settings.maxReceiveCount),
      };
      const client = new SQSClient({
        endpoint: deliveries.sqsUrl,
        region: localRegion,
        credentials: localCredentials,
      });
      try {
        await client.send(
          new SetQueueAttributesCommand({
            QueueUrl: deliveries.queues.queueUrl,
            Attributes: {
              RedrivePolicy: JSON.stringify({
                deadLetterTargetArn: deliveries.queues.deadLetterQueueArn,
                maxReceiveCount: schedule.maxReceiveCount,
              }),
            },
          }),
        );
      } finally {
        client.destroy();
      }
      Object.assign(process.env, scheduleEnvironment(schedule));
      // The sender's worker read its environment when it started: end it, the next invocation starts a fresh one.
      const pid = deliveries.poller?.runningInvocation() ? undefined : deliveries.poller?.workerPid();
      if (pid) process.kill(pid, 'SIGKILL');
      sendJson(res, 200, { schedule });
    },
    'POST /_local/deliveries/quotas': async (req, res) => {
      const body = await readJson(req);
      const given = Object.keys(body).length > 0;
      const limit = (value: unknown) => (value === undefined || value === null ? undefined : Number(value));
      const quotas: LocalQuotas = given
        ? {
            approvalRequestsPerRequesterPerHour: limit(body.approvalRequestsPerRequesterPerHour),
            smsPerRecipientPerDay: limit(body.smsPerRecipientPerDay),
            opticsAlertsPerRequesterPerHour: limit(body.opticsAlertsPerRequesterPerHour),
          }
        : (deliveries.settings.quotas ?? {});
      Object.assign(process.env, quotaEnvironment(quotas));
      // As for the schedule: an idle worker read its environment when it started; the next one reads the new one.
      const pid = deliveries.poller?.runningInvocation() ? undefined : deliveries.poller?.workerPid();
      if (pid) process.kill(pid, 'SIGKILL');
      sendJson(res, 200, { quotas, restarted: Boolean(pid) });
    },
    'POST /_local/deliveries/optics-alerts': async (req, res) => {
      const body = await readJson(req);
      const emails = body.emails === undefined ? (ownOpticsAlertEmails ?? '') : String(body.emails);
      process.env.OPTICS_ALERT_EMAILS = emails;
      // As for the quotas: an idle worker read its environment when it started; the next one reads the new one.
      const pid = deliveries.poller?.runningInvocation() ? undefined : deliveries.poller?.workerPid();
      if (pid) process.kill(pid, 'SIGKILL');
      sendJson(res, 200, { emails, restarted: Boolean(pid) });
    },
    'GET /_local/dead-letters': async (_req, res) => {
      sendJson(res, 200, await listDeadLetters({ limit: 50 }));
    },
  };
}
