/**
 * API: the HTTP API, one Lambda function per route row (`shared/routes.ts`), each with least-privilege
 * IAM built from the row's `grants`, the Cognito JWT authorizer on every route that is not `public`, the secret that
 * keys pagination cursors (read at run time by the routes that page), and the secret CloudFront sends in the
 * `x-origin-verify` header (read at run time by every route, which refuses a request without it). The delivery queues come from the data stack; only the dead-letter routes
 * (`deliveries:*` grants) see them. The docs assets bucket (`lib/constructs/docs-assets.ts`) holds the script of
 * the API reference page; only `GET /docs` (`docs:read`) may read it.
 *
 * Where the resources live: this stack holds the HTTP API, its `$default` stage, the JWT authorizer, the access
 * logs, the cursor key, the docs assets, the `$default` (not found) route and the API alarms; each feature's routes
 * (functions, integrations, permissions, routes, function alarms) are a nested stack of it, one per
 * `functions/<feature>/` folder (`ApiRoutesStack`, api-routes-stack.ts, says why), so no stack nears
 * CloudFormation's 500 resources as routes are added.
 *
 * What API Gateway answers itself, and why it stays as it is:
 * - No route for a request: the `$default` route sends every request no row matches to one small function that
 *   answers 404 `application/problem+json` (`notFoundFallback` in shared/platform/routes.ts), so unknown paths look
 *   like every other error of the API. CORS preflights never reach it: with CORS configured, API Gateway answers
 *   `OPTIONS` itself ("Configure CORS for HTTP APIs").
 * - The JWT authorizer's refusal stays 401 `{"message":"Unauthorized"}` with a `www-authenticate: Bearer ...`
 *   header ("Troubleshooting issues with HTTP API JWT authorizers"): HTTP APIs have no gateway responses (a REST
 *   API feature), so the body of an authorizer refusal cannot be reshaped. The OpenAPI document says so
 *   (`GatewayMessage`), and the local gateway answers the same.
 * - Throttling (429) and integration failures (500/502/503) are the gateway's own `{"message": ...}` bodies too.
 *
 * Throttling: the stage's `DefaultRouteSettings` limit is one token bucket shared by every route, so a flood of one
 * public route (`POST /auth/login`) would starve all others. The routes a hostile client can call without a token
 * or that cost us per call (Cognito sign-ups, presigned uploads) get their own, tighter bucket in the stage's
 * `RouteSettings`, keyed by route key ("Throttle requests to your HTTP APIs", API Gateway developer guide:
 * route-level limits override the stage's for that route). These limits are per route, for all clients together:
 * HTTP APIs have neither usage plans nor AWS WAF association (REST API features): the per-client limit is the WAF
 * rate rule on the CloudFront distribution in front (`edge-stack.ts`, `waf-stack.ts`); the per-route bucket bounds
 * the damage one flood does to the rest.
 */
import { CfnOutput, Duration, Fn, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  type CfnStage,
  CorsHttpMethod,
  HttpApi,
  HttpAuthorizer,
  HttpAuthorizerType,
  HttpNoneAuthorizer,
  HttpRoute,
  HttpRouteKey,
  HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Alarm, ComparisonOperator, MathExpression, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IUserPool, IUserPoolClient } from 'aws-cdk-lib/aws-cognito';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { originVerifyHeader } from '#shared/platform/http/origin-verify.ts';
import type { Route } from '#shared/platform/route-table.ts';
import { notFoundFallback } from '#shared/platform/routes.ts';
import { routes } from '#shared/routes.ts';
import { DocsAssets } from '../constructs/docs-assets.ts';
import { imageObjectsArn } from '../constructs/grants.ts';
import { ServiceFunction } from '../constructs/service-function.ts';
import type { DeployConfig, RouteThrottleClass } from '../deploy-config.ts';
import { ApiRoutesStack, routesByFeature, routesStackId } from './api-routes-stack.ts';
import { mailConfigurationSetName } from './data-stack.ts';

