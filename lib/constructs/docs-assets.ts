/**
 * The docs assets bucket: a private bucket holding the API reference page's script (Scalar's browser bundle,
 * `shared/platform/docs-script.ts`), deployed from the installed package on every `cdk deploy`, and read by
 * browsers only through presigned GET URLs the docs function signs (grant `docs:read`).
 *
 * Why a bucket of its own rather than a `docs/` prefix of the images bucket: the images bucket holds user uploads,
 * lives in the images stack, and its notifications, CORS rules and lifecycle are about uploads; a deployment
 * writing there would need write access to user data, and would couple the images stack to the docs page. This
 * bucket holds one public-domain-safe object (MIT-licensed JavaScript), so nothing in it needs the care user data
 * does, and deleting it loses nothing a deploy does not restore.
 *
 * Like the images bucket: SSE-S3, public access blocked, TLS only (1.2+), bucket-owner-enforced objects, server
 * access logs to an access-log bucket of its own. Its own, because server access logging is authorized by the
 * destination bucket's policy naming the source bucket (`aws:SourceArn`): the images stack's log bucket would need
 * a reference to this stack, which already references the images stack (a cycle CloudFormation cannot deploy).
 *
 * The deployment is CDK's `BucketDeployment` (aws-s3-deployment): a custom resource that copies the CDK asset
 * (the gzipped script) from the bootstrap assets bucket to `docs/scalar/<version>/standalone.js` with the object's
 * metadata (`Content-Type`, `Content-Encoding: gzip`, `Cache-Control`). Its function runs with a role and a log
 * group of this construct (no AWS managed policy). Old versions are kept (`prune: false`), so a page served by the
 * previous function version keeps working while a deploy switches versions; they are a few MB each.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DefaultStackSynthesizer, Duration, Stack, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type CfnBucket,
  type IBucket,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { type DocsScript, docsScript } from '#shared/platform/docs-script.ts';
import type { DeployConfig } from '../deploy-config.ts';

export interface DocsAssetsProps {
  readonly config: Pick<DeployConfig, 'isProd' | 'removalPolicy' | 'logRetention'>;
}

/**
 * A directory holding only the gzipped script under its stored name: the asset `BucketDeployment` zips and
 * copies. Named by the content's hash, so it is written once per content and the asset hash is stable.
 */
export function docsScriptAssetDir(script: DocsScript = docsScript()): string {
  const dir = join(tmpdir(), `helpdesk-docs-script-${script.md5}`);
  const file = join(dir, script.fileName);
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, script.body);
  }
  return dir;
}

export class DocsAssets extends Construct {
  readonly bucket: Bucket;
  readonly accessLogsBucket: Bucket;
  readonly deployment: BucketDeployment;
  /**
   * The bucket as the deployment left it: referencing it (its name in the docs function's environment) makes the
   * function wait until the script is in place.
   */
  readonly deployedBucket: IBucket;
  /** Key of the script, `docs/scalar/<version>/standalone.js`. */
  readonly scriptKey: string;
  /** `<bucket ARN>/<scriptKey>`: the one resource of the `docs:read` grant. */
  readonly scriptObjectArn: string;

