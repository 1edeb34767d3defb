/**
 * Builds the whole app (one stage's stacks) so that bin/app.ts and the infrastructure tests construct exactly the
 * same thing. Stacks, in dependency order:
 *
 *   data -> auth -> images (needs data) -> api (needs data, images, auth) -> edge (needs api, waf)
 *   (api holds one nested stack per feature with that feature's routes: lib/stacks/api-routes-stack.ts)
 *   -> notifications (needs data, edge)
 *
 * The waf stack is always in us-east-1 (a web ACL for CloudFront must be); every other stack is in the configured
 * region.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { repoRoot } from './constructs/service-function.ts';
import { type DeployConfig, readDeployConfig } from './deploy-config.ts';
import { ApiStack } from './stacks/api-stack.ts';
import { AuthStack } from './stacks/auth-stack.ts';
import { DataStack } from './stacks/data-stack.ts';
import { EdgeStack } from './stacks/edge-stack.ts';
import { ImagesStack } from './stacks/images-stack.ts';
import { NotificationsStack } from './stacks/notifications-stack.ts';
import { cloudFrontWafRegion, WafStack } from './stacks/waf-stack.ts';

export interface BuildAppOptions {
  /** Extra context (e.g. `{ 'aws:cdk:bundling-stacks': [] }` in tests); the CLI's context wins over it. */
  readonly context?: Record<string, unknown>;
  /** Register the cdk-nag AwsSolutions pack. @default true */
  readonly nag?: boolean;
  /** CDK's built-in CloudFormation validation (~2 s per synth). @default true */
  readonly cloudFormationValidation?: boolean;
  /** Cloud assembly directory; the CLI sets it for real synths. */
  readonly outdir?: string;
}

export interface HelpdeskApp {
  readonly app: App;
  readonly config: DeployConfig;
  readonly data: DataStack;
  readonly auth: AuthStack;
  readonly images: ImagesStack;
  readonly api: ApiStack;
  /** The web ACL of the distribution, in us-east-1. */
  readonly waf: WafStack;
  /** The CloudFront distribution in front of the API: the API's public URL. */
  readonly edge: EdgeStack;
  readonly notifications: NotificationsStack;
}

/** The context of cdk.json (feature flags), so that tests run with the same flags as `cdk synth`. */
function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(join(repoRoot, 'cdk.json'), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  return cdkJson.context ?? {};
}

export function buildApp(options: BuildAppOptions = {}): HelpdeskApp {
  const app = new App({
    context: { ...cdkJsonContext(), ...options.context },
    builtinCloudFormationValidation: options.cloudFormationValidation ?? true,
    ...(options.outdir ? { outdir: options.outdir } : {}),
  });
  if (options.nag ?? true) {
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  }

  const config = readDeployConfig(app);
  const env = { account: config.account, region: config.region };
  const name = (part: string) => `helpdesk-${config.stage}-${part}`;
  const common = { env, config, tags: { app: 'helpdesk', stage: config.stage } };

  const data = new DataStack(app, 'Data', {
    ...common,
    stackName: name('data'),
    description: 'Help desk: DynamoDB table',
  });
  const auth = new AuthStack(app, 'Auth', {
    ...common,
    stackName: name('auth'),
    description: 'Help desk: Cognito user pool',
    mailConfigurationSetName: data.mailConfigurationSet.configurationSetName,
  });
  const images = new ImagesStack(app, 'Images', {
    ...common,
    stackName: name('images'),
    description: 'Help desk: image bucket and upload verification',
    table: data.table,
    alarmTopic: data.alarmTopic,
  });
  const api = new ApiStack(app, 'Api', {
    ...common,
    stackName: name('api'),
    description: 'Help desk: HTTP API, stage and authorizer; one nested stack of route functions per feature',
    table: data.table,
    imagesBucket: images.bucket,
    imagesBucketArnExportName: images.bucketArnExportName,
    userPool: auth.userPool,
    userPoolClient: auth.userPoolClient,
    deliveryQueue: data.deliveryQueue,
    deliveryDeadLetterQueue: data.deliveryDeadLetterQueue,
    alarmTopic: data.alarmTopic,
  });
  api.addStackDependency(images, 'imports the images bucket ARN export by name');
  const waf = new WafStack(app, 'Waf', {
    ...common,
    env: { account: config.account, region: cloudFrontWafRegion },
    stackName: name('waf'),
    description: 'Help desk: AWS WAF web ACL of the API distribution (CloudFront scope, us-east-1)',
  });
  const edge = new EdgeStack(app, 'Edge', {
    ...common,
    stackName: name('edge'),
    description: 'Help desk: CloudFront distribution with AWS WAF in front of the HTTP API',
    apiId: api.api.apiId,
    webAclArn: waf.webAclArn,
    originVerifySecret: api.originVerifySecret,
  });
  const notifications = new NotificationsStack(app, 'Notifications', {
    ...common,
    stackName: name('notifications'),
    description: 'Help desk: table stream notifier, delivery sender (SES, SNS), dead-letter alarms',
    table: data.table,
    deliveryQueue: data.deliveryQueue,
    deliveryDeadLetterQueue: data.deliveryDeadLetterQueue,
    publicApiUrl: edge.url,
    imagesBucket: images.bucket,
    imagesBucketArnExportName: images.bucketArnExportName,
    alarmTopic: data.alarmTopic,
    mailConfigurationSetName: data.mailConfigurationSet.configurationSetName,
  });
  notifications.addStackDependency(images, 'imports the images bucket ARN export by name');

  return { app, config, data, auth, images, api, waf, edge, notifications };
}