/**
 * Why each public route has no authorizer (cdk-nag AwsSolutions-APIG4). A new public route must be added here:
 * making an endpoint unauthenticated deserves a written reason.
 */
export const publicRouteReasons: Record<string, string> = {
  GetHealth: 'Liveness probe for monitors and load tests; returns no data.',
  GetOpenApi: 'The OpenAPI document describes the public contract of the API; it holds no data.',
  GetDocs:
    'The API reference page renders the public OpenAPI document; it holds no data, and its presigned URL opens ' +
    'only the reference viewer script.',
  SignUp:
    'Self sign-up creates the account, so the caller has no token yet; Cognito and the function validate input.',
  ConfirmSignUp:
    'Sign-up confirmation must work before the user can sign in: the caller has no token yet; the code mailed to ' +
    'the address (the credential, checked by Cognito) confirms it.',
  ResendConfirmationCode:
    'Sign-up confirmation must work before the user can sign in: the caller has no token yet; Cognito mails the ' +
    'new code only to the address of the unconfirmed account.',
  LogIn: 'Exchanges email and password for tokens, so the caller has no token yet.',
  RefreshTokens: 'Exchanges a refresh token (the credential, checked by Cognito) for new tokens.',
  SetNewPassword:
    'First sign-in of an account an admin created: the Cognito challenge session (the credential, checked by ' +
    'Cognito) and a new password for tokens, so the caller has no token yet.',
  ShowApproval:
    'Opened from an email or SMS link; the random single-use token in the path is the credential (stored ' +
    'hashed, expiring, bound to one ticket and approver), and GET changes nothing.',
  DecideApproval:
    'Approval link form post; the random single-use token in the path is the credential (stored hashed, ' +
    'expiring, bound to one ticket and approver), checked by the function.',
};

/**
 * Which routes get their own, tighter throttle (limits in the deploy config, `routeThrottles`), undefined for the
 * rest (the stage's default). Keyed by path so that a new `/auth/*` or approval route is covered without an edit.
 */
export function routeThrottleClass(
  route: Pick<Route, 'id' | 'method' | 'path'>,
): RouteThrottleClass | undefined {
  if (route.method === 'POST' && route.path === '/auth/signup') return 'signUp';
  if (route.path.startsWith('/auth/')) return 'auth';
  if (route.path.startsWith('/approvals/')) return 'approval';
  // Presigned uploads: an image, or an image's replacement.
  const presignsUpload = /^\/tickets\/\{ticketId\}\/images(\/\{imageId\}\/replace)?$/;
  if (route.method === 'POST' && presignsUpload.test(route.path)) return 'upload';
  return undefined;
}

/** Headers browsers may send cross-origin. */
export const corsAllowHeaders = ['authorization', 'content-type', 'if-match', 'idempotency-key'];

export interface ApiStackProps extends StackProps {
  readonly config: DeployConfig;
  readonly table: ITableV2;
  readonly imagesBucket: IBucket;
  /** Export holding the images bucket ARN (`ImagesStack.bucketArnExportName`). */
  readonly imagesBucketArnExportName: string;
  readonly userPool: IUserPool;
  readonly userPoolClient: IUserPoolClient;
  /** Planned notifications (`DataStack.deliveryQueue`): the redrive route sends to it. */
  readonly deliveryQueue: IQueue;
  /** Its dead-letter queue (`DataStack.deliveryDeadLetterQueue`): the dead-letter routes read and empty it. */
  readonly deliveryDeadLetterQueue: IQueue;
  /** The operator alarms topic (`DataStack.alarmTopic`). */
  readonly alarmTopic: ITopic;
}

