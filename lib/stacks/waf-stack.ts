/**
 * WAF: the AWS WAF web ACL of the CloudFront distribution in front of the HTTP API (`edge-stack.ts`).
 *
 * A web ACL cannot be associated with an HTTP API (only REST APIs, ALBs, AppSync, Cognito, App Runner, Verified
 * Access and CloudFront: "Resources that you can protect with AWS WAF", AWS WAF developer guide), so it protects the
 * distribution instead. A web ACL for CloudFront has scope `CLOUDFRONT` and must be created in us-east-1 ("Creating
 * a web ACL", AWS WAF developer guide): this stack is always in us-east-1, whatever the stage's region, and the
 * edge stack reads the ACL's ARN with `Fn::GetStackOutput` (a weak cross-stack reference, which works across
 * regions without the custom resources of CDK's strong cross-region references).
 *
 * Rules, in order (the first that blocks ends the evaluation):
 * 0. `RateLimitPerIp`: more than `wafRateLimit` requests from one client IP in 5 minutes → 429
 *    `{"message":"Too Many Requests"}` (the body API Gateway's own throttle answers), until the IP's rate falls.
 * 1. `AWSManagedRulesKnownBadInputsRuleSet`: request patterns of known exploits (Log4j JNDI lookups, Java
 *    deserialization, `localhost` Host headers, ...).
 * 2. `AWSManagedRulesCommonRuleSet` (core rule set), with `SizeRestrictions_BODY` counted, not blocking: it blocks
 *    any body over 8 KB, and the API takes larger ones (a comment of 10,000 characters is up to 40 KB of UTF-8);
 *    body size is bounded by the API itself (every field by its schema: 400 past a field's maximum) and by API
 *    Gateway (10 MB payloads). Its label (`awswaf:managed:aws:core-rule-set:SizeRestrictions_Body`) stays in the
 *    WAF logs and sampled requests. The other body rules of the set inspect the first 16 KB of a body (the
 *    CloudFront default body inspection limit).
 */
import { CfnOutput, CrossStackReferences, ReferenceStrength, Stack, type StackProps } from 'aws-cdk-lib';
import { CfnWebACL } from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';
import { type DeployConfig, wafRateWindowSeconds } from '../deploy-config.ts';

/** The region of every web ACL with scope CLOUDFRONT. */
export const cloudFrontWafRegion = 'us-east-1';

/** The managed rule groups of the web ACL, in evaluation order after the rate rule (asserted by test/infra). */
export const managedRuleGroups = [
  'AWSManagedRulesKnownBadInputsRuleSet',
  'AWSManagedRulesCommonRuleSet',
] as const;

/**
 * Rules of the managed groups that count instead of block, each with why (asserted by test/infra). Keyed by group,
 * then by rule name.
 */
export const countedManagedRules: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  AWSManagedRulesCommonRuleSet: {
    SizeRestrictions_BODY:
      'Blocks bodies over 8 KB; comments (10,000 characters) and ticket descriptions are larger. The API bounds ' +
      'every field by its schema (400 past its maximum), API Gateway every payload (10 MB).',
  },
};

/** The body of the rate rule's 429, as API Gateway's own throttle answers. */
export const tooManyRequestsBody = '{"message":"Too Many Requests"}';

export interface WafStackProps extends StackProps {
  readonly config: DeployConfig;
}

export class WafStack extends Stack {
  readonly webAcl: CfnWebACL;
  /** The web ACL's ARN (CloudFront's `WebACLId` takes the ARN of a WAFV2 web ACL). */
  readonly webAclArn: string;

  constructor(scope: Construct, id: string, props: WafStackProps) {
    super(scope, id, props);
    const { config } = props;
    const metricPrefix = `helpdesk-${config.stage}`;
    const visibility = (name: string): CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      metricName: `${metricPrefix}-${name}`,
      sampledRequestsEnabled: true,
    });

    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      name: `helpdesk-${config.stage}-api`,
      // WAF descriptions take letters, digits, white space and =:#@/-,. only (no parentheses).
      description:
        'Help desk API at CloudFront: per-IP rate limit, AWS managed known-bad-inputs and core rule sets',
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('web-acl'),
      customResponseBodies: {
        TooManyRequests: { contentType: 'APPLICATION_JSON', content: tooManyRequestsBody },
      },
      rules: [
        {
          name: 'RateLimitPerIp',
          priority: 0,
          statement: {
            rateBasedStatement: {
              limit: config.wafRateLimit,
              evaluationWindowSec: wafRateWindowSeconds,
              aggregateKeyType: 'IP',
            },
          },
          action: {
            block: { customResponse: { responseCode: 429, customResponseBodyKey: 'TooManyRequests' } },
          },
          visibilityConfig: visibility('rate-limit-per-ip'),
        },
        ...managedRuleGroups.map(
          (name, index): CfnWebACL.RuleProperty => ({
            name,
            priority: index + 1,
            statement: {
              managedRuleGroupStatement: {
                vendorName: 'AWS',
                name,
                ...(countedManagedRules[name]
                  ? {
                      ruleActionOverrides: Object.keys(countedManagedRules[name]).map((rule) => ({
                        name: rule,
                        actionToUse: { count: {} },
                      })),
                    }
                  : {}),
              },
            },
            overrideAction: { none: {} },
            visibilityConfig: visibility(name),
          }),
        ),
      ],
    });
    // Read by the edge stack in the stage's region: Fn::GetStackOutput, no export and no custom resource.
    CrossStackReferences.of(this.webAcl).produce(ReferenceStrength.WEAK);
    this.webAclArn = this.webAcl.attrArn;

    new CfnOutput(this, 'WebAclArn', { value: this.webAclArn });
  }
}
