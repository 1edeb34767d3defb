/**
 * What tells an operator that the deployed stage is unwell: the operator alarms topic (and that CloudWatch can
 * publish to it), an error and a throttle alarm for every function, active tracing on every function, the API's
 * 5xx rate and p99 latency, SES reputation and SMS spend, the SMS account preferences, and dead letters kept in prod.
 */
import type { Stack } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { type ServiceFunction, xrayWriteActions } from '../../lib/constructs/service-function.ts';
import { reputationThresholds } from '../../lib/stacks/notifications-stack.ts';
import { buildTestApp, defined, logicalId, only, templates } from './helpers.ts';

type Resource = { Type: string; Properties: Record<string, unknown>; DependsOn?: string[] };

describe('monitoring', () => {
  const built = buildTestApp({
    apiErrorRatePercent: 7,
    apiLatencyP99Ms: 2500,
    smsMonthlySpendLimitUsd: 50,
  });
  const t = templates(built);
  const topicId = logicalId(built.data, built.data.alarmTopic);
  const topicExport = (template: Template) =>
    JSON.stringify(template.toJSON()).includes(topicId) ? topicId : undefined;

  /** Every ServiceFunction of the app with its stack and template. */
  const serviceFunctions: Array<[string, Stack, Template, ServiceFunction]> = [
    ...[...built.api.functions.entries()].map(
      ([id, fn]) => [id, built.api, t.api, fn] as [string, Stack, Template, ServiceFunction],
    ),
    ['NotFound', built.api, t.api, built.api.notFound],
    ['ImageUploaded', built.images, t.images, built.images.verifier],
    ['Notifier', built.notifications, t.notifications, built.notifications.notifier],
    ['NotificationSender', built.notifications, t.notifications, built.notifications.sender],
    ['TicketRemoved', built.notifications, t.notifications, built.notifications.ticketCleanup],
  ];

  const alarmsOf = (template: Template) =>
    Object.values(template.findResources('AWS::CloudWatch::Alarm')) as Resource[];
  const actionsTopic = (alarm: Resource) => JSON.stringify(alarm.Properties.AlarmActions);

  it('covers every Lambda function of the app but aws-cdk-lib deploy-time handlers', () => {
    const ours = new Set(
      serviceFunctions.map(([, stack, , fn]) => `${stack.stackName}/${logicalId(stack, fn.function)}`),
    );
    for (const [stack, template] of [
      [built.api, t.api],
      [built.images, t.images],
      [built.notifications, t.notifications],
    ] as const) {
      for (const id of Object.keys(template.findResources('AWS::Lambda::Function'))) {
        const deployTime = /^(CustomCDKBucketDeployment|BucketNotificationsHandler|AWS[0-9a-f]{32})/.test(id);
        expect(ours.has(`${stack.stackName}/${id}`) || deployTime, id).toBe(true);
      }
    }
    expect(serviceFunctions.length).toBeGreaterThan(40);
  });

  it.each(serviceFunctions.map(([id, stack, template, fn]) => [id, stack, template, fn] as const))(
    '%s: active tracing with X-Ray write only in its own policy, errors and throttles alarmed to the operator topic',
    (_id, stack, template, fn) => {
      const fnId = logicalId(stack, fn.function);
      const resource = template.toJSON().Resources[fnId] as Resource;
      expect(resource.Properties.TracingConfig).toEqual({ Mode: 'Active' });

      const policyId = logicalId(stack, defined(fn.node.tryFindChild('XRayWrite'), 'XRayWrite') as never);
      const policy = template.toJSON().Resources[policyId] as Resource;
      expect(policy.Properties.PolicyDocument).toEqual({
        Version: '2012-10-17',
        Statement: [
          { Sid: 'ActiveTracing', Effect: 'Allow', Action: [...xrayWriteActions].sort(), Resource: '*' },
        ],
      });
      expect(policy.Properties.Roles).toEqual([{ Ref: logicalId(stack, fn.role as never) }]);
      // Lambda checks the role can write traces when the function is created with active tracing.
      expect(resource.DependsOn).toContain(policyId);

      for (const [alarm, metric] of [
        [fn.errorsAlarm, 'Errors'],
        [fn.throttlesAlarm, 'Throttles'],
      ] as const) {
        const props = (template.toJSON().Resources[logicalId(stack, alarm)] as Resource).Properties;
        expect(props).toMatchObject({
          Namespace: 'AWS/Lambda',
          MetricName: metric,
          Dimensions: [{ Name: 'FunctionName', Value: { Ref: fnId } }],
          Statistic: 'Sum',
          Period: 300,
          Threshold: 0,
          ComparisonOperator: 'GreaterThanThreshold',
        });
        expect(actionsTopic({ Properties: props } as Resource)).toContain(topicId);
      }
    },
  );

  it('alarms on the API 5xx rate (metric math over 5xx and Count) and p99 latency, from the deploy config', () => {
    const apiId = logicalId(built.api, built.api.api);
    const alarms = alarmsOf(t.api).filter((alarm) => JSON.stringify(alarm).includes('AWS/ApiGateway'));
    expect(alarms).toHaveLength(2);
    const rate = only(
      alarms.filter((alarm) => alarm.Properties.Metrics !== undefined),
      '5xx rate alarm',
    ).Properties;
    expect(rate).toMatchObject({
      Threshold: 7,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 3,
    });
    const metrics = rate.Metrics as {
      Id: string;
      Expression?: string;
      MetricStat?: { Metric: { MetricName: string; Dimensions: unknown } };
    }[];
    expect(metrics.find((m) => m.Expression)?.Expression).toBe(
      'IF(requests > 0, 100 * errors / requests, 0)',
    );
    expect(
      Object.fromEntries(
        metrics.filter((m) => m.MetricStat).map((m) => [m.Id, m.MetricStat?.Metric.MetricName]),
      ),
    ).toEqual({
      errors: '5xx',
      requests: 'Count',
    });
    for (const m of metrics.filter((m) => m.MetricStat)) {
      expect(m.MetricStat?.Metric.Dimensions).toEqual([{ Name: 'ApiId', Value: { Ref: apiId } }]);
    }
    const latency = only(
      alarms.filter((alarm) => alarm.Properties.MetricName === 'Latency'),
      'latency alarm',
    ).Properties;
    expect(latency).toMatchObject({ ExtendedStatistic: 'p99', Threshold: 2500, Period: 300 });
    for (const alarm of alarms) expect(actionsTopic(alarm)).toContain(topicId);
  });

  it('alarms on SES bounce and complaint rates at the review levels and on SMS spend at 80% of the limit', () => {
    const byMetric = new Map(
      alarmsOf(t.notifications).map((alarm) => [alarm.Properties.MetricName as string, alarm.Properties]),
    );
    expect(byMetric.get('Reputation.BounceRate')).toMatchObject({
      Namespace: 'AWS/SES',
      Threshold: reputationThresholds.bounceRate,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    expect(reputationThresholds).toEqual({ bounceRate: 0.05, complaintRate: 0.001 });
    expect(byMetric.get('Reputation.ComplaintRate')).toMatchObject({
      Namespace: 'AWS/SES',
      Threshold: 0.001,
    });
    expect(byMetric.get('SMSMonthToDateSpentUSD')).toMatchObject({ Namespace: 'AWS/SNS', Threshold: 40 });
    for (const name of ['Reputation.BounceRate', 'Reputation.ComplaintRate', 'SMSMonthToDateSpentUSD']) {
      expect(JSON.stringify(byMetric.get(name)?.AlarmActions), name).toContain(topicId);
    }
  });

  it('sets the SMS account preferences at deploy time (transactional, the spend limit) with only SetSMSAttributes', () => {
    const custom = only(
      Object.values(t.notifications.findResources('Custom::AWS')) as Resource[],
      'AwsCustomResource',
    );
    for (const key of ['Create', 'Update']) {
      const call = JSON.parse(
        JSON.stringify(custom.Properties[key]).replace(/^"|"$/g, '').replace(/\\"/g, '"'),
      ) as {
        service: string;
        action: string;
        parameters: { attributes: Record<string, string> };
      };
      expect(call).toMatchObject({
        service: 'SNS',
        action: 'setSMSAttributes',
        parameters: { attributes: { DefaultSMSType: 'Transactional', MonthlySpendLimit: '50' } },
      });
    }
    expect(custom.Properties.Delete).toBeUndefined();
    const policies = Object.values(t.notifications.findResources('AWS::IAM::Policy')) as Resource[];
    const setSms = policies.filter((p) => JSON.stringify(p).includes('sns:SetSMSAttributes'));
    expect(only(setSms, 'SetSMSAttributes policy').Properties.PolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'SetSmsPreferences', Effect: 'Allow', Action: 'sns:SetSMSAttributes', Resource: '*' },
      ],
    });
  });

  it('encrypts the operator topic with a rotated key that CloudWatch alarms of this account may use', () => {
    const keyStatements = only(Object.values(t.data.findResources('AWS::KMS::Key')) as Resource[], 'key')
      .Properties as {
      EnableKeyRotation: boolean;
      KeyPolicy: { Statement: { Sid?: string; Principal: unknown; Action: unknown; Condition?: unknown }[] };
    };
    expect(keyStatements.EnableKeyRotation).toBe(true);
    const cloudwatch = only(
      keyStatements.KeyPolicy.Statement.filter((s) => s.Sid === 'CloudWatchAlarmsPublish'),
      'key statement',
    );
    expect(cloudwatch).toMatchObject({
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
    });
    const topic = t.data.toJSON().Resources[topicId] as Resource;
    expect(JSON.stringify(topic.Properties.KmsMasterKeyId)).toMatch(/OperatorAlarmsKey/);
    expect(JSON.stringify(topic.Properties.KmsMasterKeyId)).not.toContain('alias/aws/sns');
    const topicPolicy = only(
      Object.values(t.data.findResources('AWS::SNS::TopicPolicy')) as Resource[],
      'topic policy',
    );
    expect(JSON.stringify(topicPolicy.Properties.PolicyDocument)).toMatch(
      /"Action":"sns:Publish","Condition":\{"StringEquals":\{"aws:SourceAccount":\{"Ref":"AWS::AccountId"\}\},"ArnLike":\{"aws:SourceArn":.*:alarm:\*/,
    );
    expect(JSON.stringify(topicPolicy.Properties.PolicyDocument)).toContain('cloudwatch.amazonaws.com');
    // Every other stack reaches it through the data stack's export.
    for (const template of [t.api, t.images, t.notifications]) expect(topicExport(template)).toBe(topicId);
  });

  it('keeps every queue (dead letters included) and the key when a prod stack is deleted, and not in dev', () => {
    const prod = templates(buildTestApp({ stage: 'prod', corsOrigins: 'https://help.example.org' }));
    for (const [name, template] of Object.entries(prod)) {
      for (const [id, queue] of Object.entries(template.findResources('AWS::SQS::Queue'))) {
        expect([name, id, (queue as { DeletionPolicy?: string }).DeletionPolicy]).toEqual([
          name,
          id,
          'Retain',
        ]);
      }
    }
    expect(Object.keys(prod.notifications.findResources('AWS::SQS::Queue'))).toHaveLength(2);
    expect(Object.keys(prod.images.findResources('AWS::SQS::Queue'))).toHaveLength(1);
    for (const template of Object.values(t)) {
      for (const queue of Object.values(template.findResources('AWS::SQS::Queue'))) {
        expect((queue as { DeletionPolicy?: string }).DeletionPolicy).toBe('Delete');
      }
    }
  });

  it('alarms when the image verifier failure queue holds a message', () => {
    const alarm = only(
      alarmsOf(t.images).filter((a) => a.Properties.Namespace === 'AWS/SQS'),
      'verifier failures alarm',
    );
    expect(alarm.Properties).toMatchObject({
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    expect(actionsTopic(alarm)).toContain(topicId);
  });
});
