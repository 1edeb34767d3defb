import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import {
  actionsOf,
  buildTestApp,
  logicalId,
  only,
  resourcesOf,
  statementsOfRole,
  templates,
} from './helpers.ts';

describe('notifications stack', () => {
  const built = buildTestApp({ mailFrom: 'help@support.example.org', smsSenderId: 'HelpDesk' });
  const notifications = templates(built).notifications;
  const queueId = logicalId(built.notifications, built.notifications.deadLetterQueue);
  const roleId = logicalId(built.notifications, built.notifications.notifier.role as never);
  const statements = statementsOfRole(notifications, roleId);
  const notifierId = logicalId(built.notifications, built.notifications.notifier.function as never);
  const cleanupId = logicalId(built.notifications, built.notifications.ticketCleanup.function as never);
  const cleanupQueueId = logicalId(built.notifications, built.notifications.ticketCleanupDeadLetterQueue);
  const cleanupStatements = statementsOfRole(
    notifications,
    logicalId(built.notifications, built.notifications.ticketCleanup.role as never),
  );
  type Mapping = { Properties: Record<string, unknown> & { FunctionName: { Ref: string } } };
  const mappingOf = (functionId: string) =>
    only(
      Object.values(
        notifications.findResources('AWS::Lambda::EventSourceMapping') as Record<string, Mapping>,
      ).filter((mapping) => mapping.Properties.FunctionName.Ref === functionId),
      `event source mapping of ${functionId}`,
    );
  const patternsOf = (mapping: Mapping) =>
    ((mapping.Properties.FilterCriteria as { Filters: { Pattern: string }[] }).Filters ?? []).map((filter) =>
      JSON.parse(filter.Pattern),
    );

  it('consumes the table stream in small batches with partial failures, bisection, bounded retries and a DLQ', () => {
    notifications.resourceCountIs('AWS::Lambda::EventSourceMapping', 2);
    expect(mappingOf(notifierId).Properties).toMatchObject({ BatchSize: 10, MaximumRetryAttempts: 5 });
    notifications.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::ImportValue': Match.stringLikeRegexp('StreamArn') },
      StartingPosition: 'LATEST',
      BatchSize: 10,
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      MaximumRetryAttempts: 5,
      MaximumRecordAgeInSeconds: 86_400,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueId, 'Arn'] } } },
    });
  });

  it('invokes the notifier only for tickets, comments and audit events, not for its own writes', () => {
    expect(patternsOf(mappingOf(notifierId))).toEqual([
      { eventName: ['INSERT', 'MODIFY'], dynamodb: { NewImage: { entityType: { S: ['ticket'] } } } },
      { eventName: ['INSERT'], dynamodb: { NewImage: { entityType: { S: ['comment', 'ticketEvent'] } } } },
    ]);
  });

  it('keeps the dead-letter queue encrypted and TLS-only', () => {
    notifications.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 24 * 3600,
    });
    notifications.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('may send email only as the configured identity (address or its domain)', () => {
    const ses = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('ses:')));
    const statement = only(ses, 'ses statement');
    expect(actionsOf(statement).sort()).toEqual(['ses:SendEmail', 'ses:SendRawEmail']);
    const identities = JSON.stringify(resourcesOf(statement));
    expect(identities).toContain(':identity/help@support.example.org');
    expect(identities).toContain(':identity/support.example.org');
    expect(identities).not.toContain('*');
  });

  it('may publish SMS (resource "*" is the only option) and nothing else on SNS', () => {
    const sns = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('sns:')));
    expect(sns).toEqual([expect.objectContaining({ Effect: 'Allow', Action: 'sns:Publish', Resource: '*' })]);
  });

  it('reads the stream and reads/writes the table, without Scan', () => {
    const actions = statements.flatMap(actionsOf);
    expect(actions).toEqual(
      expect.arrayContaining([
        'dynamodb:GetRecords',
        'dynamodb:GetShardIterator',
        'dynamodb:Query',
        'dynamodb:PutItem',
      ]),
    );
    expect(actions).not.toContain('dynamodb:Scan');
  });

  it('gets the API URL for approval links, the sender and the SMS sender id', () => {
    notifications.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Environment: {
        Variables: Match.objectLike({
          PUBLIC_API_URL: {
            'Fn::Join': ['', Match.arrayWith(['https://', Match.stringLikeRegexp('execute-api')])],
          },
          MAIL_FROM: 'help@support.example.org',
          SMS_SENDER_ID: 'HelpDesk',
          TABLE_NAME: Match.anyValue(),
        }),
      },
    });
  });

  describe('ticket-removed consumer', () => {
    it('takes only the removal of a ticket item from the stream', () => {
      expect(patternsOf(mappingOf(cleanupId))).toEqual([
        { eventName: ['REMOVE'], dynamodb: { OldImage: { entityType: { S: ['ticket'] } } } },
      ]);
    });

    it('is retried: partial failures, bisection, 10 retries within a day, then its own dead-letter queue', () => {
      expect(mappingOf(cleanupId).Properties).toMatchObject({
        EventSourceArn: { 'Fn::ImportValue': expect.stringMatching(/StreamArn/) },
        StartingPosition: 'LATEST',
        BatchSize: 10,
        BisectBatchOnFunctionError: true,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        MaximumRetryAttempts: 10,
        MaximumRecordAgeInSeconds: 86_400,
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [cleanupQueueId, 'Arn'] } } },
      });
      expect(cleanupQueueId).not.toBe(queueId);
      notifications.hasResourceProperties('AWS::SQS::Queue', {
        SqsManagedSseEnabled: true,
        MessageRetentionPeriod: 14 * 24 * 3600,
      });
    });

    it('may Query and batch-delete in the table, list tickets/ and delete objects under it, nothing else', () => {
      const own = cleanupStatements.filter((statement) => statement.Sid);
      const bySid = Object.fromEntries(own.map((statement) => [statement.Sid, statement]));
      expect(actionsOf(bySid.TicketPartitionCleanup as never).sort()).toEqual([
        'dynamodb:BatchWriteItem',
        'dynamodb:Query',
      ]);
      expect(JSON.stringify(resourcesOf(bySid.TicketPartitionCleanup as never))).not.toContain('index');
      expect(bySid.ListTicketObjects).toMatchObject({
        Action: 's3:ListBucket',
        Resource: { 'Fn::ImportValue': expect.stringMatching(/images-bucket-arn$/) },
        Condition: { StringLike: { 's3:prefix': ['tickets/*'] } },
      });
      expect(bySid.DeleteTicketObjects).toMatchObject({ Action: 's3:DeleteObject' });
      expect(JSON.stringify(bySid.DeleteTicketObjects?.Resource)).toContain('/tickets/*');
      const actions = cleanupStatements.flatMap(actionsOf);
      expect(actions).not.toContain('dynamodb:Scan');
      expect(actions.filter((action) => action.startsWith('s3:')).sort()).toEqual([
        's3:DeleteObject',
        's3:ListBucket',
      ]);
      expect(actions.some((action) => action.startsWith('ses:') || action.startsWith('sns:'))).toBe(false);
    });

    it('knows its table and bucket', () => {
      notifications.hasResourceProperties('AWS::Lambda::Function', {
        Environment: {
          Variables: Match.objectLike({ TABLE_NAME: Match.anyValue(), IMAGES_BUCKET: Match.anyValue() }),
        },
      });
    });
  });
});
