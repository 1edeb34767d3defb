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

  it('consumes the table stream in small batches with partial failures, bisection, bounded retries and a DLQ', () => {
    notifications.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
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
    const [mapping] = Object.values(notifications.findResources('AWS::Lambda::EventSourceMapping'));
    const patterns = ((mapping?.Properties.FilterCriteria.Filters ?? []) as { Pattern: string }[]).map(
      (filter) => JSON.parse(filter.Pattern),
    );
    expect(patterns).toEqual([
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
});