export class ApiStack extends Stack {
  readonly api: HttpApi;
  readonly stage: HttpStage;
  /**
   * Base URL of the HTTP API itself (`https://<id>.execute-api.<region>.amazonaws.com/`): the CloudFront origin.
   * Clients and approval links use `EdgeStack.url`.
   */
  readonly url: string;
  /** Each route's function, by route id (they live in the feature nested stacks, `routeStacks`). */
  readonly functions: ReadonlyMap<string, ServiceFunction>;
  /** The nested stack of each feature's routes (`functions/<feature>/`), by feature. */
  readonly routeStacks: ReadonlyMap<string, ApiRoutesStack>;
  readonly cursorSigningKey: Secret;
  /**
   * The value CloudFront adds in the `x-origin-verify` header (`EdgeStack`), which every route's function checks
   * (`shared/platform/http/origin-verify.ts`). Here, not in the Edge stack: the Edge stack depends on this one (its
   * origin is the API), so the functions could not reference a secret of it without a dependency cycle.
   */
  readonly originVerifySecret: Secret;
  /** The bucket of the API reference page's script. */
  readonly docsAssets: DocsAssets;
  /** The `$default` route's function: 404 problem+json for every request no route matches. */
  readonly notFound: ServiceFunction;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const { config, table, imagesBucket, userPool, userPoolClient, deliveryQueue, deliveryDeadLetterQueue } =
      props;

