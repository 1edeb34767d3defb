/**
 * The API's public front (issue 9, per-client limits): a CloudFront distribution in front of the HTTP API with an
 * AWS WAF web ACL (scope CLOUDFRONT, always in us-east-1) holding a per-IP rate rule and the AWS managed rule sets,
 * the origin-verify header, and approval links that use the CloudFront URL. Built for a stage outside us-east-1, so
 * the web ACL crosses regions.
 */
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { wafRateWindowSeconds } from '../../lib/deploy-config.ts';
import { originVerifyHeader } from '../../lib/stacks/edge-stack.ts';
import {
  cloudFrontWafRegion,
  countedManagedRules,
  managedRuleGroups,
  tooManyRequestsBody,
} from '../../lib/stacks/waf-stack.ts';
import { buildTestApp, logicalId, only } from './helpers.ts';

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation JSON, read by property path in the assertions
type Cfn = any;
type Resource = { Type: string; Properties: Record<string, Cfn> };

describe('edge: CloudFront and AWS WAF in front of the HTTP API', () => {
  const built = buildTestApp({ region: 'eu-west-1', wafRateLimit: 600 });
  const waf = Template.fromStack(built.waf);
  const edge = Template.fromStack(built.edge);
  const notifications = Template.fromStack(built.notifications);
  const webAcl = only(Object.values(waf.findResources('AWS::WAFv2::WebACL')) as Resource[], 'web ACL');
  const distribution = only(
    Object.values(edge.findResources('AWS::CloudFront::Distribution')) as Resource[],
    'distribution',
  ).Properties.DistributionConfig;
  const rule = (name: string) =>
    only(
      (webAcl.Properties.Rules as Array<Record<string, Cfn>>).filter((each) => each.Name === name),
      `rule ${name}`,
    );

  it('puts the web ACL in us-east-1 with scope CLOUDFRONT, whatever the stage region', () => {
    expect(built.waf.region).toBe(cloudFrontWafRegion);
    expect(built.edge.region).toBe('eu-west-1');
    expect(built.api.region).toBe('eu-west-1');
    expect(webAcl.Properties).toMatchObject({ Scope: 'CLOUDFRONT', DefaultAction: { Allow: {} } });
  });

  it('blocks one IP past wafRateLimit requests in 5 minutes with a 429 shaped like the gateway’s throttle', () => {
    expect(rule('RateLimitPerIp')).toMatchObject({
      Priority: 0,
      Statement: {
        RateBasedStatement: { Limit: 600, AggregateKeyType: 'IP', EvaluationWindowSec: wafRateWindowSeconds },
      },
      Action: { Block: { CustomResponse: { ResponseCode: 429, CustomResponseBodyKey: 'TooManyRequests' } } },
    });
    expect(webAcl.Properties.CustomResponseBodies.TooManyRequests).toEqual({
      ContentType: 'APPLICATION_JSON',
      Content: tooManyRequestsBody,
    });
    expect(JSON.parse(tooManyRequestsBody)).toEqual({ message: 'Too Many Requests' });
  });

  it('runs the AWS managed known-bad-inputs and core rule sets after the rate rule, blocking', () => {
    expect(managedRuleGroups).toEqual([
      'AWSManagedRulesKnownBadInputsRuleSet',
      'AWSManagedRulesCommonRuleSet',
    ]);
    managedRuleGroups.forEach((name, index) => {
      expect(rule(name)).toMatchObject({
        Priority: index + 1,
        OverrideAction: { None: {} },
        Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: name } },
      });
    });
  });

  it('counts (does not block) only SizeRestrictions_BODY of the core rule set: bodies over 8 KB are legitimate', () => {
    const common = rule('AWSManagedRulesCommonRuleSet').Statement.ManagedRuleGroupStatement;
    expect(common.RuleActionOverrides).toEqual([
      { Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } },
    ]);
    expect(Object.keys(countedManagedRules)).toEqual(['AWSManagedRulesCommonRuleSet']);
    expect(
      rule('AWSManagedRulesKnownBadInputsRuleSet').Statement.ManagedRuleGroupStatement.RuleActionOverrides,
    ).toBeUndefined();
  });

  it('describes the web ACL within the characters WAF accepts (the CloudFormation schema’s pattern)', () => {
    expect(webAcl.Properties.Description).toMatch(
      /^[a-zA-Z0-9=:#@/\-,.][a-zA-Z0-9+=:#@/\-,.\s]+[a-zA-Z0-9+=:#@/\-,.]{1,256}$/,
    );
  });

  it('emits metrics and sampled requests for the web ACL and every rule', () => {
    for (const visibility of [
      webAcl.Properties.VisibilityConfig,
      ...(webAcl.Properties.Rules as Array<Record<string, Cfn>>).map((each) => each.VisibilityConfig),
    ]) {
      expect(visibility).toMatchObject({ CloudWatchMetricsEnabled: true, SampledRequestsEnabled: true });
    }
  });

  it('attaches the web ACL to the distribution across regions by Fn::GetStackOutput (no custom resource)', () => {
    expect(distribution.WebACLId).toEqual({
      'Fn::GetStackOutput': {
        StackName: built.waf.stackName,
        Region: cloudFrontWafRegion,
        OutputName: expect.any(String),
      },
    });
    const output = distribution.WebACLId['Fn::GetStackOutput'].OutputName as string;
    expect(waf.toJSON().Outputs[output].Value).toEqual({
      'Fn::GetAtt': [built.waf.getLogicalId(built.waf.webAcl), 'Arn'],
    });
    expect(Object.keys(edge.findResources('AWS::Lambda::Function'))).toEqual([]);
    expect(Object.keys(edge.findResources('Custom::CrossRegionExportReader'))).toEqual([]);
  });

  it('sends every method to the HTTP API over TLS 1.2, uncached, with every viewer header but Host', () => {
    const origin = only(distribution.Origins as Array<Record<string, Cfn>>, 'origin');
    expect(JSON.stringify(origin.DomainName)).toMatch(/\.execute-api\.eu-west-1\./);
    expect(origin.CustomOriginConfig).toEqual({
      OriginProtocolPolicy: 'https-only',
      OriginSSLProtocols: ['TLSv1.2'],
    });
    expect(distribution.DefaultCacheBehavior).toMatchObject({
      AllowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'],
      // Managed policies: CachingDisabled, AllViewerExceptHostHeader ("Use managed cache policies", "Use managed
      // origin request policies", CloudFront developer guide).
      CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad',
      OriginRequestPolicyId: 'b689b0a8-53d0-40ab-baf2-68738e2966ac',
      // Plain HTTP is refused, not redirected: a redirected request has already sent its token in clear.
      ViewerProtocolPolicy: 'https-only',
    });
  });

  it('adds the origin-verify header from the Api stack’s secret (the one the functions check), never a literal', () => {
    const origin = only(distribution.Origins as Array<Record<string, Cfn>>, 'origin');
    const header = only(origin.OriginCustomHeaders as Array<Record<string, Cfn>>, 'origin header');
    expect(header.HeaderName).toBe(originVerifyHeader);
    // The Edge stack holds no secret: it resolves the Api stack's by its ARN, imported from that stack.
    edge.resourceCountIs('AWS::SecretsManager::Secret', 0);
    expect(built.edge.originVerifySecret).toBe(built.api.originVerifySecret);
    const value = JSON.stringify(header.HeaderValue);
    expect(value).toMatch(
      /^\{"Fn::Join":\["",\["\{\{resolve:secretsmanager:",\{"Fn::ImportValue":"[^"]+"\},":SecretString:::\}\}"\]\]\}$/,
    );
    // The export it imports is the Ref (the ARN) of that secret.
    const exportName = header.HeaderValue['Fn::Join'][1][1]['Fn::ImportValue'] as string;
    const api = Template.fromStack(built.api);
    const outputs = Object.values(
      (api.toJSON() as { Outputs: Record<string, { Value: Cfn; Export?: { Name: string } }> }).Outputs,
    ).filter((output) => output.Export?.Name === exportName);
    expect(only(outputs, 'export of the secret ARN').Value).toEqual({
      Ref: logicalId(built.api, built.api.originVerifySecret),
    });
    api.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: { PasswordLength: 48, ExcludePunctuation: true, IncludeSpace: false },
    });
  });

  it('logs every request to an encrypted, private, TLS-only bucket that expires the logs', () => {
    const bucketId = logicalId(built.edge, built.edge.accessLogsBucket);
    expect(distribution.Logging).toEqual({
      Bucket: { 'Fn::GetAtt': [bucketId, 'RegionalDomainName'] },
      Prefix: 'cloudfront/',
    });
    const bucket = edge.toJSON().Resources[bucketId] as Resource;
    expect(bucket.Properties).toMatchObject({
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LifecycleConfiguration: { Rules: [{ ExpirationInDays: 30, Status: 'Enabled' }] },
    });
    edge.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('gives approval links the CloudFront URL, not the execute-api one', () => {
    const sender = notifications.toJSON().Resources[
      logicalId(built.notifications, built.notifications.sender.function as never)
    ] as Resource;
    const url = sender.Properties.Environment.Variables.PUBLIC_API_URL;
    expect(JSON.stringify(url)).not.toMatch(/execute-api/);
    expect(url).toEqual({
      'Fn::Join': [
        '',
        ['https://', { 'Fn::ImportValue': expect.stringMatching(/^helpdesk-dev-edge:.*DomainName/) }],
      ],
    });
    expect(edge.toJSON().Outputs.ApiUrl.Value).toEqual({
      'Fn::Join': [
        '',
        ['https://', { 'Fn::GetAtt': [logicalId(built.edge, built.edge.distribution), 'DomainName'] }],
      ],
    });
  });
});
