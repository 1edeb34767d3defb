import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import {
  globalSecondaryIndexes,
  projectionOf,
  streamViewType,
  tableKeys,
  ttlAttribute,
} from '#shared/platform/table.ts';
import { buildTestApp, templates } from './helpers.ts';

describe('data stack', () => {
  const dev = templates(buildTestApp()).data;

  it('has exactly one table, keyed pk/sk, with the three overloaded GSIs from shared/data/table.ts', () => {
    dev.resourceCountIs('AWS::DynamoDB::GlobalTable', 1);
    dev.resourceCountIs('AWS::DynamoDB::Table', 0);
    dev.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: tableKeys.partitionKey, KeyType: 'HASH' },
        { AttributeName: tableKeys.sortKey, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: globalSecondaryIndexes.map((index) => ({
        IndexName: index.indexName,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
        Projection: projectionOf(index),
      })),
    });
    expect(globalSecondaryIndexes.map((index) => index.indexName)).toEqual(
      expect.arrayContaining(['gsi1', 'gsi2', 'gsi3', 'gsi4', 'gsi5', 'gsi6']),
    );
    // The user lists sort on the Number attribute ticketsCount (gsi4, gsi5); every other key is a String.
    dev.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      AttributeDefinitions: Match.arrayWith([{ AttributeName: 'ticketsCount', AttributeType: 'N' }]),
    });
  });

  it('streams new and old images, expires items on expiresAt and keeps point-in-time recovery', () => {
    expect(streamViewType).toBe('NEW_AND_OLD_IMAGES');
    expect(ttlAttribute).toBe('expiresAt');
    dev.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      Replicas: [
        Match.objectLike({
          Region: 'us-east-1',
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        }),
      ],
    });
  });

  it('is disposable outside prod', () => {
    dev.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({ Replicas: [Match.objectLike({ DeletionProtectionEnabled: false })] }),
    });
  });

  it('is protected and retained in prod, in the configured region', () => {
    const prod = templates(buildTestApp({ stage: 'prod', region: 'eu-west-1' })).data;
    prod.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        Replicas: [Match.objectLike({ Region: 'eu-west-1', DeletionProtectionEnabled: true })],
      }),
    });
  });
});
