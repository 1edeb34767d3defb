/**
 * The routes of one feature, as a nested stack of the `Api` stack (`ApiStack`): for each route row whose entry is
 * in `functions/<feature>/`, its function (`ServiceFunction`: function, role, policies, log group, two alarms), its
 * Lambda integration, the permission for API Gateway to invoke it, and its HTTP API route.
 *
 * Why nested stacks, one per feature (docs/architecture.md, "Stacks"):
 * - A route costs about ten CloudFormation resources and a stack may hold 500: with every route in `Api`, the
 *   stack hit the limit at about 50 routes. Split by feature, a stack grows only with its own feature's routes
 *   ({@link maxResourcesPerStack} is the margin `test/infra/stack-limits.test.ts` holds every stack to).
 * - A feature's routes stay in their stack as other features add or drop routes (fixed-size chunks of the route
 *   table would move routes between stacks on every insertion, and a route key cannot exist twice in one HTTP API
 *   while CloudFormation creates the moved route before it deletes the old one).
 * - Nested, not separate top-level stacks: the HTTP API id, the authorizer id, the cursor key's and the origin-verify
 *   secret's ARNs and the docs
 *   bucket reach a nested stack as template parameters, not as CloudFormation exports, so no export is ever locked
 *   by an importer, and `cdk deploy` still deploys (and rolls back) the API as one unit, the `Api` stack. The
 *   table, queues, user pool and alarm topic come from the other top-level stacks as before (exports).
 */
import { NestedStack, Validations } from 'aws-cdk-lib';
import {
  HttpMethod,
  HttpRoute,
  HttpRouteKey,
  type IHttpApi,
  type IHttpRouteAuthorizer,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IUserPool, IUserPoolClient } from 'aws-cdk-lib/aws-cognito';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { originVerifySecretVariable } from '#shared/platform/http/origin-verify.ts';
import { isPublicRoute, type Route } from '#shared/platform/route-table.ts';
import {
  applyGrants,
  type GrantTargets,
  grantSecretRead,
  imageKeyPrefix,
  usesCursorKey,
} from '../constructs/grants.ts';
import { ServiceFunction } from '../constructs/service-function.ts';
import type { DeployConfig } from '../deploy-config.ts';
import { mailConfigurationSetName } from './data-stack.ts';

/**
 * The most resources any stack of the app (nested stacks included) may hold: CloudFormation's limit is 500, and
 * the margin leaves room for a feature to grow by about ten routes before its folder must be split.
 */
export const maxResourcesPerStack = 400;

/** The feature of a route: the folder of its entry, `functions/<feature>/<verb>.ts`. */
export function routeFeature(route: Pick<Route, 'id' | 'entry'>): string {
  const match = /^functions\/([a-z0-9-]+)\/[^/]+$/.exec(route.entry);
  if (!match?.[1]) {
    throw new Error(`Route ${route.id}: entry ${route.entry} is not functions/<feature>/<verb>.ts`);
  }
  return match[1];
}

/** Construct id of a feature's nested stack: `tickets` -> `TicketsRoutes`, `direct-messages` -> `DirectMessagesRoutes`. */
export function routesStackId(feature: string): string {
  const pascal = feature
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
  return `${pascal}Routes`;
}

/** The route rows grouped by feature, in the order the features first appear in the route table. */
export function routesByFeature(routes: readonly Route[]): Map<string, Route[]> {
  const groups = new Map<string, Route[]>();
  for (const route of routes) {
    const feature = routeFeature(route);
    groups.set(feature, [...(groups.get(feature) ?? []), route]);
  }
  return groups;
}

export interface ApiRoutesStackProps {
  readonly feature: string;
  readonly routes: readonly Route[];
  readonly config: DeployConfig;
  readonly httpApi: IHttpApi;
  /** The Cognito JWT authorizer, created in the `Api` stack (shared by every feature's routes). */
  readonly jwtAuthorizer: IHttpRouteAuthorizer;
  readonly noAuthorizer: IHttpRouteAuthorizer;
  /** Why each public route has no authorizer (`publicRouteReasons` in api-stack.ts). */
  readonly publicRouteReasons: Readonly<Record<string, string>>;
  readonly table: ITableV2;
  readonly imagesBucket: IBucket;
  /** Export holding the images bucket ARN (`ImagesStack.bucketArnExportName`), named in the acknowledgements. */
  readonly imagesBucketArnExportName: string;
  readonly userPool: IUserPool;
  readonly userPoolClient: IUserPoolClient;
  readonly deliveryQueue: IQueue;
  readonly deliveryDeadLetterQueue: IQueue;
  readonly cursorSigningKey: ISecret;
  /** The value CloudFront sends in `x-origin-verify` (`ApiStack.originVerifySecret`): every route checks it. */
  readonly originVerifySecret: ISecret;
  /** The docs script's deployed bucket name and key (`DocsAssets`), for `docs:read` routes. */
  readonly docsBucketName: string;
  readonly docsScriptKey: string;
  readonly grantTargets: GrantTargets;
  readonly alarmTopic: ITopic;
}

