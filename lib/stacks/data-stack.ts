/**
 * Data: the one DynamoDB table of the service (single-table design), defined by shared/platform/table.ts.
 *
 * On-demand billing, a NEW_AND_OLD_IMAGES stream (it drives the notifier), TTL on `expiresAt`, point-in-time
 * recovery; in prod, deletion protection and RETAIN.
 *
 * Also the delivery queue and its dead-letter queue (`shared/notifications/delivery-queue.ts`): durable state like
 * the table, used by the notifier (sends to it), the sender (consumes it) and the admin routes that list and redrive
 * dead deliveries, so they live here rather than in either of those stacks.
 *
 * And the operator alarms topic: every stack's alarms (function errors and throttles, API, dead letters, SES
 * reputation, SMS spend) publish to it, and every stack with alarms already depends on this one. It is encrypted
 * with a customer managed key because CloudWatch alarms cannot publish to a topic encrypted with the AWS managed key
 * `alias/aws/sns`, whose key policy cannot grant `cloudwatch.amazonaws.com` (Amazon SNS developer guide, "Enabling
 * compatibility between event sources from AWS services and encrypted topics"); the key and the topic policy let
 * only CloudWatch alarms of this account in.
 *
 * And the SES configuration set every mail of the service is sent with (the notifier's sender and Cognito's own
 * mails): it adds BOUNCE and COMPLAINT to the suppression list for its sends, so an address that hard-bounced or
 * complained gets no more mail from us even if the account-level list were off ("Using the Amazon SES
 * account-level suppression list" and `SuppressionOptions`, SES developer guide), and publishes reputation metrics
 * for its sends. Here because two stacks (auth, notifications) use it and both already depend on this one.
 */
import { ArnFormat, CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { AttributeType, Billing, ProjectionType, StreamViewType, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { ConfigurationSet, SuppressionReasons } from 'aws-cdk-lib/aws-ses';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { deliveryQueueSettings } from '#shared/notifications/delivery-queue.ts';
import {
  globalSecondaryIndexes,
  keyAttributeType,
  projectionOf,
  streamViewType,
  tableKeys,
  ttlAttribute,
} from '#shared/platform/table.ts';
import type { DeployConfig } from '../deploy-config.ts';

/**
 * The name of a stage's SES configuration set (suppresses bounced and complained addresses, reputation metrics):
 * every mail the help desk sends names it, from the stream's sender and from the routes that mail themselves.
 */
export const mailConfigurationSetName = (stage: string): string => `helpdesk-${stage}`;

export interface DataStackProps extends StackProps {
  readonly config: DeployConfig;
}

export class DataStack extends Stack {
  readonly table: TableV2;
  /** Planned notifications waiting to be sent (and retried, for hours, through a provider outage). */
  readonly deliveryQueue: Queue;
  /** Deliveries that still failed after `maxReceiveCount` receives, and stream records that could not be planned. */
  readonly deliveryDeadLetterQueue: Queue;
  /** Where every alarm goes (`alarmEmail` subscribes to it). */
  readonly alarmTopic: Topic;
  /** The SES configuration set of every mail the service sends (suppression of bounces and complaints). */
  readonly mailConfigurationSet: ConfigurationSet;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    const { config } = props;

    this.table = new TableV2(this, 'Table', {
      partitionKey: { name: tableKeys.partitionKey, type: AttributeType.STRING },
      sortKey: { name: tableKeys.sortKey, type: AttributeType.STRING },
      globalSecondaryIndexes: globalSecondaryIndexes.map((index) => ({
        indexName: index.indexName,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: {
          name: index.sortKey,
          type: keyAttributeType(index.sortKey) === 'N' ? AttributeType.NUMBER : AttributeType.STRING,
        },
        projectionType: ProjectionType[projectionOf(index).ProjectionType],
        nonKeyAttributes: projectionOf(index).NonKeyAttributes,
      })),
      billing: Billing.onDemand(),
      dynamoStream: StreamViewType[streamViewType],
      timeToLiveAttribute: ttlAttribute,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: config.isProd,
      removalPolicy: config.removalPolicy,
    });

    this.deliveryDeadLetterQueue = new Queue(this, 'DeliveryDeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.seconds(deliveryQueueSettings.deadLetterRetentionSeconds),
      removalPolicy: config.removalPolicy,
    });
    this.deliveryQueue = new Queue(this, 'Deliveries', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(deliveryQueueSettings.visibilityTimeoutSeconds),
      retentionPeriod: Duration.seconds(deliveryQueueSettings.retentionSeconds),
      deadLetterQueue: {
        queue: this.deliveryDeadLetterQueue,
        maxReceiveCount: deliveryQueueSettings.maxReceiveCount,
      },
      removalPolicy: config.removalPolicy,
    });

    const alarmKey = new Key(this, 'OperatorAlarmsKey', {
      description: 'Encrypts the help desk operator alarms topic (CloudWatch alarms publish to it)',
      enableKeyRotation: true,
      removalPolicy: config.removalPolicy,
    });
    const fromAlarmsOfThisAccount = {
      StringEquals: { 'aws:SourceAccount': this.account },
      ArnLike: {
        'aws:SourceArn': this.formatArn({
          service: 'cloudwatch',
          resource: 'alarm',
          resourceName: '*',
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      },
    };
    alarmKey.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: fromAlarmsOfThisAccount,
      }),
    );
    this.alarmTopic = new Topic(this, 'OperatorAlarms', {
      displayName: 'Help desk operator alarms',
      enforceSSL: true,
      masterKey: alarmKey,
    });
    this.alarmTopic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.alarmTopic.topicArn],
        conditions: fromAlarmsOfThisAccount,
      }),
    );
    if (config.alarmEmail) this.alarmTopic.addSubscription(new EmailSubscription(config.alarmEmail));

    this.mailConfigurationSet = new ConfigurationSet(this, 'MailConfiguration', {
      configurationSetName: mailConfigurationSetName(config.stage),
      suppressionReasons: SuppressionReasons.BOUNCES_AND_COMPLAINTS,
      reputationMetrics: true,
      sendingEnabled: true,
    });

    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'DeliveryQueueUrl', { value: this.deliveryQueue.queueUrl });
    new CfnOutput(this, 'DeliveryDeadLetterQueueUrl', { value: this.deliveryDeadLetterQueue.queueUrl });
    new CfnOutput(this, 'MailConfigurationSet', { value: this.mailConfigurationSet.configurationSetName });
  }
}
