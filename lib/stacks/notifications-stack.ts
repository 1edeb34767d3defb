/**
 * Notifications, in two steps with a queue between them (docs/notifications.md):
 * - the table's stream drives the notifier (`notifierSource`), which plans the messages the changes call for and
 *   puts them on the delivery queue (Data stack); stream records it cannot hand over go, after the stream's
 *   retries, to the stream's on-failure queue;
 * - the delivery queue drives the sender (`senderSource`), which sends by SES email and SNS SMS and waits out a
 *   provider outage with growing delays (about 30 hours in all) before a message goes to the delivery dead-letter
 *   queue, from which an admin redrives it.
 * Every dead-letter queue has an alarm (messages visible > 0) on the operator alarms topic.
 *
 * The same stream drives the table-maintenance consumer (`tableMaintenanceSource` in shared/dashboard/stream.ts),
 * which keeps the dashboard counters (from every change of a ticket or an optics request) and deletes what belonged
 * to a deleted ticket (its partition's items, approval links, stored objects), with its own filter, retries and
 * dead-letter queue. Two consumers is what DynamoDB Streams recommends at
 * most per shard ("DynamoDB Streams and AWS Lambda triggers", DynamoDB developer guide).
 */
import { Duration, Fn, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, Policy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { FilterCriteria, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { type IQueue, Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { AwsCustomResource, AwsCustomResourcePolicy, PhysicalResourceId } from 'aws-cdk-lib/custom-resources';
import type { Construct } from 'constructs';
import { dashboardCounterKeyPatterns } from '#shared/dashboard/counters.entity.ts';
import {
  tableMaintenanceDelivery,
  tableMaintenanceFilters,
  tableMaintenanceSource,
} from '#shared/dashboard/stream.ts';
import { deliveryQueueSettings } from '#shared/notifications/delivery-queue.ts';
import { streamFilterPatterns } from '#shared/notifications/plan.ts';
import { type QuotaName, quotas } from '#shared/notifications/quotas.ts';
import { notifierSource, senderSource } from '#shared/notifications/routes.ts';
import { grantTableRead, grantTableWrite, imageKeyPrefix, imageObjectsArn } from '../constructs/grants.ts';
import { ServiceFunction } from '../constructs/service-function.ts';
import type { DeployConfig } from '../deploy-config.ts';

/** Stream event source settings of the notifier (asserted by test/infra). */
export const streamSettings = {
  batchSize: 10,
  /** The notifier only plans and enqueues: retries cover an SQS hiccup, not a provider outage. */
  retryAttempts: 10,
  maxRecordAge: Duration.hours(24),
  maxBatchingWindow: Duration.seconds(1),
} as const;

/** Delivery queue event source settings of the sender (asserted by test/infra). */
export const senderSettings = {
  batchSize: deliveryQueueSettings.batchSize,
  maxBatchingWindow: Duration.seconds(1),
  /** At most this many senders at once: keeps a backlog after an outage under SES's default sending rate. */
  maxConcurrency: 5,
} as const;

export interface NotificationsStackProps extends StackProps {
  readonly config: DeployConfig;
  readonly table: ITableV2;
  /** Planned notifications (Data stack). */
  readonly deliveryQueue: IQueue;
  /** Its dead-letter queue (Data stack). */
  readonly deliveryDeadLetterQueue: IQueue;
  /** Base URL of the API, for approval links (`PUBLIC_API_URL`). */
  readonly publicApiUrl: string;
  /** The images bucket: the ticket-removed consumer deletes a deleted ticket's objects in it. */
  readonly imagesBucket: IBucket;
  /** Export holding the images bucket ARN (`ImagesStack.bucketArnExportName`). */
  readonly imagesBucketArnExportName: string;
  /** The operator alarms topic (`DataStack.alarmTopic`). */
  readonly alarmTopic: ITopic;
  /** Name of the SES configuration set every mail is sent with (`DataStack.mailConfigurationSet`). */
  readonly mailConfigurationSetName: string;
}

/** SES reputation levels at which AWS reviews an account (fractions, as the metrics report them). */
export const reputationThresholds = { bounceRate: 0.05, complaintRate: 0.001 } as const;

export class NotificationsStack extends Stack {
  /** Plans from the table stream, enqueues to the delivery queue. */
  readonly notifier: ServiceFunction;
  /** The notifier's stream on-failure destination. */
  readonly deadLetterQueue: Queue;
  /** Sends from the delivery queue. */
  readonly sender: ServiceFunction;
  /** Deletes what belonged to a deleted ticket, from the table stream's `REMOVE` records of tickets. */
  readonly ticketCleanup: ServiceFunction;
  readonly ticketCleanupDeadLetterQueue: Queue;
  /** Where the alarms go (`DataStack.alarmTopic`). */
  readonly alarmTopic: ITopic;

  constructor(scope: Construct, id: string, props: NotificationsStackProps) {
    super(scope, id, props);
    const { config, table, deliveryQueue, deliveryDeadLetterQueue } = props;
    const queueEnvironment = {
      DELIVERY_QUEUE_URL: deliveryQueue.queueUrl,
      DELIVERY_DEAD_LETTER_QUEUE_URL: deliveryDeadLetterQueue.queueUrl,
    };

    // The notifier reads nothing but the stream record: it needs no table access, only the two queues.
    this.notifier = new ServiceFunction(this, notifierSource.id, {
      entry: notifierSource.entry,
      description: 'Table stream consumer: plans approval, decision and ticket notifications onto the queue',
      config,
      alarmTopic: props.alarmTopic,
      timeout: Duration.seconds(60),
      environment: queueEnvironment,
    });
    deliveryQueue.grantSendMessages(this.notifier.role);
    deliveryDeadLetterQueue.grantSendMessages(this.notifier.role);

    this.deadLetterQueue = new Queue(this, 'StreamDeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      // Dead letters are the only copy of what failed: kept when the stack goes, in prod.
      removalPolicy: config.removalPolicy,
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself the on-failure destination (dead-letter queue) of the table stream event source ' +
        'mapping; cdk-nag only recognizes queues named in a RedrivePolicy as DLQs.',
    });

    this.notifier.function.addEventSource(
      new DynamoEventSource(table, {
        startingPosition: StartingPosition.LATEST,
        batchSize: streamSettings.batchSize,
        maxBatchingWindow: streamSettings.maxBatchingWindow,
        bisectBatchOnError: true,
        reportBatchItemFailures: true,
        retryAttempts: streamSettings.retryAttempts,
        maxRecordAge: streamSettings.maxRecordAge,
        parallelizationFactor: 1,
        onFailure: new SqsDlq(this.deadLetterQueue),
        filters: streamFilterPatterns.map((pattern) => FilterCriteria.filter(pattern)),
      }),
    );

    this.sender = this.senderFunction(props, queueEnvironment);

    const cleanup = this.ticketCleanupConsumer(props);
    this.ticketCleanup = cleanup.consumer;
    this.ticketCleanupDeadLetterQueue = cleanup.deadLetters;

    this.alarmTopic = props.alarmTopic;
    const deadLetterQueues: Array<[string, IQueue, string]> = [
      [
        'DeliveryDeadLetters',
        deliveryDeadLetterQueue,
        'notifications that failed for good or could not be planned',
      ],
      ['StreamDeadLetters', this.deadLetterQueue, 'table stream batches the notifier could not hand over'],
      ['TicketCleanupDeadLetters', cleanup.deadLetters, 'deleted tickets whose cleanup failed'],
    ];
    for (const [name, queue, what] of deadLetterQueues) {
      const alarm = new Alarm(this, `${name}Waiting`, {
        alarmDescription: `Dead letters waiting: ${what}. See docs/notifications.md ("Dead letters").`,
        metric: queue.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(1),
          statistic: 'Maximum',
        }),
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      alarm.addAlarmAction(new SnsAction(this.alarmTopic));
    }

    this.deliveryAlarms(config);
    this.smsPreferences(config);
  }

  /**
   * Account-level sending health, on the operator topic:
   * - SES reputation (`AWS/SES` `Reputation.BounceRate` and `Reputation.ComplaintRate`, fractions over the
   *   account's recent sending): AWS reviews an account above 5% bounces or 0.1% complaints and may pause its
   *   sending above 10% or 0.5% ("Reputation metrics", SES developer guide); the alarms fire at the review level.
   * - SMS spend (`AWS/SNS` `SMSMonthToDateSpentUSD`): at 80% of the monthly limit, before SNS stops sending SMS.
   */
  private deliveryAlarms(config: DeployConfig): void {
    const hourly = { period: Duration.hours(1), statistic: 'Maximum' };
    const alarms: Array<[string, string, Metric, number]> = [
      [
        'SesBounceRate',
        'SES bounce rate at or above 5% (AWS reviews the account; at 10% it may pause sending). Check recipients.',
        new Metric({ namespace: 'AWS/SES', metricName: 'Reputation.BounceRate', ...hourly }),
        reputationThresholds.bounceRate,
      ],
      [
        'SesComplaintRate',
        'SES complaint rate at or above 0.1% (AWS reviews the account; at 0.5% it may pause sending).',
        new Metric({ namespace: 'AWS/SES', metricName: 'Reputation.ComplaintRate', ...hourly }),
        reputationThresholds.complaintRate,
      ],
      [
        'SmsSpend',
        `SMS spend this month at or above 80% of the ${config.smsMonthlySpendLimitUsd} USD limit; at the limit ` +
          'SNS stops sending SMS until the month ends (raise smsMonthlySpendLimitUsd after a quota increase).',
        new Metric({
          namespace: 'AWS/SNS',
          metricName: 'SMSMonthToDateSpentUSD',
          period: Duration.minutes(5),
          statistic: 'Maximum',
        }),
        config.smsMonthlySpendLimitUsd * 0.8,
      ],
    ];
    for (const [id, description, metric, threshold] of alarms) {
      const alarm = new Alarm(this, id, {
        alarmDescription: description,
        metric,
        threshold,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      alarm.addAlarmAction(new SnsAction(this.alarmTopic));
    }
  }

  /**
   * SMS preferences are account settings of SNS (per region), set by the `SetSMSAttributes` API: CloudFormation
   * has no resource for them, so a custom resource calls it at deploy time. `DefaultSMSType: Transactional` (the
   * sender also marks each message Transactional) and `MonthlySpendLimit` from the deploy config. It changes
   * nothing on delete: the settings are the account's, and another stage in the same account and region shares
   * them (the last deploy wins). `sns:SetSMSAttributes` has no resource type ("Actions, resources, and condition
   * keys for Amazon SNS"), so its one statement is on "*".
   */
  private smsPreferences(config: DeployConfig): void {
    const setSms = {
      service: 'SNS',
      action: 'setSMSAttributes',
      parameters: {
        attributes: {
          DefaultSMSType: 'Transactional',
          MonthlySpendLimit: String(config.smsMonthlySpendLimitUsd),
        },
      },
      physicalResourceId: PhysicalResourceId.of('sms-preferences'),
    };
    const smsPreferences = new AwsCustomResource(this, 'SmsPreferences', {
      onCreate: setSms,
      onUpdate: setSms,
      installLatestAwsSdk: false,
      policy: AwsCustomResourcePolicy.fromStatements([
        new PolicyStatement({
          sid: 'SetSmsPreferences',
          actions: ['sns:SetSMSAttributes'],
          resources: ['*'],
        }),
      ]),
    });
    Validations.of(smsPreferences).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'sns:SetSMSAttributes sets account-level SMS preferences and has no resource type: IAM requires "*". The ' +
        'policy holds only this one action, used at deploy time.',
    });
    // AwsCustomResource runs in aws-cdk-lib's singleton function AWS<uuid>, whose role it creates with
    // AWSLambdaBasicExecutionRole.
    const provider = this.node.tryFindChild(
      `AWS${AwsCustomResource.PROVIDER_FUNCTION_UUID.replace(/-/g, '')}`,
    );
    if (!provider) throw new Error('AwsCustomResource provider function not found: aws-cdk-lib changed');
    Validations.of(provider).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason:
        'Role of the AwsCustomResource provider function that aws-cdk-lib creates to call SNS SetSMSAttributes at ' +
        'deploy time; the L2 API offers no way to replace its role, and it runs only during deployments (it only ' +
        'writes its own CloudWatch logs with this policy).',
    });
  }

  /** The sender: consumes the delivery queue; the table (recipients, links, log, idempotency), SES and SNS. */
  private senderFunction(
    props: NotificationsStackProps,
    queueEnvironment: Record<string, string>,
  ): ServiceFunction {
    const { config, table, deliveryQueue, deliveryDeadLetterQueue } = props;
    const sender = new ServiceFunction(this, senderSource.id, {
      entry: senderSource.entry,
      description: senderSource.summary,
      config,
      alarmTopic: props.alarmTopic,
      timeout: Duration.seconds(deliveryQueueSettings.senderTimeoutSeconds),
      environment: {
        TABLE_NAME: table.tableName,
        PUBLIC_API_URL: props.publicApiUrl,
        MAIL_FROM: config.mailFrom,
        SES_CONFIGURATION_SET: props.mailConfigurationSetName,
        // The send quotas' limits, each under the variable its quota reads (shared/notifications/quotas.ts).
        ...Object.fromEntries(
          Object.entries(config.sendQuotas).map(([name, limit]) => [
            quotas[name as QuotaName].env,
            String(limit),
          ]),
        ),
        APPROVAL_LINK_TTL_SECONDS: String(config.approvalLinkTtlSeconds),
        ...(config.smsSenderId ? { SMS_SENDER_ID: config.smsSenderId } : {}),
        // Who is alerted of new optics requests (empty: every admin) and of low stock (the inventory role's
        // members): shared/notifications/recipient-groups.ts.
        ...(config.opticsAlertEmails.length > 0
          ? { OPTICS_ALERT_EMAILS: config.opticsAlertEmails.join(',') }
          : {}),
        INVENTORY_ROLE: config.inventoryRole,
        ...queueEnvironment,
        DELIVERY_RETRY_BASE_SECONDS: String(deliveryQueueSettings.retryBaseSeconds),
        DELIVERY_RETRY_CAP_SECONDS: String(deliveryQueueSettings.retryCapSeconds),
        DELIVERY_MAX_RECEIVE_COUNT: String(deliveryQueueSettings.maxReceiveCount),
      },
    });
    const role = sender.role;
    // Read (recipients, tickets) and write (send log, idempotency records, approval link tokens).
    grantTableRead(role, table);
    grantTableWrite(role, table);
    // Bodies that are not delivery messages, and redriven records that still cannot be planned.
    deliveryDeadLetterQueue.grantSendMessages(role);

    // SES authorizes a send against the sending identity (the address itself or its verified domain) and, when the
    // send names one, against the configuration set ("Actions, resources, and condition keys for Amazon SES":
    // SendEmail's resource types are identity and configuration-set).
    const domain = config.mailFrom.split('@')[1] ?? config.mailFrom;
    role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'SendEmail',
        actions: ['ses:SendEmail', 'ses:SendRawEmail'],
        resources: [
          ...[config.mailFrom, domain].map((identity) =>
            this.formatArn({ service: 'ses', resource: 'identity', resourceName: identity }),
          ),
          this.formatArn({
            service: 'ses',
            resource: 'configuration-set',
            resourceName: props.mailConfigurationSetName,
          }),
        ],
      }),
    );

    // SMS to a phone number has no resource ARN: IAM only accepts "*" here ("Publish" with `PhoneNumber` is
    // authorized against resource "*", Amazon SNS developer guide, "Using identity-based policies with Amazon
    // SNS"; the Step Functions SNS integration policy grants `sns:Publish` on "*" for the same reason). "*" alone
    // would also let the sender publish to every topic and mobile endpoint of the account (the operator alarms
    // topic, say), so an explicit Deny covers every SNS ARN (`arn:<partition>:sns:*:*:*`: topics and platform
    // endpoints); a publish to a phone number names no ARN and stays allowed. An explicit Deny wins over any Allow
    // ("Policy evaluation logic", IAM user guide). Kept in its own policy so that the acknowledgement below covers
    // exactly this statement.
    const smsPolicy = new Policy(this, 'SmsPublish', {
      statements: [
        new PolicyStatement({ sid: 'PublishSms', actions: ['sns:Publish'], resources: ['*'] }),
        new PolicyStatement({
          sid: 'NoTopicOrEndpointPublish',
          effect: Effect.DENY,
          actions: ['sns:Publish'],
          resources: [`arn:${this.partition}:sns:*:*:*`],
        }),
      ],
    });
    role.attachInlinePolicy(smsPolicy);
    Validations.of(smsPolicy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'sns:Publish straight to a phone number (SMS) has no resource ARN to scope to; IAM requires "*". The ' +
        'policy holds only this one action, and denies it explicitly on every SNS topic and endpoint ARN.',
    });

    // Lambda deletes what succeeded and leaves the failed messages, hidden for the delay the sender set.
    sender.function.addEventSource(
      new SqsEventSource(deliveryQueue, {
        batchSize: senderSettings.batchSize,
        maxBatchingWindow: senderSettings.maxBatchingWindow,
        maxConcurrency: senderSettings.maxConcurrency,
        reportBatchItemFailures: true,
      }),
    );
    return sender;
  }

  /**
   * The table-maintenance consumer (it was the ticket-removed consumer): least privilege on the table (Query and
   * BatchWriteItem for the cleanup; BatchGetItem, PutItem and UpdateItem on the counter items only, by key prefix) and
   * on the bucket.
   */
  private ticketCleanupConsumer(props: NotificationsStackProps): {
    consumer: ServiceFunction;
    deadLetters: Queue;
  } {
    const { config, table } = props;
    const cleanup = new ServiceFunction(this, tableMaintenanceSource.id, {
      entry: tableMaintenanceSource.entry,
      description: tableMaintenanceSource.summary,
      config,
      alarmTopic: props.alarmTopic,
      timeout: Duration.minutes(5),
      environment: { TABLE_NAME: table.tableName, IMAGES_BUCKET: props.imagesBucket.bucketName },
    });
    const role = cleanup.role;
    // The ticket's partition is read page by page and deleted in batches; approval links are deleted by key.
    role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'TicketPartitionCleanup',
        actions: ['dynamodb:Query', 'dynamodb:BatchWriteItem'],
        resources: [table.tableArn],
      }),
    );
    // The dashboard counters: a batch's counted states read, then transactions (their writes are authorized as
    // PutItem and UpdateItem) on the counted states and the counter items; no other partition (`dynamodb:LeadingKeys`).
    role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'DashboardCounters',
        actions: ['dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
        resources: [table.tableArn],
        conditions: {
          'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...dashboardCounterKeyPatterns] },
        },
      }),
    );
    // Explicitly named import: gives the `<ARN>/tickets/*` resource a stable string for the acknowledgement.
    const bucketArn = Fn.importValue(props.imagesBucketArnExportName);
    role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'ListTicketObjects',
        actions: ['s3:ListBucket'],
        resources: [bucketArn],
        conditions: { StringLike: { 's3:prefix': [`${imageKeyPrefix}*`] } },
      }),
    );
    role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'DeleteTicketObjects',
        actions: ['s3:DeleteObject'],
        resources: [imageObjectsArn(bucketArn)],
      }),
    );
    Validations.of(cleanup).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${props.imagesBucketArnExportName}/${imageKeyPrefix}*]`,
      reason:
        'Object keys are tickets/<ticketId>/..., known only at runtime; the grant is limited to that prefix and ' +
        'to the one action the cleanup of a deleted ticket needs (DeleteObject).',
    });

    const deadLetters = new Queue(cleanup, 'DeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy: config.removalPolicy,
    });
    Validations.of(deadLetters).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself the on-failure destination (dead-letter queue) of the ticket-removed stream ' +
        'event source mapping; cdk-nag only recognizes queues named in a RedrivePolicy as DLQs.',
    });

    cleanup.function.addEventSource(
      new DynamoEventSource(table, {
        startingPosition: StartingPosition.LATEST,
        batchSize: tableMaintenanceDelivery.batchSize,
        maxBatchingWindow: Duration.seconds(1),
        bisectBatchOnError: tableMaintenanceDelivery.bisectBatchOnError,
        reportBatchItemFailures: true,
        retryAttempts: tableMaintenanceDelivery.retryAttempts,
        maxRecordAge: Duration.hours(24),
        parallelizationFactor: 1,
        onFailure: new SqsDlq(deadLetters),
        filters: tableMaintenanceFilters.map((pattern) => FilterCriteria.filter(pattern)),
      }),
    );
    return { consumer: cleanup, deadLetters };
  }
}