export class ApiRoutesStack extends NestedStack {
  readonly feature: string;
  /** Each route's function, by route id. */
  readonly functions: ReadonlyMap<string, ServiceFunction>;
  /** Each route's HTTP API route, by route id. */
  readonly httpRoutes: ReadonlyMap<string, HttpRoute>;

  constructor(scope: Construct, id: string, props: ApiRoutesStackProps) {
    super(scope, id, { description: `Help desk: the routes of functions/${props.feature}/` });
    this.feature = props.feature;
    const { config, table, imagesBucket, userPool, userPoolClient, deliveryQueue, deliveryDeadLetterQueue } =
      props;

    const functions = new Map<string, ServiceFunction>();
    const httpRoutes = new Map<string, HttpRoute>();
    for (const route of props.routes) {
      const grants = route.grants;
      const readsTable = grants.includes('table:read') || grants.includes('table:readCounters');
      const writesTable = grants.includes('table:write');
      const usesImages = grants.some((grant) => grant.startsWith('images:'));
      const usesDeliveries = grants.some((grant) => grant.startsWith('deliveries:'));
      const readsDocs = grants.includes('docs:read');
      const sendsMail = grants.includes('mail:send');

      const fn = new ServiceFunction(this, route.id, {
        entry: route.entry,
        description: `${route.method} ${route.path}: ${route.summary}`,
        config,
        alarmTopic: props.alarmTopic,
        environment: {
          // Public identifiers (they are in every token anyway); the auth routes call Cognito with them.
          USER_POOL_ID: userPool.userPoolId,
          USER_POOL_CLIENT_ID: userPoolClient.userPoolClientId,
          // Every route refuses a request that did not come through CloudFront (shared/platform/http/origin-verify.ts).
          [originVerifySecretVariable]: props.originVerifySecret.secretArn,
          ...(readsTable || writesTable ? { TABLE_NAME: table.tableName } : {}),
          ...(usesImages ? { IMAGES_BUCKET: imagesBucket.bucketName } : {}),
          // The secret's ARN, not its value: the function reads the value at run time.
          ...(usesCursorKey(route) ? { CURSOR_SECRET_ARN: props.cursorSigningKey.secretArn } : {}),
          ...(usesDeliveries
            ? {
                DELIVERY_QUEUE_URL: deliveryQueue.queueUrl,
                DELIVERY_DEAD_LETTER_QUEUE_URL: deliveryDeadLetterQueue.queueUrl,
              }
            : {}),
          ...(sendsMail
            ? { MAIL_FROM: config.mailFrom, SES_CONFIGURATION_SET: mailConfigurationSetName(config.stage) }
            : {}),
          // The deployed bucket's name: the function waits until the script is in place.
          ...(readsDocs ? { DOCS_BUCKET: props.docsBucketName, DOCS_SCRIPT_KEY: props.docsScriptKey } : {}),
          // Operations settings (shared/inventory/config.ts), only to the functions whose row reads them.
          ...(route.settings?.includes('cableApproverGroup')
            ? { CABLE_APPROVER_GROUP: config.cableApproverGroup }
            : {}),
          ...(route.settings?.includes('inventoryRole') ? { INVENTORY_ROLE: config.inventoryRole } : {}),
        },
      });
      applyGrants(fn.role, grants, props.grantTargets);
      if (usesCursorKey(route)) grantSecretRead(fn.role, props.cursorSigningKey, 'CursorKeyRead');
      grantSecretRead(fn.role, props.originVerifySecret, 'OriginVerifyRead');
      if (usesImages) {
        Validations.of(fn).acknowledge({
          id: `AwsSolutions-IAM5[Resource::${props.imagesBucketArnExportName}/${imageKeyPrefix}*]`,
          reason:
            'Image keys are tickets/<ticketId>/images/<imageId>, created at runtime; the grant is limited to that ' +
            'prefix and to the actions the route needs (GetObject to presign reads, PutObject to presign ' +
            'uploads, DeleteObject to delete an image).',
        });
      }
      functions.set(route.id, fn);

      const isPublic = isPublicRoute(route);
      const httpRoute = new HttpRoute(this, `${route.id}Route`, {
        httpApi: props.httpApi,
        routeKey: HttpRouteKey.with(route.path, HttpMethod[route.method]),
        // The integration and the invoke permission are created in this stack, next to the route.
        integration: new HttpLambdaIntegration(`${route.id}Integration`, fn.function),
        authorizer: isPublic ? props.noAuthorizer : props.jwtAuthorizer,
      });
      httpRoutes.set(route.id, httpRoute);
      if (isPublic) {
        const reason = props.publicRouteReasons[route.id];
        if (!reason) {
          throw new Error(
            `Route ${route.id} (${route.method} ${route.path}) is public but has no reason in publicRouteReasons ` +
              '(lib/stacks/api-stack.ts)',
          );
        }
        Validations.of(httpRoute).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason: `Public by design: ${reason}`,
        });
      }
    }
    this.functions = functions;
    this.httpRoutes = httpRoutes;
  }
}
