/**
 * Data: the one DynamoDB table of the service (single-table design), defined by shared/platform/table.ts.
 *
 * On-demand billing, a NEW_AND_OLD_IMAGES stream (it drives the notifier), TTL on `expiresAt`, point-in-time
 * recovery; in prod, deletion protection and RETAIN.
 *
 * Also the delivery queue and its dead-letter queue (`shared/notifications/delivery-queue.ts`): durable state like
 * the table, used by the notifier (sends to it), the sender (consumes it) and the admin routes that list and redrive
 * dead deliveries, so they live here rather than in either of those stacks.
 */
import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { AttributeType, Billing, ProjectionType, StreamViewType, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
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

export interface DataStackProps extends StackProps {
  readonly config: DeployConfig;
}

export class DataStack extends Stack {
  readonly table: TableV2;
  /** Planned notifications waiting to be sent (and retried, for hours, through a provider outage). */
  readonly deliveryQueue: Queue;
  /** Deliveries that still failed after `maxReceiveCount` receives, and stream records that could not be planned. */
  readonly deliveryDeadLetterQueue: Queue;

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

    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'DeliveryQueueUrl', { value: this.deliveryQueue.queueUrl });
    new CfnOutput(this, 'DeliveryDeadLetterQueueUrl', { value: this.deliveryDeadLetterQueue.queueUrl });
  }
}
