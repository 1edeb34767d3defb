/**
 * Edge: the CloudFront distribution that is the API's public address, with the WAF web ACL of `waf-stack.ts`
 * (us-east-1) on it. Approval links (`PUBLIC_API_URL`) and every client use its URL; the HTTP API's own
 * `execute-api` URL is its origin.
 *
 * - Nothing is cached (`CachingDisabled`): every request reaches the API, which answers per caller.
 * - Every viewer header, cookie and query string but `Host` is forwarded (`AllViewerExceptHostHeader`, the managed
 *   policy meant for API Gateway origins, which route by their own host name: "Use managed origin request
 *   policies", CloudFront developer guide). `Authorization` is forwarded by the AllViewer policies.
 * - HTTPS only, to viewers (plain HTTP is refused, not redirected: a redirected POST would already have sent its
 *   token in clear) and to the origin (TLS 1.2).
 * - Standard access logs go to a bucket of this stack, kept `logRetentionDays`.
 *
 * Keeping clients off the `execute-api` URL (which bypasses the WAF): CloudFront adds the header
 * {@link originVerifyHeader} with a random value from a Secrets Manager secret to every origin request ("Restricting
 * access to files on custom origins", CloudFront developer guide: a custom header only CloudFront knows), by dynamic
 * reference (the value is never in a template). The secret is the Api stack's (`ApiStack.originVerifySecret`): every
 * route's function refuses a request without it (403, `shared/platform/http/origin-verify.ts`), reading the secret at
 * run time and accepting the current and the previous version so a rotation drops no request. Limits: the value is
 * in the distribution's configuration (anyone with `cloudfront:GetDistributionConfig` reads it), and the
 * `$default` (not found) function answers its 404 to anyone (docs/security.md, "Edge").
 * The alternative, `disableExecuteApiEndpoint` with a custom domain, needs a domain and certificate the deployer
 * may not have, and the custom domain answers to anyone who resolves it, so it hides the origin rather than
 * closing it.
 */
import { CfnOutput, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  OriginSslPolicy,
  PriceClass,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { originVerifyHeader } from '#shared/platform/http/origin-verify.ts';
import type { DeployConfig } from '../deploy-config.ts';

export { originVerifyHeader };

export interface EdgeStackProps extends StackProps {
  readonly config: DeployConfig;
  /** The HTTP API's id (`ApiStack.api.apiId`): the origin is `<id>.execute-api.<region>.amazonaws.com`. */
  readonly apiId: string;
  /** ARN of the CLOUDFRONT web ACL (`WafStack.webAclArn`, us-east-1). */
  readonly webAclArn: string;
  /**
   * The value to send in {@link originVerifyHeader} (`ApiStack.originVerifySecret`: in the Api stack, whose functions
   * check it, since this stack depends on that one).
   */
  readonly originVerifySecret: ISecret;
}

export class EdgeStack extends Stack {
  readonly distribution: Distribution;
  /** The API's public base URL, `https://<distribution>.cloudfront.net` (no trailing slash). */
  readonly url: string;
  /** The value CloudFront sends in {@link originVerifyHeader} (a secret of the Api stack). */
  readonly originVerifySecret: ISecret;
  readonly accessLogsBucket: Bucket;

  constructor(scope: Construct, id: string, props: EdgeStackProps) {
    super(scope, id, props);
    const { config } = props;
    this.originVerifySecret = props.originVerifySecret;

    // CloudFront standard logging writes with the bucket ACL (the log delivery account), so ACLs stay enabled for
    // the bucket owner ("Configure standard logging (legacy)", CloudFront developer guide).
    this.accessLogsBucket = new Bucket(this, 'AccessLogs', {
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(config.isProd ? 180 : 30) }],
      removalPolicy: config.removalPolicy,
      autoDeleteObjects: false,
    });
    Validations.of(this.accessLogsBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'This bucket is itself the access log destination of the CloudFront distribution; logging its own ' +
        'accesses to another bucket would only move the question one bucket further.',
    });

    const origin = new HttpOrigin(`${props.apiId}.execute-api.${this.region}.${this.urlSuffix}`, {
      protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
      originSslProtocols: [OriginSslPolicy.TLS_V1_2],
      customHeaders: { [originVerifyHeader]: this.originVerifySecret.secretValue.unsafeUnwrap() },
    });
    this.distribution = new Distribution(this, 'Distribution', {
      comment: `Help desk API (${config.stage})`,
      defaultBehavior: {
        origin,
        allowedMethods: AllowedMethods.ALLOW_ALL,
        viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
        cachePolicy: CachePolicy.CACHING_DISABLED,
        originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
        compress: true,
      },
      webAclId: props.webAclArn,
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: PriceClass.PRICE_CLASS_100,
      enableIpv6: true,
      enableLogging: true,
      logBucket: this.accessLogsBucket,
      logFilePrefix: 'cloudfront/',
    });
    const distribution = Validations.of(this.distribution);
    distribution.acknowledge({
      id: 'AwsSolutions-CFR1',
      reason:
        'No geo restriction: requesters and approvers may be anywhere, and approval links open wherever the mail ' +
        'is read. Abuse is bounded by the WAF per-IP rate rule and the managed rule sets instead.',
    });
    distribution.acknowledge({
      id: 'AwsSolutions-CFR4',
      reason:
        'The distribution uses its default *.cloudfront.net certificate, with which CloudFront sets the viewer ' +
        'security policy itself (TLSv1); a TLSv1.2_2021 minimum needs a custom domain with an ACM certificate, ' +
        'which the deployer adds with the domain. The origin side is TLS 1.2 only.',
    });

    this.url = `https://${this.distribution.distributionDomainName}`;
    new CfnOutput(this, 'ApiUrl', {
      value: this.url,
      description: 'Public base URL of the API (CloudFront with WAF)',
    });
  }
}
