/**
 * Notifications: the table's stream drives the notifier (`notifierSource` in shared/notifications/routes.ts), which sends approval requests,
 * decisions, assignments and replies by SES email and SNS SMS. Records that still fail after the retries go to
 * an encrypted SQS dead-letter queue with their stream coordinates.
 */
import { Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Policy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { FilterCriteria, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { streamFilterPatterns } from '#shared/notifications/plan.ts';
import { notifierSource } from '#shared/notifications/routes.ts';
import { grantTableRead, grantTableWrite } from '../constructs/grants.ts';
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
}

export class NotificationsStack extends Stack {
  readonly notifier: ServiceFunction;
  readonly deadLetterQueue: Queue;

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
  }
}
