/**
 * Data: the one DynamoDB table of the service (single-table design), defined by shared/platform/table.ts.
 *
 * On-demand billing, a NEW_AND_OLD_IMAGES stream (it drives the notifier), TTL on `expiresAt`, point-in-time
 * recovery; in prod, deletion protection and RETAIN.
 */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import { AttributeType, Billing, ProjectionType, StreamViewType, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
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

    new CfnOutput(this, 'TableName', { value: this.table.tableName });
  }
}
