import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { quotaLimit, quotas } from '#shared/notifications/quotas.ts';
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
  const built = buildTestApp({
    mailFrom: 'help@support.example.org',
    smsSenderId: 'HelpDesk',
    alarmEmail: 'ops@support.example.org',
    approvalRequestsPerRequesterPerHour: 4,
    opticsAlertEmails: 'optics@support.example.org, buyer@support.example.org',
  });
  const notifications = templates(built).notifications;
  const data = templates(built).data;
  const configurationSetExport = expect.stringMatching(
    /^helpdesk-dev-data:ExportsOutputRefMailConfiguration/,
  );
  const queueId = logicalId(built.notifications, built.notifications.deadLetterQueue);
  const roleId = logicalId(built.notifications, built.notifications.notifier.role as never);
  const statements = statementsOfRole(notifications, roleId);
  const senderStatements = statementsOfRole(
    notifications,
    logicalId(built.notifications, built.notifications.sender.role as never),
  );
  const notifierId = logicalId(built.notifications, built.notifications.notifier.function as never);
  const senderId = logicalId(built.notifications, built.notifications.sender.function as never);
  const cleanupId = logicalId(built.notifications, built.notifications.ticketCleanup.function as never);
  const cleanupQueueId = logicalId(built.notifications, built.notifications.ticketCleanupDeadLetterQueue);
  const cleanupStatements = statementsOfRole(
    notifications,
    logicalId(built.notifications, built.notifications.ticketCleanup.role as never),
  );
  const deliveryQueueId = logicalId(built.data, built.data.deliveryQueue);
  const deliveryDlqId = logicalId(built.data, built.data.deliveryDeadLetterQueue);
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
  const variablesOf = (functionId: string) =>
    (
      notifications.findResources('AWS::Lambda::Function')[functionId] as {
        Properties: { Environment: { Variables: Record<string, unknown> } };
      }
    ).Properties.Environment.Variables;

  it('plans from the table stream in small batches with partial failures, bisection, retries and a DLQ', () => {
    notifications.resourceCountIs('AWS::Lambda::EventSourceMapping', 3);
    expect(mappingOf(notifierId).Properties).toMatchObject({
      EventSourceArn: { 'Fn::ImportValue': expect.stringMatching(/StreamArn/) },
      StartingPosition: 'LATEST',
      BatchSize: 10,
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      MaximumRetryAttempts: 10,
      MaximumRecordAgeInSeconds: 86_400,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueId, 'Arn'] } } },
    });
  });

  it('invokes the notifier only for tickets, mailboxes (message digests), optics requests, inventory balances, comments and audit events, not for its own writes', () => {
    expect(patternsOf(mappingOf(notifierId))).toEqual([
      {
        eventName: ['INSERT', 'MODIFY'],
        dynamodb: {
          NewImage: { entityType: { S: ['inventoryBalance', 'mailbox', 'opticsRequest', 'ticket'] } },
        },
      },
      { eventName: ['INSERT'], dynamodb: { NewImage: { entityType: { S: ['comment', 'ticketEvent'] } } } },
    ]);
  });

  it('the notifier only sends to the two delivery queues: no table, no SES, no SNS', () => {
    const actions = statements.flatMap(actionsOf);
    expect(actions.filter((action) => action.startsWith('dynamodb:')).sort()).toEqual([
      'dynamodb:DescribeStream',
      'dynamodb:GetRecords',
      'dynamodb:GetShardIterator',
      'dynamodb:ListStreams',
    ]);
    expect(actions.some((action) => action.startsWith('ses:') || action.startsWith('sns:'))).toBe(false);
    const sqs = statements.filter((statement) => actionsOf(statement).includes('sqs:SendMessage'));
    expect(JSON.stringify(sqs.flatMap(resourcesOf))).toContain(deliveryQueueId);
    expect(JSON.stringify(sqs.flatMap(resourcesOf))).toContain(deliveryDlqId);
    expect(variablesOf(notifierId)).toEqual({
      DELIVERY_QUEUE_URL: expect.anything(),
      DELIVERY_DEAD_LETTER_QUEUE_URL: expect.anything(),
      ...Object.fromEntries(
        Object.keys(variablesOf(notifierId))
          .filter(
            (name) => name.startsWith('POWERTOOLS') || name.startsWith('NODE') || name.startsWith('AWS'),
          )
          .map((name) => [name, expect.anything()]),
      ),
    });
  });

  it('keeps the delivery queue for longer than the retry schedule, with a DLQ after 40 receives', () => {
    data.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      VisibilityTimeout: 180,
      MessageRetentionPeriod: 4 * 24 * 3600,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [deliveryDlqId, 'Arn'] }, maxReceiveCount: 40 },
    });
    data.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 24 * 3600,
    });
  });

  it('sends from the delivery queue with partial batch responses, bounded concurrency and the schedule', () => {
    expect(mappingOf(senderId).Properties).toMatchObject({
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 5 },
    });
    expect(JSON.stringify(mappingOf(senderId).Properties.EventSourceArn)).toContain(deliveryQueueId);
    expect(variablesOf(senderId)).toMatchObject({
      DELIVERY_RETRY_BASE_SECONDS: '30',
      DELIVERY_RETRY_CAP_SECONDS: '3600',
      DELIVERY_MAX_RECEIVE_COUNT: '40',
    });
    // The idempotency lock of a crashed send (the function timeout) ends before the message comes back.
    const sender = notifications.findResources('AWS::Lambda::Function')[senderId] as {
      Properties: { Timeout: number };
    };
    expect(sender.Properties.Timeout).toBeLessThan(180);
    const actions = senderStatements.flatMap(actionsOf);
    expect(actions).toEqual(
      expect.arrayContaining(['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility']),
    );
  });

  it('raises an alarm on the operator topic as soon as any dead-letter queue holds a message', () => {
    const queueAlarms = Object.values(
      notifications.findResources('AWS::CloudWatch::Alarm', { Properties: { Namespace: 'AWS/SQS' } }),
    ) as { Properties: Record<string, unknown> }[];
    expect(queueAlarms).toHaveLength(3);
    for (const alarm of queueAlarms) {
      expect(alarm.Properties).toMatchObject({
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        AlarmActions: [{ 'Fn::ImportValue': expect.stringMatching(/OperatorAlarms/) }],
      });
    }
    data.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@support.example.org',
    });
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

  it('the sender may send email only as the configured identity (address or its domain), with the configuration set', () => {
    const ses = senderStatements.filter((s) => actionsOf(s).some((a) => a.startsWith('ses:')));
    const statement = only(ses, 'ses statement');
    expect(actionsOf(statement).sort()).toEqual(['ses:SendEmail', 'ses:SendRawEmail']);
    const resources = resourcesOf(statement);
    expect(resources).toHaveLength(3);
    const identities = JSON.stringify(resources);
    expect(identities).toContain(':identity/help@support.example.org');
    expect(identities).toContain(':identity/support.example.org');
    expect(resources).toContainEqual({
      'Fn::Join': [
        '',
        [
          'arn:aws:ses:us-east-1:',
          { Ref: 'AWS::AccountId' },
          ':configuration-set/',
          { 'Fn::ImportValue': configurationSetExport },
        ],
      ],
    });
    expect(identities).not.toContain('*');
  });

  it('sends every mail with the configuration set that suppresses bounces and complaints', () => {
    data.hasResourceProperties('AWS::SES::ConfigurationSet', {
      Name: 'helpdesk-dev',
      SuppressionOptions: { SuppressedReasons: ['BOUNCE', 'COMPLAINT'] },
      ReputationOptions: { ReputationMetricsEnabled: true },
      SendingOptions: { SendingEnabled: true },
    });
    expect(variablesOf(senderId).SES_CONFIGURATION_SET).toEqual({
      'Fn::ImportValue': configurationSetExport,
    });
  });

  it('hands the send quotas to the sender under the variables the quotas read, from the deploy settings', () => {
    expect(variablesOf(senderId)).toMatchObject({
      [quotas.approvalRequestsPerRequesterPerHour.env]: '4',
      [quotas.smsPerRecipientPerDay.env]: String(quotas.smsPerRecipientPerDay.defaultLimit),
    });
    // The sender reads them back as configured.
    const environment = variablesOf(senderId) as Record<string, string>;
    expect(quotaLimit('approvalRequestsPerRequesterPerHour', environment)).toBe(4);
    expect(quotaLimit('smsPerRecipientPerDay', environment)).toBe(50);
  });

  it('the sender may publish SMS (resource "*" is the only option) but to no topic or endpoint ARN', () => {
    const sns = senderStatements.filter((s) => actionsOf(s).some((a) => a.startsWith('sns:')));
    expect(sns).toEqual([
      expect.objectContaining({ Effect: 'Allow', Action: 'sns:Publish', Resource: '*' }),
      expect.objectContaining({ Effect: 'Deny', Action: 'sns:Publish' }),
    ]);
    // The Deny's resource, with the partition resolved, as IAM matches it (`*` spans any characters).
    const deny = only(
      sns.filter((s) => s.Effect === 'Deny'),
      'deny statement',
    );
    const pattern = JSON.stringify(resourcesOf(deny)[0]).replace(/\{"Fn::Join":\["",\[|\]\]\}|[",]/g, '');
    const glob = pattern.replace('{Ref:AWS::Partition}', 'aws');
    const matches = (arn: string) =>
      new RegExp(`^${glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test(arn);
    expect(glob).toBe('arn:aws:sns:*:*:*');
    expect(matches('arn:aws:sns:us-east-1:123456789012:helpdesk-prod-notifications-OperatorAlarms')).toBe(
      true,
    );
    expect(matches('arn:aws:sns:eu-west-1:123456789012:endpoint/GCM/app/0f1e')).toBe(true);
    expect(matches('*')).toBe(false);
  });

  it('the sender reads/writes the table, without Scan', () => {
    const actions = senderStatements.flatMap(actionsOf);
    expect(actions).toEqual(
      expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:PutItem']),
    );
    expect(actions).not.toContain('dynamodb:Scan');
  });

  it('the sender gets the public (CloudFront) API URL for approval links, the sender address and the SMS sender id', () => {
    expect(variablesOf(senderId)).toMatchObject({
      PUBLIC_API_URL: {
        'Fn::Join': ['', ['https://', { 'Fn::ImportValue': expect.stringMatching(/-edge:.*DomainName/) }]],
      },
      MAIL_FROM: 'help@support.example.org',
      SMS_SENDER_ID: 'HelpDesk',
      TABLE_NAME: expect.anything(),
    });
  });

  it('the sender gets the optics alert list (opticsAlertEmails context) and the inventory role', () => {
    expect(variablesOf(senderId)).toMatchObject({
      OPTICS_ALERT_EMAILS: 'optics@support.example.org,buyer@support.example.org',
      INVENTORY_ROLE: 'inventory',
    });
  });

  describe('table-maintenance consumer (dashboard counters, ticket cleanup)', () => {
    it('takes the changes and removals of tickets and optics requests from the stream, nothing else', () => {
      expect(patternsOf(mappingOf(cleanupId))).toEqual([
        {
          eventName: ['INSERT', 'MODIFY'],
          dynamodb: { NewImage: { entityType: { S: ['ticket', 'opticsRequest'] } } },
        },
        { eventName: ['REMOVE'], dynamodb: { OldImage: { entityType: { S: ['ticket', 'opticsRequest'] } } } },
      ]);
    });

    it('takes batches of 100, is retried: partial failures, bisection, 10 retries within a day, then its own dead-letter queue', () => {
      expect(mappingOf(cleanupId).Properties).toMatchObject({
        EventSourceArn: { 'Fn::ImportValue': expect.stringMatching(/StreamArn/) },
        StartingPosition: 'LATEST',
        BatchSize: 100,
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
      // The counters: read and write the counter items and counted states only, by partition key prefix.
      expect(actionsOf(bySid.DashboardCounters as never).sort()).toEqual([
        'dynamodb:BatchGetItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
      ]);
      expect(bySid.DashboardCounters).toMatchObject({
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['COUNTED#*', 'STATS#*'] } },
      });
      expect(JSON.stringify(resourcesOf(bySid.DashboardCounters as never))).not.toContain('index');
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
