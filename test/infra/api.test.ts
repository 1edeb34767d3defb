import { existsSync } from 'node:fs';
import { App, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { isPublicRoute, type Route } from '#shared/platform/route-table.ts';
import { routes } from '#shared/routes.ts';
import {
  deadLetterInspectActions,
  deadLetterRedriveActions,
  deliveryRedriveActions,
  secretReadActions,
  userPoolEmailActions,
  userPoolManageActions,
  usesCursorKey,
} from '../../lib/constructs/grants.ts';
import { routeFeature } from '../../lib/stacks/api-routes-stack.ts';
import { routeThrottleClass } from '../../lib/stacks/api-stack.ts';
import {
  actionsOf,
  buildTestApp,
  defined,
  logicalId,
  only,
  resourcesOf,
  statementsOfRole,
  templates,
  withNestedStacks,
} from './helpers.ts';

const allRoutes = routes as readonly Route[];

/** Variables whose names look like secrets but hold none, with what they hold. */
const notSecrets: Readonly<Record<string, string>> = {
  DOCS_SCRIPT_KEY: 'an S3 object key (the path of the API reference page’s script)',
};
const secretLookingName = /key|secret|token|passw|passphrase|credential|private|signing|salt|pepper/i;
const dynamicSecretReference = /\{\{resolve:(secretsmanager|ssm-secure|ssm):/;

/**
 * Every environment variable of every AWS::Lambda::Function of these stacks that holds or names a secret: a
 * CloudFormation dynamic reference (resolved into the function configuration at deploy time), a literal that looks
 * like key material (24+ characters of one base64/hex alphabet, not a lower-case name), or a secret-looking name.
 * The one secret-looking name allowed is `<NAME>_SECRET_ARN` holding the Ref (the ARN) of a Secrets Manager
 * secret of the same stack: an address, whose value only a role with GetSecretValue on it can read.
 */
function scanFunctionEnvironments(stacks: readonly Stack[]): { functions: number; findings: string[] } {
  const findings: string[] = [];
  let functions = 0;
  for (const each of stacks) {
    // With its nested stacks, whose parameters read as the parent's values (a secret's Ref stays a secret's Ref).
    const template = withNestedStacks(each);
    const secrets = Object.keys(template.findResources('AWS::SecretsManager::Secret'));
    const lambdas = template.findResources('AWS::Lambda::Function') as Record<
      string,
      { Properties: { Environment?: { Variables?: Record<string, unknown> } } }
    >;
    for (const [fn, resource] of Object.entries(lambdas)) {
      functions += 1;
      for (const [name, value] of Object.entries(resource.Properties.Environment?.Variables ?? {})) {
        const where = `${each.node.id}/${fn}: ${name}`;
        if (dynamicSecretReference.test(JSON.stringify(value))) findings.push(`${where} resolves a secret`);
        if (
          typeof value === 'string' &&
          /^[A-Za-z0-9+/=_-]{24,}$/.test(value) &&
          !/^[a-z0-9-]+$/.test(value)
        ) {
          findings.push(`${where} holds a key-like literal`);
        }
        if (!secretLookingName.test(name) || name in notSecrets) continue;
        const ref = (value as { Ref?: unknown } | undefined)?.Ref;
        const secretArn = name.endsWith('_SECRET_ARN') && typeof ref === 'string' && secrets.includes(ref);
        if (!secretArn) findings.push(`${where} is named like a secret`);
      }
    }
  }
  return { functions, findings };
}

describe('api stack', () => {
  const built = buildTestApp({
    corsOrigins: 'https://help.example.org',
    apiRateLimit: 20,
    apiBurstLimit: 40,
    authRateLimit: 8,
    authBurstLimit: 16,
    signUpRateLimit: 1,
    signUpBurstLimit: 3,
    approvalRateLimit: 4,
    approvalBurstLimit: 6,
    uploadRateLimit: 3,
    uploadBurstLimit: 7,
  });
  const api = templates(built).api;
  const stack = built.api;
  const authorizerId = Object.keys(api.findResources('AWS::ApiGatewayV2::Authorizer'))[0];

  const fnId = (route: Route) => logicalId(stack, defined(stack.functions.get(route.id), route.id).function);
  const roleId = (route: Route) =>
    logicalId(stack, defined(stack.functions.get(route.id), route.id).role as never);
  const statements = (route: Route) => statementsOfRole(api, roleId(route));
  const env = (route: Route) =>
    (
      api.findResources('AWS::Lambda::Function')[fnId(route)] as {
        Properties: { Environment: { Variables: Record<string, unknown> } };
      }
    ).Properties.Environment.Variables;

  /** The docs assets deployment's handler (aws-cdk-lib's singleton `Custom::CDKBucketDeployment` function). */
  const isDeploymentHandler = (id: string) => id.startsWith('CustomCDKBucketDeployment');

  it('has one Lambda function and one route per row of the route table, the $default route, and nothing else', () => {
    expect(allRoutes.length).toBeGreaterThan(0);
    const functionIds = Object.keys(api.findResources('AWS::Lambda::Function'));
    expect(functionIds.filter(isDeploymentHandler)).toHaveLength(1);
    expect(functionIds.filter((id) => !isDeploymentHandler(id)).sort()).toEqual(
      [...allRoutes.map(fnId), logicalId(stack, stack.notFound.function)].sort(),
    );
    api.resourceCountIs('AWS::ApiGatewayV2::Route', allRoutes.length + 1);
    api.resourceCountIs('AWS::ApiGatewayV2::Integration', allRoutes.length + 1);
    expect(new Set(allRoutes.map((route) => route.id)).size).toBe(allRoutes.length);
  });

  it.each(allRoutes.map((route) => [`${route.method} ${route.path}`, route] as const))(
    '%s: JWT or no authorizer as the table says, integrated with its own function',
    (_key, route) => {
      const matching = api.findResources('AWS::ApiGatewayV2::Route', {
        Properties: { RouteKey: `${route.method} ${route.path}` },
      });
      const entries = Object.values(matching) as { Properties: Record<string, unknown> }[];
      const props = only(entries, `route ${route.id}`).Properties;
      if (isPublicRoute(route)) {
        expect(props.AuthorizationType).toBe('NONE');
        expect(props.AuthorizerId).toBeUndefined();
      } else {
        expect(props.AuthorizationType).toBe('JWT');
        expect(props.AuthorizerId).toEqual({ Ref: authorizerId });
      }
      const target = JSON.stringify(props.Target);
      const integrationId = Object.keys(api.findResources('AWS::ApiGatewayV2::Integration')).find((id) =>
        target.includes(`"${id}"`),
      );
      api.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
        IntegrationType: 'AWS_PROXY',
        PayloadFormatVersion: '2.0',
        IntegrationUri: { 'Fn::GetAtt': [fnId(route), 'Arn'] },
      });
      const integration = api.findResources('AWS::ApiGatewayV2::Integration')[
        defined(integrationId, `integration of ${route.id}`)
      ] as {
        Properties: { IntegrationUri: unknown };
      };
      expect(integration.Properties.IntegrationUri).toEqual({ 'Fn::GetAtt': [fnId(route), 'Arn'] });
    },
  );

  it('validates JWTs issued by the user pool for the app client', () => {
    api.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Audience: [{ 'Fn::ImportValue': Match.stringLikeRegexp('UserPoolApiClient') }],
        Issuer: { 'Fn::Join': ['', ['https://cognito-idp.us-east-1.amazonaws.com/', Match.anyValue()]] },
      },
    });
  });

  it('serves a $default stage with JSON access logs and throttling, and CORS for the configured origins', () => {
    api.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: Match.objectLike({
        AllowOrigins: ['https://help.example.org'],
        AllowHeaders: Match.arrayWith(['authorization', 'content-type', 'if-match']),
      }),
    });
    api.resourceCountIs('AWS::ApiGatewayV2::Stage', 1);
    api.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      AccessLogSettings: {
        DestinationArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AccessLogs'), 'Arn'] },
        Format: Match.stringLikeRegexp('"requestId":"\\$context.requestId"'),
      },
      DefaultRouteSettings: { ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 },
    });
  });

  it('throttles the auth, sign-up, approval and upload routes each in its own, tighter bucket', () => {
    const stageEntry = only(
      Object.values(api.findResources('AWS::ApiGatewayV2::Stage')) as {
        Properties: { RouteSettings?: Record<string, unknown> };
        DependsOn?: string[];
      }[],
      'stage',
    );
    const limits = (rate: number, burst: number) => ({
      ThrottlingRateLimit: rate,
      ThrottlingBurstLimit: burst,
    });
    const settings = defined(stageEntry.Properties.RouteSettings, 'RouteSettings');
    expect(settings).toMatchObject({
      'POST /auth/login': limits(8, 16),
      'POST /auth/refresh': limits(8, 16),
      'POST /auth/signup': limits(1, 3),
      'POST /approvals/{token}': limits(4, 6),
      'GET /approvals/{token}': limits(4, 6),
      'POST /tickets/{ticketId}/images': limits(3, 7),
    });
    // Exactly the classified rows, each naming a route that exists, and none of the others.
    const throttled = allRoutes.filter((route) => routeThrottleClass(route) !== undefined);
    expect(Object.keys(settings).sort()).toEqual(
      throttled.map((route) => `${route.method} ${route.path}`).sort(),
    );
    expect(
      allRoutes.filter((route) => route.path.startsWith('/auth/')).every((r) => throttled.includes(r)),
    ).toBe(true);
    expect(settings['GET /tickets']).toBeUndefined();
    // Route settings must name existing route keys: the stage waits for those routes.
    const routeIds = Object.entries(api.findResources('AWS::ApiGatewayV2::Route'))
      .filter(([, r]) => (r as { Properties: { RouteKey: string } }).Properties.RouteKey in settings)
      .map(([id]) => id);
    expect(routeIds).toHaveLength(throttled.length);
    // Those routes live in their features' nested stacks: the stage depends on those stacks (CloudFormation creates
    // a nested stack, routes included, before what depends on it).
    const routeStackIds = throttled.map((route) =>
      stack.getLogicalId(
        defined(
          defined(stack.routeStacks.get(routeFeature(route)), `stack of ${route.id}`).nestedStackResource,
          `nested stack resource of ${route.id}`,
        ) as Parameters<typeof stack.getLogicalId>[0],
      ),
    );
    expect(stageEntry.DependsOn).toEqual(expect.arrayContaining([...new Set(routeStackIds)]));
  });

  it('uses the default route limits when none are configured', () => {
    const stageProps = (
      Object.values(templates(buildTestApp()).api.findResources('AWS::ApiGatewayV2::Stage'))[0] as {
        Properties: { RouteSettings: Record<string, { ThrottlingRateLimit: number }> };
      }
    ).Properties;
    expect(stageProps.RouteSettings['POST /auth/login']?.ThrottlingRateLimit).toBe(10);
    expect(stageProps.RouteSettings['POST /auth/signup']?.ThrottlingRateLimit).toBe(2);
  });

  it('runs every function on nodejs24.x arm64 with its own log group with retention', () => {
    const functions = Object.entries(api.findResources('AWS::Lambda::Function'))
      .filter(([id]) => !isDeploymentHandler(id)) // Python, aws-cdk-lib's (test/infra/docs.test.ts)
      .map(([, fn]) => fn) as {
      Properties: { Runtime: string; Architectures: string[]; LoggingConfig: { LogGroup: { Ref: string } } };
    }[];
    const logGroups = api.findResources('AWS::Logs::LogGroup');
    const used = new Set<string>();
    for (const fn of functions) {
      expect(fn.Properties.Runtime).toBe('nodejs24.x');
      expect(fn.Properties.Architectures).toEqual(['arm64']);
      const group = logGroups[fn.Properties.LoggingConfig.LogGroup.Ref] as {
        Properties: { RetentionInDays: number };
      };
      expect(group.Properties.RetentionInDays).toBe(30);
      used.add(fn.Properties.LoggingConfig.LogGroup.Ref);
    }
    expect(used.size).toBe(functions.length);
  });

  it('uses no AWS managed policy and no wildcard action, and never allows Scan', () => {
    for (const role of Object.values(api.findResources('AWS::IAM::Role'))) {
      expect(
        (role as { Properties: { ManagedPolicyArns?: unknown } }).Properties.ManagedPolicyArns,
      ).toBeUndefined();
    }
    for (const route of allRoutes) {
      for (const statement of statements(route)) {
        for (const action of actionsOf(statement)) {
          expect(action).not.toContain('*');
          expect(action).not.toBe('dynamodb:Scan');
        }
      }
    }
  });

  it('gives the image-upload presign function s3:PutObject on tickets/* only', () => {
    const route = defined(
      allRoutes.find((r) => r.id === 'CreateImageUpload'),
      'CreateImageUpload route',
    );
    expect(route.grants).toContain('images:upload');
    const s3 = statements(route).filter((s) => actionsOf(s).some((a) => a.startsWith('s3:')));
    const statement = only(s3, 's3 statement');
    expect(actionsOf(statement)).toEqual(['s3:PutObject']);
    expect(resourcesOf(statement)).toEqual([
      { 'Fn::Join': ['', [{ 'Fn::ImportValue': built.images.bucketArnExportName }, '/tickets/*']] },
    ]);
  });

  it('lets the dashboard read only profiles, roles, the counters and the balances: GetItem and Query by key prefix, no index', () => {
    const readers = allRoutes.filter((route) => route.grants.includes('table:readCounters'));
    expect(readers.map((route) => route.id)).toEqual(['GetDashboardStats']);
    for (const route of readers) {
      expect(route.grants, route.id).not.toContain('table:read');
      expect(route.grants, route.id).not.toContain('table:write');
      const dynamo = statements(route).filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')));
      const statement = only(dynamo, `dynamodb statement of ${route.id}`);
      expect(actionsOf(statement).sort()).toEqual(['dynamodb:GetItem', 'dynamodb:Query']);
      expect(JSON.stringify(resourcesOf(statement))).not.toContain('index');
      expect(statement).toMatchObject({
        Condition: {
          'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['USER#*', 'ROLES', 'STATS#*', 'INVENTORY'] },
        },
      });
    }
  });

  it('lets the inventory writes write only the stock and Idempotency-Key records: by key prefix', () => {
    const writers = allRoutes.filter((route) => route.grants.includes('table:writeInventory'));
    expect(writers.map((route) => route.id).sort()).toEqual([
      'CreateInventoryAdjustment',
      'CreateInventoryReceipt',
      'SetInventoryThreshold',
    ]);
    for (const route of writers) {
      expect(route.grants, route.id).not.toContain('table:write');
      const writes = statements(route).filter((s) => actionsOf(s).includes('dynamodb:PutItem'));
      const statement = only(writes, `dynamodb write statement of ${route.id}`);
      expect(actionsOf(statement).sort()).toEqual([
        'dynamodb:DeleteItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
      ]);
      expect(statement).toMatchObject({
        Condition: {
          'ForAllValues:StringLike': {
            'dynamodb:LeadingKeys': ['INVENTORY', 'INVENTORY#*', 'IDEMPOTENCY#*'],
          },
        },
      });
    }
  });

  it('lets a route that mails send only as the sender identity, with the stage’s configuration set', () => {
    const mailing = allRoutes.filter((route) => route.grants.includes('mail:send'));
    expect(mailing.length).toBeGreaterThan(0);
    for (const route of mailing) {
      const statement = only(
        statements(route).filter((s) => actionsOf(s).includes('ses:SendEmail')),
        `ses statement of ${route.id}`,
      );
      const resources = JSON.stringify(resourcesOf(statement));
      expect(resources, route.id).toContain(':identity/no-reply@example.com');
      expect(resources, route.id).toContain(':configuration-set/helpdesk-dev');
      expect(resources, route.id).not.toContain('*');
    }
  });

  it('turns each grant into exactly its statements (and functions without a grant get none)', () => {
    for (const route of allRoutes) {
      const actions = new Set(statements(route).flatMap(actionsOf));
      const has = (grant: Route['grants'][number]) => route.grants.includes(grant);
      expect(actions.has('dynamodb:GetItem'), route.id).toBe(has('table:read') || has('table:readCounters'));
      expect(actions.has('dynamodb:BatchGetItem'), route.id).toBe(has('table:read'));
      expect(actions.has('dynamodb:PutItem'), route.id).toBe(
        has('table:write') || has('table:writeInventory'),
      );
      expect(actions.has('s3:GetObject'), route.id).toBe(has('images:read') || has('docs:read'));
      expect(actions.has('s3:PutObject'), route.id).toBe(has('images:upload'));
      expect(actions.has('cognito-idp:AdminConfirmSignUp'), route.id).toBe(has('userPool:admin'));
      expect(actions.has('sqs:ReceiveMessage'), route.id).toBe(
        has('deliveries:inspect') || has('deliveries:redrive'),
      );
      expect(actions.has('sqs:SendMessage'), route.id).toBe(
        has('deliveries:redrive') || has('deliveries:send'),
      );
      expect(actions.has('ses:SendEmail'), route.id).toBe(has('mail:send'));
      expect(actions.has('sns:Publish'), route.id).toBe(has('sms:send'));
      // secretsmanager: the cursor key, on the routes that use it (the secret test below).
      const other = [...actions].filter(
        (a) => !/^(dynamodb|s3|cognito-idp|sqs|ses|sns|secretsmanager):/.test(a),
      );
      expect(other.sort(), route.id).toEqual([
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'xray:PutTelemetryRecords', // active tracing (test/infra/monitoring.test.ts)
        'xray:PutTraceSegments',
      ]);
    }
  });

  it('lets the phone-code function publish SMS only: sns:Publish on * and an explicit Deny on every SNS ARN', () => {
    const route = defined(
      allRoutes.find((r) => r.id === 'RequestPhoneCode'),
      'RequestPhoneCode route',
    );
    const sns = statements(route).filter((s) => actionsOf(s).some((a) => a.startsWith('sns:')));
    expect(sns.map((s) => [s.Effect, actionsOf(s), JSON.stringify(resourcesOf(s))]).sort()).toEqual([
      ['Allow', ['sns:Publish'], '["*"]'],
      ['Deny', ['sns:Publish'], expect.stringContaining(':sns:*:*:*')],
    ]);
  });

  it('scopes user pool administration to the pool and the sign-up actions (incl. its rollback)', () => {
    const signUp = defined(
      allRoutes.find((r) => r.id === 'SignUp'),
      'SignUp route',
    );
    const cognito = statements(signUp).filter((s) => actionsOf(s).some((a) => a.startsWith('cognito-idp:')));
    const statement = only(cognito, 'cognito-idp statement');
    expect(actionsOf(statement).sort()).toEqual([
      'cognito-idp:AdminAddUserToGroup',
      'cognito-idp:AdminConfirmSignUp',
      'cognito-idp:AdminDeleteUser',
      'cognito-idp:AdminGetUser',
    ]);
    expect(JSON.stringify(resourcesOf(statement))).toMatch(/UserPool.*Arn/);
  });

  it('scopes user administration (userPool:manage) to the pool and its admin actions, on the routes that have it', () => {
    for (const route of allRoutes) {
      const cognito = statements(route).filter((s) => actionsOf(s).includes('cognito-idp:AdminCreateUser'));
      expect([route.id, cognito.length]).toEqual([
        route.id,
        route.grants.includes('userPool:manage') ? 1 : 0,
      ]);
      for (const statement of cognito) {
        expect(actionsOf(statement).sort()).toEqual([...userPoolManageActions].sort());
        expect(JSON.stringify(resourcesOf(statement))).toMatch(/UserPool.*Arn/);
      }
    }
    expect(
      allRoutes
        .filter((r) => r.grants.includes('userPool:manage'))
        .map((r) => r.id)
        .sort(),
    ).toEqual(['CreateUser', 'DeleteUser', 'ReplaceUser', 'UpdateUser']);
  });

  it('lets the email verification switch an address only: AdminGetUser and AdminUpdateUserAttributes on the pool', () => {
    const withEmailGrant = allRoutes.filter((r) => r.grants.includes('userPool:email'));
    expect(withEmailGrant.map((r) => r.id)).toEqual(['VerifyEmail']);
    for (const route of withEmailGrant) {
      const cognito = statements(route).filter((s) => actionsOf(s).some((a) => a.startsWith('cognito-idp:')));
      const statement = only(cognito, 'cognito-idp statement');
      expect(actionsOf(statement).sort()).toEqual([...userPoolEmailActions].sort());
      expect(JSON.stringify(resourcesOf(statement))).toMatch(/UserPool.*Arn/);
    }
  });

  it('scopes the dead-letter grants to the two queues by ARN: inspect reads the dead-letter queue, redrive also sends to the delivery queue', () => {
    const queueArn = (queue: { node: { defaultChild?: unknown } }) =>
      new RegExp(`FnGetAtt${logicalId(built.data, queue)}Arn`);
    const deadLetters = queueArn(built.data.deliveryDeadLetterQueue);
    const deliveries = queueArn(built.data.deliveryQueue);
    const sqsStatements = (route: Route) =>
      statements(route).filter((statement) => actionsOf(statement).some((a) => a.startsWith('sqs:')));
    const granted = (route: Route) =>
      sqsStatements(route).map((statement) => {
        const resources = resourcesOf(statement);
        expect(resources).toHaveLength(1);
        const resource = JSON.stringify(resources[0]);
        expect(resource, route.id).not.toContain('*');
        return {
          queue: deadLetters.test(resource)
            ? 'dead-letters'
            : deliveries.test(resource)
              ? 'deliveries'
              : resource,
          actions: actionsOf(statement).sort(),
        };
      });
    for (const route of allRoutes) {
      const has = (grant: Route['grants'][number]) => route.grants.includes(grant);
      const expected = [
        ...(has('deliveries:inspect')
          ? [{ queue: 'dead-letters', actions: [...deadLetterInspectActions].sort() }]
          : []),
        ...(has('deliveries:redrive')
          ? [
              { queue: 'dead-letters', actions: [...deadLetterRedriveActions].sort() },
              { queue: 'deliveries', actions: [...deliveryRedriveActions].sort() },
            ]
          : []),
        ...(has('deliveries:send')
          ? [{ queue: 'deliveries', actions: [...deliveryRedriveActions].sort() }]
          : []),
      ];
      expect([route.id, granted(route)]).toEqual([route.id, expected]);
    }
    expect(deadLetterInspectActions).toEqual(['sqs:ReceiveMessage', 'sqs:GetQueueAttributes']);
    expect([...deadLetterRedriveActions].sort()).toEqual([
      'sqs:DeleteMessage',
      'sqs:GetQueueAttributes',
      'sqs:ReceiveMessage',
    ]);
    expect(deliveryRedriveActions).toEqual(['sqs:SendMessage']);
    expect(
      allRoutes
        .filter((r) => r.grants.some((g) => g.startsWith('deliveries:')))
        .map((r) => [r.id, r.permission, r.grants.filter((g) => g.startsWith('deliveries:'))]),
    ).toEqual([
      ['ListDeadLetters', 'canManageUsers', ['deliveries:inspect']],
      ['RedriveDeadLetters', 'canManageUsers', ['deliveries:redrive']],
      ['RetryNotification', 'canManageUsers', ['deliveries:send']],
    ]);
  });

  it('passes each function the config it needs', () => {
    for (const route of allRoutes) {
      const variables = env(route);
      expect(variables.NODE_OPTIONS).toBe('--enable-source-maps');
      expect(variables.POWERTOOLS_SERVICE_NAME).toBe('helpdesk');
      expect(variables.USER_POOL_CLIENT_ID, route.id).toBeDefined();
      expect('TABLE_NAME' in variables, route.id).toBe(route.grants.some((g) => g.startsWith('table:')));
      expect('IMAGES_BUCKET' in variables, route.id).toBe(route.grants.some((g) => g.startsWith('images:')));
      expect('DOCS_BUCKET' in variables, route.id).toBe(route.grants.includes('docs:read'));
      expect('DOCS_SCRIPT_KEY' in variables, route.id).toBe(route.grants.includes('docs:read'));
      expect('MAIL_FROM' in variables, route.id).toBe(route.grants.includes('mail:send'));
      // Mail a route sends itself names the stage's configuration set (bounced and complained addresses suppressed).
      expect(variables.SES_CONFIGURATION_SET, route.id).toBe(
        route.grants.includes('mail:send') ? 'helpdesk-dev' : undefined,
      );
      const deliveries = route.grants.some((g) => g.startsWith('deliveries:'));
      expect('DELIVERY_QUEUE_URL' in variables, route.id).toBe(deliveries);
      expect('DELIVERY_DEAD_LETTER_QUEUE_URL' in variables, route.id).toBe(deliveries);
      if (deliveries) {
        expect(JSON.stringify(variables.DELIVERY_QUEUE_URL)).toMatch(
          new RegExp(`Ref${logicalId(built.data, built.data.deliveryQueue)}`),
        );
        expect(JSON.stringify(variables.DELIVERY_DEAD_LETTER_QUEUE_URL)).toMatch(
          new RegExp(`Ref${logicalId(built.data, built.data.deliveryDeadLetterQueue)}`),
        );
      }
    }
  });

  describe('secrets (docs/security.md, "Secrets")', () => {
    const secretId = logicalId(stack, stack.cursorSigningKey);
    const originSecretId = logicalId(stack, stack.originVerifySecret);
    const readsOf = (route: Route) =>
      statements(route).filter((statement) =>
        actionsOf(statement).some((a) => a.startsWith('secretsmanager:')),
      );
    /** The route's secret reads but the origin-verify secret's (every route has that one, tested below). */
    const secretReads = (route: Route) =>
      readsOf(route).filter(
        (statement) => JSON.stringify(resourcesOf(statement)) !== JSON.stringify([{ Ref: originSecretId }]),
      );

    it('gives the cursor key secret’s ARN, never its value, to the functions that use it, and GetSecretValue on it alone', () => {
      const users = allRoutes.filter(usesCursorKey).map((route) => route.id);
      expect(users).toEqual(expect.arrayContaining(['ListTickets', 'ListComments', 'ListUsers', 'LogIn']));
      for (const route of allRoutes) {
        const variables = env(route);
        const uses = usesCursorKey(route);
        expect('CURSOR_SECRET_ARN' in variables, route.id).toBe(uses);
        expect('CURSOR_SIGNING_KEY' in variables, route.id).toBe(false);
        const reads = secretReads(route);
        if (!uses) {
          expect(reads, route.id).toEqual([]);
          continue;
        }
        // Ref of an AWS::SecretsManager::Secret is its ARN.
        expect(variables.CURSOR_SECRET_ARN, route.id).toEqual({ Ref: secretId });
        const statement = only(reads, `secretsmanager statement of ${route.id}`);
        expect(actionsOf(statement), route.id).toEqual([...secretReadActions]);
        expect(resourcesOf(statement), route.id).toEqual([{ Ref: secretId }]);
        expect(statement.Effect ?? 'Allow').toBe('Allow');
      }
      expect(secretReadActions).toEqual(['secretsmanager:GetSecretValue']);
      api.hasResourceProperties('AWS::SecretsManager::Secret', {
        GenerateSecretString: Match.objectLike({ PasswordLength: 64 }),
      });
      // The AWS managed key `aws/secretsmanager`: no KMS grant needed (a customer managed key would need one).
      const secret = api.findResources('AWS::SecretsManager::Secret')[secretId] as {
        Properties: Record<string, unknown>;
      };
      expect(secret.Properties.KmsKeyId).toBeUndefined();
    });

    it('gives every route function the origin-verify secret’s ARN and GetSecretValue on it alone; no other function', () => {
      for (const route of allRoutes) {
        const variables = env(route);
        expect(variables.ORIGIN_VERIFY_SECRET_ARN, route.id).toEqual({ Ref: originSecretId });
        const reads = readsOf(route).filter((statement) =>
          JSON.stringify(resourcesOf(statement)).includes(originSecretId),
        );
        const statement = only(reads, `origin-verify statement of ${route.id}`);
        expect(actionsOf(statement), route.id).toEqual(['secretsmanager:GetSecretValue']);
        expect(resourcesOf(statement), route.id).toEqual([{ Ref: originSecretId }]);
        expect(statement.Effect ?? 'Allow').toBe('Allow');
        // Besides it, at most the cursor key (the test above).
        expect(readsOf(route).length, route.id).toBe(usesCursorKey(route) ? 2 : 1);
      }
      // No other function of any stack: the $default route's, the stream, queue and S3-event functions, the
      // docs deployment handler.
      const routeFunctions = new Set(allRoutes.map(fnId));
      const stacks = built.app.node
        .findAll()
        .filter((construct): construct is Stack => Stack.isStack(construct) && !construct.nestedStackParent);
      let others = 0;
      for (const each of stacks) {
        const lambdas = withNestedStacks(each).findResources('AWS::Lambda::Function') as Record<
          string,
          { Properties: { Environment?: { Variables?: Record<string, unknown> } } }
        >;
        for (const [id, resource] of Object.entries(lambdas)) {
          if (each === stack && routeFunctions.has(id)) continue;
          others += 1;
          expect(
            resource.Properties.Environment?.Variables ?? {},
            `${each.node.id}/${id}`,
          ).not.toHaveProperty('ORIGIN_VERIFY_SECRET_ARN');
        }
      }
      expect(others).toBeGreaterThanOrEqual(4);
      // No other role may read the secret.
      const readers = stacks.flatMap((each) =>
        Object.entries(withNestedStacks(each).findResources('AWS::IAM::Policy'))
          .filter(([, policy]) => JSON.stringify(policy).includes(`"Ref":"${originSecretId}"`))
          .map(([id]) => id),
      );
      expect(readers.length).toBe(allRoutes.length);
      // The AWS managed key `aws/secretsmanager`: no KMS grant needed.
      const secret = api.findResources('AWS::SecretsManager::Secret')[originSecretId] as {
        Properties: Record<string, unknown>;
      };
      expect(secret.Properties.KmsKeyId).toBeUndefined();
    });

    it('gives the key to exactly the functions whose bundles seal or open cursors', async () => {
      // The project's own modules only (packages external): what matters is whether cursor.ts code is bundled.
      const bundled: string[] = [];
      for (const route of allRoutes) {
        if (!existsSync(route.entry)) continue;
        const result = await build({
          entryPoints: [route.entry],
          bundle: true,
          packages: 'external',
          platform: 'node',
          format: 'esm',
          target: 'node20',
          write: false,
          metafile: true,
          outfile: 'index.mjs',
          logLevel: 'silent',
        });
        const output = Object.values(result.metafile.outputs)[0];
        if ((output?.inputs['shared/platform/cursor.ts']?.bytesInOutput ?? 0) > 0) bundled.push(route.id);
      }
      const declared = allRoutes.filter((route) => existsSync(route.entry) && usesCursorKey(route));
      // A route missing here: add it to cursorKeyRoutesWithoutCursorQuery (lib/constructs/grants.ts).
      expect(bundled.sort()).toEqual(declared.map((route) => route.id).sort());
    }, 120_000);

    it('puts no secret and no secret reference in any function’s environment, in any stack', () => {
      const stacks = built.app.node
        .findAll()
        .filter((construct): construct is Stack => Stack.isStack(construct) && !construct.nestedStackParent);
      expect(stacks.length).toBeGreaterThanOrEqual(5);
      const scanned = scanFunctionEnvironments(stacks);
      expect(scanned.functions).toBeGreaterThan(allRoutes.length);
      expect(scanned.findings).toEqual([]);
    });

    it('the scan refuses a resolved secret, a key-like literal and a secret-like name (what main had)', () => {
      // Without CloudFormation's schema validation (as buildTestApp): it takes 20 s and is not what is tested.
      const app = new App({ builtinCloudFormationValidation: false });
      const probe = new Stack(app, 'Probe', { env: { account: '111111111111', region: 'us-east-1' } });
      const key = new Secret(probe, 'Key');
      new LambdaFunction(probe, 'Fn', {
        runtime: Runtime.NODEJS_24_X,
        handler: 'index.handler',
        code: Code.fromInline('export const handler = async () => {};'),
        environment: {
          CURSOR_SIGNING_KEY: key.secretValue.unsafeUnwrap(), // main before issue 9
          SETTING: 'q3J9x0Zk1mN4vB7cR2tY5wE8uI6oP0aS',
          API_TOKEN: 'abc',
          CURSOR_SECRET_ARN: key.secretArn, // allowed: an address
          PLAIN: 'helpdesk-local-name',
        },
      });
      const { findings } = scanFunctionEnvironments([probe]);
      expect(findings.map((finding) => finding.replace(/^Probe\/\w+: /, '')).sort()).toEqual([
        'API_TOKEN is named like a secret',
        'CURSOR_SIGNING_KEY is named like a secret',
        'CURSOR_SIGNING_KEY resolves a secret',
        'SETTING holds a key-like literal',
      ]);
    });
  });
});
