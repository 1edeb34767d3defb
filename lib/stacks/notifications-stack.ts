/**
 * Notifications: the table's stream drives the notifier (`notifierSource` in shared/notifications/routes.ts), which sends approval requests,
 * decisions, assignments and replies by SES email and SNS SMS. Records that still fail after the retries go to
 * an encrypted SQS dead-letter queue with their stream coordinates.
 *
 * The same stream drives the ticket-removed consumer (`ticketRemovedSource` in shared/tickets/routes.ts), which
 * deletes what belonged to a deleted ticket (its partition's items, approval links, stored objects), with its own
 * filter (a ticket's `REMOVE`), retries and dead-letter queue. Two consumers is what DynamoDB Streams recommends at
 * most per shard ("DynamoDB Streams and AWS Lambda triggers", DynamoDB developer guide).
 */
import { Duration, Fn, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Policy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { FilterCriteria, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { streamFilterPatterns } from '#shared/notifications/plan.ts';
import { notifierSource } from '#shared/notifications/routes.ts';
import { ticketRemovedDelivery, ticketRemovedFilter, ticketRemovedSource } from '#shared/tickets/routes.ts';
import { grantTableRead, grantTableWrite, imageKeyPrefix, imageObjectsArn } from '../constructs/grants.ts';
import { ServiceFunction } from '../constructs/service-function.ts';
import type { DeployConfig } from '../deploy-config.ts';

/** Stream event source settings (asserted by test/infra). */
export const streamSettings = {
  batchSize: 10,
  retryAttempts: 5,
  maxRecordAge: Duration.hours(24),
  maxBatchingWindow: Duration.seconds(1),
} as const;

export interface NotificationsStackProps extends StackProps {
  readonly config: DeployConfig;
  readonly table: ITableV2;
  /** Base URL of the API, for approval links (`PUBLIC_API_URL`). */
  readonly publicApiUrl: string;
  /** The images bucket: the ticket-removed consumer deletes a deleted ticket's objects in it. */
  readonly imagesBucket: IBucket;
  /** Export holding the images bucket ARN (`ImagesStack.bucketArnExportName`). */
  readonly imagesBucketArnExportName: string;
}

export class NotificationsStack extends Stack {
  readonly notifier: ServiceFunction;
  readonly deadLetterQueue: Queue;
  /** Deletes what belonged to a deleted ticket, from the table stream's `REMOVE` records of tickets. */
  readonly ticketCleanup: ServiceFunction;
  readonly ticketCleanupDeadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: NotificationsStackProps) {
    super(scope, id, props);
    const { config, table } = props;

    this.notifier = new ServiceFunction(this, 'Notifier', {
      entry: notifierSource.entry,
      description: 'Table stream consumer: approval, decision and ticket notifications by email and SMS',
      config,
      timeout: Duration.seconds(60),
      environment: {
        TABLE_NAME: table.tableName,
        PUBLIC_API_URL: props.publicApiUrl,
        MAIL_FROM: config.mailFrom,
        APPROVAL_LINK_TTL_SECONDS: String(config.approvalLinkTtlSeconds),
        ...(config.smsSenderId ? { SMS_SENDER_ID: config.smsSenderId } : {}),
      },
    });
    const role = this.notifier.role;
    // Read (recipients, tickets) and write (send log, idempotency records, approval link tokens).
    grantTableRead(role, table);
    grantTableWrite(role, table);

    // SES authorizes against the sending identity: the address itself or its verified domain.
    const domain = config.mailFrom.split('@')[1] ?? config.mailFrom;
    role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'SendEmail',
        actions: ['ses:SendEmail', 'ses:SendRawEmail'],
        resources: [config.mailFrom, domain].map((identity) =>
          this.formatArn({ service: 'ses', resource: 'identity', resourceName: identity }),
        ),
      }),
    );

    // SMS to a phone number has no resource ARN: IAM only accepts "*" here. Kept in its own policy so that the
    // acknowledgement below covers exactly this statement.
    const smsPolicy = new Policy(this, 'SmsPublish', {
      statements: [new PolicyStatement({ sid: 'PublishSms', actions: ['sns:Publish'], resources: ['*'] })],
    });
    role.attachInlinePolicy(smsPolicy);
    Validations.of(smsPolicy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'sns:Publish straight to a phone number (SMS) has no resource ARN to scope to; IAM requires "*". The ' +
        'policy holds only this one action.',
    });

    this.deadLetterQueue = new Queue(this, 'StreamDeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
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

    const cleanup = this.ticketCleanupConsumer(props);
    this.ticketCleanup = cleanup.consumer;
    this.ticketCleanupDeadLetterQueue = cleanup.deadLetters;
  }

  /** The ticket-removed consumer: least privilege on the table (Query, BatchWriteItem) and the bucket. */
  private ticketCleanupConsumer(props: NotificationsStackProps): {
    consumer: ServiceFunction;
    deadLetters: Queue;
  } {
    const { config, table } = props;
    const cleanup = new ServiceFunction(this, ticketRemovedSource.id, {
      entry: ticketRemovedSource.entry,
      description: ticketRemovedSource.summary,
      config,
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
        batchSize: ticketRemovedDelivery.batchSize,
        maxBatchingWindow: Duration.seconds(1),
        bisectBatchOnError: ticketRemovedDelivery.bisectBatchOnError,
        reportBatchItemFailures: true,
        retryAttempts: ticketRemovedDelivery.retryAttempts,
        maxRecordAge: Duration.hours(24),
        parallelizationFactor: 1,
        onFailure: new SqsDlq(deadLetters),
        filters: [FilterCriteria.filter(ticketRemovedFilter)],
      }),
    );
    return { consumer: cleanup, deadLetters };
  }
}
