/**
 * A Lambda function of this service with the project's bundling defaults, its own execution role and its own
 * log group. Used for every route (one per row of `routes`) and for the two event handlers.
 *
 * - Runtime nodejs24.x on arm64; the bundle targets node20 so the very same bundle also runs on the local Node 20.
 * - ESM output (`index.mjs`), AWS SDK bundled (`externalModules: []`: smaller and faster to load than the
 *   runtime's SDK, see docs/benchmarks.md), minified, linked source maps without sources content, and
 *   `NODE_OPTIONS=--enable-source-maps` so stack traces point at the TypeScript sources.
 * - The SDK's credential chain reduced to the environment variables Lambda sets ({@link bundleAliases},
 *   `lib/bundling/lambda-credentials.ts`): about 120 KiB less per bundle.
 * - The role has no managed policy: log writes are granted on the function's own log group only (no
 *   AWSLambdaBasicExecutionRole, which allows writing to every log group of the account).
 * - The handler export is `handler` in the entry module.
 * - X-Ray active tracing, set in the function configuration (`TracingConfig: Active`): Lambda samples and records
 *   the invocation segments itself, so no tracer or X-Ray SDK goes into the bundle (cold start budget). Lambda
 *   needs `xray:PutTraceSegments` and `xray:PutTelemetryRecords` on the execution role ("Visualize Lambda function
 *   invocations using AWS X-Ray", Lambda developer guide); X-Ray has no resource-level permissions for them
 *   ("Actions, resources, and condition keys for AWS X-Ray"), so they are granted on "*" in a policy of their own
 *   (not the role's default policy, where an acknowledgement of "*" would hide any later wildcard grant).
 * - Two alarms on the operator topic: any error, any throttle in a 5-minute period (metrics "Errors" and
 *   "Throttles", "Using CloudWatch metrics with Lambda").
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { type IRole, Policy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, type CfnFunction, Code, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { DeployConfig } from '../deploy-config.ts';

/** Repository root (this file is `lib/constructs/service-function.ts`). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Service name for Powertools (`POWERTOOLS_SERVICE_NAME`). */
export const serviceName = 'helpdesk';

/**
 * The ESM `require` shim: some bundled CommonJS dependencies call `require('node:…')`, which esbuild's ESM output
 * cannot satisfy without it (first invoke fails with `Dynamic require of "node:https" is not supported`).
 */
export const esmRequireBanner =
  "import { createRequire as __bundleCreateRequire } from 'node:module'; const require = __bundleCreateRequire(import.meta.url);";

/**
 * Module substitutions of every bundle (esbuild `alias`): `@aws-sdk/credential-provider-node`, the SDK's default
 * credential chain, becomes the environment-only chain of `lib/bundling/lambda-credentials.ts` (why: there).
 */
export const bundleAliases: Readonly<Record<string, string>> = {
  '@aws-sdk/credential-provider-node': join(repoRoot, 'lib', 'bundling', 'lambda-credentials.ts'),
};

export interface ServiceFunctionProps {
  /** Handler module, relative to the repository root (as in the route rows, `shared/<feature>/routes.ts`). */
  readonly entry: string;
  readonly description: string;
  /** Environment variables besides NODE_OPTIONS and POWERTOOLS_SERVICE_NAME, which are always set. */
  readonly environment: Record<string, string>;
  readonly config: Pick<DeployConfig, 'removalPolicy' | 'logRetention'>;
  /** @default 512 MB: the bundled SDK parses faster with the CPU share of 512 MB than of 128-256 MB. */
  readonly memorySize?: number;
  /** @default 10 seconds (API Gateway waits at most 30 s for an integration). */
  readonly timeout?: Duration;
  /** The operator alarms topic (`DataStack.alarmTopic`): the function's error and throttle alarms go there. */
  readonly alarmTopic: ITopic;
}

/** X-Ray actions Lambda active tracing needs on the execution role. */
export const xrayWriteActions = ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'];

export class ServiceFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: IRole;
  readonly logGroup: LogGroup;
  readonly errorsAlarm: Alarm;
  readonly throttlesAlarm: Alarm;

  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    super(scope, id);

    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.config.logRetention,
      removalPolicy: props.config.removalPolicy,
    });

    const role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${props.entry}`,
    });
    this.logGroup.grantWrite(role);
    this.role = role;

    const entry = join(repoRoot, props.entry);
    this.function = new NodejsFunction(this, 'Function', {
      entry,
      handler: 'handler',
      description: props.description,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      role,
      logGroup: this.logGroup,
      projectRoot: repoRoot,
      depsLockFilePath: join(repoRoot, 'package-lock.json'),
      environment: {
        ...props.environment,
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: serviceName,
      },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node20',
        mainFields: ['module', 'main'],
        banner: esmRequireBanner,
        minify: true,
        sourceMap: true,
        sourceMapMode: SourceMapMode.DEFAULT,
        sourcesContent: false,
        // Deliberately empty: bundle the AWS SDK v3 instead of using the runtime's copy (pinned versions, and
        // smaller, faster-loading ESM bundles than with the SDK external; measured in docs/benchmarks.md).
        externalModules: [],
        esbuildArgs: Object.fromEntries(
          Object.entries(bundleAliases).map(([module, replacement]) => [`--alias:${module}`, replacement]),
        ),
      },
      // Only when bundling is skipped (unit tests pass `aws:cdk:bundling-stacks: []`) and the entry file does
      // not exist yet: stand in a placeholder so the infrastructure can be tested before the handler is
      // written. A real synth bundles, and a missing entry then fails with NodejsFunction's own error.
      ...(!Stack.of(this).bundlingRequired && !existsSync(entry)
        ? {
            code: Code.fromInline('export const handler = async () => { throw new Error("not bundled"); };'),
            handler: 'index.handler',
          }
        : {}),
    });

    const xrayWrite = new Policy(this, 'XRayWrite', {
      roles: [role],
      statements: [
        new PolicyStatement({ sid: 'ActiveTracing', actions: xrayWriteActions, resources: ['*'] }),
      ],
    });
    Validations.of(xrayWrite).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Lambda active tracing writes segments with xray:PutTraceSegments and xray:PutTelemetryRecords, which ' +
        'support no resource-level permissions: IAM requires "*". The policy holds only these two actions.',
    });
    (this.function.node.defaultChild as CfnFunction).tracingConfig = { mode: 'Active' };
    this.function.node.addDependency(xrayWrite);

    const alarm = (id: string, what: string, metric: ReturnType<NodejsFunction['metricErrors']>) => {
      const created = new Alarm(this, id, {
        alarmDescription: `${props.entry}: ${what} in the last 5 minutes. See its log group and X-Ray traces.`,
        metric,
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      created.addAlarmAction(new SnsAction(props.alarmTopic));
      return created;
    };
    const fiveMinutes = { period: Duration.minutes(5), statistic: 'Sum' };
    this.errorsAlarm = alarm('Errors', 'invocations failed', this.function.metricErrors(fiveMinutes));
    this.throttlesAlarm = alarm(
      'Throttles',
      'invocations throttled',
      this.function.metricThrottles(fiveMinutes),
    );
  }
}