    this.api = new HttpApi(this, 'HttpApi', {
      apiName: `helpdesk-${config.stage}`,
      description: 'Help desk: tickets, comments, images, approvals',
      createDefaultStage: false,
      corsPreflight: {
        allowOrigins: [...config.corsOrigins],
        allowMethods: [
          CorsHttpMethod.GET,
          CorsHttpMethod.POST,
          CorsHttpMethod.PUT,
          CorsHttpMethod.PATCH,
          CorsHttpMethod.DELETE,
        ],
        allowHeaders: corsAllowHeaders,
        exposeHeaders: ['etag', 'location', 'idempotency-replayed'],
        maxAge: Duration.hours(1),
      },
    });

    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: config.logRetention,
      removalPolicy: config.removalPolicy,
    });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: config.apiRateLimit, burstLimit: config.apiBurstLimit },
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        // The route key (`POST /approvals/{token}`), never the raw path: approval tokens stay out of the logs.
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            requestTime: '$context.requestTime',
            ip: '$context.identity.sourceIp',
            userAgent: '$context.identity.userAgent',
            routeKey: '$context.routeKey',
            status: '$context.status',
            protocol: '$context.protocol',
            responseLength: '$context.responseLength',
            latencyMs: '$context.responseLatency',
            integrationLatencyMs: '$context.integrationLatency',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
            sub: '$context.authorizer.claims.sub',
          }),
        ),
      },
    });
    this.url = this.stage.url;

    // The key of the opaque pagination cursors. Read at run time (shared/platform/cursor.ts, secrets.ts) by the
    // functions of the routes that page with cursors, which get its ARN (not its value) and GetSecretValue on it.
    this.cursorSigningKey = new Secret(this, 'CursorSigningKey', {
      description: 'Key of the pagination cursors of the help desk API (read at run time)',
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
      removalPolicy: config.removalPolicy,
    });
    Validations.of(this.cursorSigningKey).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The key only seals opaque pagination cursors; every query is still authorized from the caller token. ' +
        'Rotation is manual (put a new value: the functions read it within 5 minutes, and cursors sealed with the ' +
        'previous version still open, docs/security.md); a rotation Lambda would add a function and a schedule ' +
        'for a key whose leak reveals only list positions.',
    });

    // The value of the header CloudFront adds to every origin request (`x-origin-verify`, edge-stack.ts). Every
    // route's function gets its ARN and GetSecretValue on it, and refuses (403) a request without it
    // (shared/platform/http/origin-verify.ts): a direct call of the execute-api URL, which bypasses the WAF.
    this.originVerifySecret = new Secret(this, 'OriginVerifySecret', {
      description: `Value of the ${originVerifyHeader} header CloudFront adds to every request to the help desk API`,
      generateSecretString: { passwordLength: 48, excludePunctuation: true, includeSpace: false },
      removalPolicy: config.removalPolicy,
    });
    Validations.of(this.originVerifySecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The value reaches CloudFront through the distribution configuration at deploy time, so a rotation Lambda ' +
        'would not reach it. Rotate by hand: put a new value (the functions accept the current and the previous ' +
        'version), then redeploy the Edge stack so CloudFront sends the new one (docs/security.md, "Edge").',
    });

    // The Cognito JWT authorizer, created here (not by the first route that binds an `HttpUserPoolAuthorizer`,
    // which would put it in that route's nested stack) and shared by every feature's routes.
    const cognitoAuthorizer = new HttpAuthorizer(this, 'CognitoAuthorizer', {
      httpApi: this.api,
      authorizerName: 'CognitoAuthorizer',
      type: HttpAuthorizerType.JWT,
      identitySource: ['$request.header.Authorization'],
      jwtAudience: [userPoolClient.userPoolClientId],
      jwtIssuer: `https://cognito-idp.${this.region}.amazonaws.com/${userPool.userPoolId}`,
    });
    const jwt = HttpAuthorizer.fromHttpAuthorizerAttributes(this, 'CognitoAuthorizerRef', {
      authorizerId: cognitoAuthorizer.authorizerId,
      authorizerType: HttpAuthorizerType.JWT,
    });
    const none = new HttpNoneAuthorizer();

    // Explicitly named import (not an automatic reference): gives the `<ARN>/tickets/*` resources a stable
    // string, used by the acknowledgements of the routes' functions.
    const imagesBucketArn = Fn.importValue(props.imagesBucketArnExportName);
    this.docsAssets = new DocsAssets(this, 'DocsAssets', { config });
    const grantTargets = {
      table,
      imageObjectsArn: imageObjectsArn(imagesBucketArn),
      userPoolArn: userPool.userPoolArn,
      deliveryQueue,
      deliveryDeadLetterQueue,
      docsScriptObjectArn: this.docsAssets.scriptObjectArn,
      // SES authorizes a send against the sending identity: the address itself or its verified domain.
      mailIdentityArns: [config.mailFrom, config.mailFrom.split('@')[1] ?? config.mailFrom].map((identity) =>
        this.formatArn({ service: 'ses', resource: 'identity', resourceName: identity }),
      ),
      // A send that names a configuration set is authorized against it too (SES "Controlling access", resources).
      mailConfigurationSetArn: this.formatArn({
        service: 'ses',
        resource: 'configuration-set',
        resourceName: mailConfigurationSetName(config.stage),
      }),
    };

    // Each feature's routes (function, integration, permission, route, alarms) in a nested stack of their own
    // (api-routes-stack.ts says why): this stack keeps the API, its stage, authorizer and shared pieces.
    const functions = new Map<string, ServiceFunction>();
    const routeStacks = new Map<string, ApiRoutesStack>();
    const routeSettings: Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }> = {};
    for (const [feature, featureRoutes] of routesByFeature(routes as readonly Route[])) {
      const routeStack = new ApiRoutesStack(this, routesStackId(feature), {
        feature,
        routes: featureRoutes,
        config,
        httpApi: this.api,
        jwtAuthorizer: jwt,
        noAuthorizer: none,
        publicRouteReasons,
        table,
        imagesBucket,
        imagesBucketArnExportName: props.imagesBucketArnExportName,
        userPool,
        userPoolClient,
        deliveryQueue,
        deliveryDeadLetterQueue,
        cursorSigningKey: this.cursorSigningKey,
        originVerifySecret: this.originVerifySecret,
        docsBucketName: this.docsAssets.deployedBucket.bucketName,
        docsScriptKey: this.docsAssets.scriptKey,
        grantTargets,
        alarmTopic: props.alarmTopic,
      });
      routeStacks.set(feature, routeStack);
      for (const [id, fn] of routeStack.functions) functions.set(id, fn);
      for (const route of featureRoutes) {
        const throttleClass = routeThrottleClass(route);
        if (!throttleClass) continue;
        const limits = config.routeThrottles[throttleClass];
        routeSettings[`${route.method} ${route.path}`] = {
          ThrottlingRateLimit: limits.rateLimit,
          ThrottlingBurstLimit: limits.burstLimit,
        };
        // A stage's route settings name an existing route key: CloudFormation fails the stage otherwise, so the
        // stage is created (or updated) after the routes it throttles (a DependsOn on their nested stack).
        this.stage.node.addDependency(routeStack.httpRoutes.get(route.id) as HttpRoute);
      }
    }
    this.functions = functions;
    this.routeStacks = routeStacks;
    // Per-route limits (see the file comment); the L2 HttpStage only sets the stage-wide default.
    (this.stage.node.defaultChild as CfnStage).routeSettings = routeSettings;

    // Every request no row matches: 404 problem+json instead of API Gateway's {"message":"Not Found"}.
    this.notFound = new ServiceFunction(this, notFoundFallback.id, {
      entry: notFoundFallback.entry,
      description: notFoundFallback.summary,
      config,
      alarmTopic: props.alarmTopic,
      environment: {},
    });
    const defaultRoute = new HttpRoute(this, `${notFoundFallback.id}Route`, {
      httpApi: this.api,
      routeKey: HttpRouteKey.DEFAULT,
      integration: new HttpLambdaIntegration(`${notFoundFallback.id}Integration`, this.notFound.function),
      authorizer: none,
    });
    Validations.of(defaultRoute).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        'The $default route only answers 404 problem+json for paths no route matches; its function touches ' +
        'nothing (no grant), so there is nothing to authorize.',
    });

    this.apiAlarms(config, props.alarmTopic);

    new CfnOutput(this, 'ApiUrl', { value: this.url });
  }

  /**
   * The API as its callers see it, on the operator topic (HTTP API metrics `5xx`, `Count`, `Latency` by `ApiId`,
   * "Monitor CloudWatch metrics for HTTP APIs in API Gateway"):
   * - 5xx rate: more than `apiErrorRatePercent` % of requests in two 5-minute periods out of three (metric math,
   *   0 when there was no traffic);
   * - p99 latency above `apiLatencyP99Ms` in two 5-minute periods out of three.
   * HTTP APIs do not support X-Ray tracing (a REST API feature, "Tracing user requests to REST APIs using X-Ray"):
   * traces start at each function, which has Lambda active tracing (lib/constructs/service-function.ts).
   */
  private apiAlarms(config: DeployConfig, alarmTopic: ITopic): void {
    const period = Duration.minutes(5);
    const errorRate = new MathExpression({
      label: '5xx responses, % of requests',
      expression: 'IF(requests > 0, 100 * errors / requests, 0)',
      usingMetrics: {
        errors: this.api.metricServerError({ period, statistic: 'Sum' }),
        requests: this.api.metricCount({ period, statistic: 'Sum' }),
      },
      period,
    });
    const alarms: Array<[string, string, MathExpression | ReturnType<HttpApi['metricLatency']>, number]> = [
      [
        'Api5xxRate',
        `More than ${config.apiErrorRatePercent}% of API requests answered 5xx. See the access logs ` +
          '(integrationError) and the function alarms.',
        errorRate,
        config.apiErrorRatePercent,
      ],
      [
        'ApiLatencyP99',
        `API p99 latency above ${config.apiLatencyP99Ms} ms. See the functions' X-Ray traces.`,
        this.api.metricLatency({ period, statistic: 'p99' }),
        config.apiLatencyP99Ms,
      ],
    ];
    for (const [id, description, metric, threshold] of alarms) {
      new Alarm(this, id, {
        alarmDescription: description,
        metric,
        threshold,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }).addAlarmAction(new SnsAction(alarmTopic));
    }
  }
}