  constructor(scope: Construct, id: string, props: DocsAssetsProps) {
    super(scope, id);
    const { config } = props;
    const script = docsScript();

    this.accessLogsBucket = new Bucket(this, 'AccessLogs', {
      encryption: BucketEncryption.S3_MANAGED, // server access logging only delivers to SSE-S3 buckets
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [
        {
          expiration: Duration.days(config.isProd ? 365 : 90),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
      removalPolicy: config.removalPolicy,
    });
    // cdk-nag AwsSolutions-S1 accepts this bucket without logs of its own: it is the access log destination.

    this.bucket = new Bucket(this, 'Bucket', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: 'docs-assets/',
      lifecycleRules: [{ abortIncompleteMultipartUploadAfter: Duration.days(1) }],
      removalPolicy: config.removalPolicy,
    });

    const logGroup = new LogGroup(this, 'DeploymentLogs', {
      retention: config.logRetention,
      removalPolicy: config.removalPolicy,
    });
    const role = new Role(this, 'DeploymentRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'Copies the API reference script into the docs assets bucket at deploy time',
    });
    logGroup.grantWrite(role);

    this.deployment = new BucketDeployment(this, 'Deployment', {
      sources: [Source.asset(docsScriptAssetDir(script))],
      destinationBucket: this.bucket,
      destinationKeyPrefix: script.prefix,
      prune: false,
      contentType: script.contentType,
      contentEncoding: script.contentEncoding,
      cacheControl: [CacheControl.fromString(script.cacheControl)],
      role,
      logGroup,
      memoryLimit: 256,
    });
    this.deployedBucket = this.deployment.deployedBucket;
    this.scriptKey = script.key;
    this.scriptObjectArn = this.bucket.arnForObjects(script.key);

    this.acknowledgeDeploymentFindings(role);
  }

  /**
   * What cdk-nag finds on `BucketDeployment`, which aws-cdk-lib builds with fixed grants and a fixed runtime: the
   * role gets `grantRead` on the bootstrap assets bucket (the source zip) and `grantReadWrite` on this bucket
   * (copy, and delete for `prune`), whose wildcard actions and `/*` resources the L2 API does not let us narrow.
   * The role is used by no other function and only at deploy time.
   */
  private acknowledgeDeploymentFindings(role: Role): void {
    const stack = Stack.of(this);
    // The default synthesizer's bootstrap assets bucket: `cdk-<qualifier>-assets-<account>-<region>`.
    const qualifier = String(
      this.node.tryGetContext('@aws-cdk/core:bootstrapQualifier') ??
        DefaultStackSynthesizer.DEFAULT_QUALIFIER,
    );
    const bootstrapAssets = `arn:aws:s3:::cdk-${qualifier}-assets-<AWS::AccountId>-${stack.region}/*`;
    const bucketObjects = `<${stack.getLogicalId(this.bucket.node.defaultChild as CfnBucket)}.Arn>/*`;
    const reasons: Record<string, string> = {
      'Action::s3:GetObject*':
        'BucketDeployment (aws-cdk-lib) reads the asset zip with grantRead, whose actions are s3:GetObject*.',
      'Action::s3:GetBucket*':
        'BucketDeployment (aws-cdk-lib) grants s3:GetBucket* through grantRead/grantReadWrite; fixed by the L2.',
      'Action::s3:List*':
        'BucketDeployment (aws-cdk-lib) lists source and destination (aws s3 sync) with s3:List* from grantRead.',
      'Action::s3:Abort*':
        'BucketDeployment (aws-cdk-lib) grantReadWrite on the destination includes s3:Abort* for multipart uploads.',
      'Action::s3:DeleteObject*':
        'BucketDeployment (aws-cdk-lib) grantReadWrite on the destination includes s3:DeleteObject* (used by prune).',
      [`Resource::${bootstrapAssets}`]:
        'The asset zip key is a content hash chosen at synth time; BucketDeployment grants the assets bucket /*.',
      [`Resource::${bucketObjects}`]:
        'The deployment writes the docs assets bucket, which holds only the deployed script (docs/scalar/...).',
    };
    for (const [finding, reason] of Object.entries(reasons)) {
      Validations.of(role).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason });
    }
    // The singleton handler function aws-cdk-lib adds to the stack (Custom::CDKBucketDeployment<uuid><memory>).
    const handler = stack.node.children.find((child) =>
      child.node.id.startsWith('Custom::CDKBucketDeployment'),
    );
    if (!handler) throw new Error('Custom::CDKBucketDeployment handler not found: aws-cdk-lib changed');
    Validations.of(handler).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'The BucketDeployment handler runtime (Python, with the AWS CLI layer) is pinned by aws-cdk-lib; it runs ' +
        'only during deployments and moves with aws-cdk-lib upgrades.',
    });
  }
}
