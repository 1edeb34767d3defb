/**
 * CloudFormation allows 500 resources per stack (nested stacks included), and a route costs about ten: the routes
 * are split into one nested stack of `Api` per feature (lib/stacks/api-routes-stack.ts). These tests keep every
 * stack under the margin `maxResourcesPerStack` as routes are added, and check that the split lost no route: every
 * row has its function, integration, invoke permission and route, in its feature's stack.
 */
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import type { Route } from '#shared/platform/route-table.ts';
import { routes } from '#shared/routes.ts';
import {
  maxResourcesPerStack,
  routeFeature,
  routesByFeature,
  routesStackId,
} from '../../lib/stacks/api-routes-stack.ts';
import { allStacks, buildTestApp, defined, logicalId, only } from './helpers.ts';

const allRoutes = routes as readonly Route[];

type Resource = { Type: string; Properties: Record<string, unknown> };

describe('stack sizes and the routes split', () => {
  const built = buildTestApp();
  const stacks = allStacks(built);
  const resourcesOf = (stack: Stack) =>
    (Template.fromStack(stack).toJSON() as { Resources: Record<string, Resource> }).Resources;

  it(`keeps every stack and nested stack at or under ${maxResourcesPerStack} resources (CloudFormation: 500)`, () => {
    expect(maxResourcesPerStack).toBeLessThanOrEqual(400);
    const counts = stacks.map((stack) => [stack.node.path, Object.keys(resourcesOf(stack)).length] as const);
    // A feature over the margin: split its functions/<feature>/ folder (one nested stack per folder).
    expect(counts.filter(([, count]) => count > maxResourcesPerStack)).toEqual([]);
    // The Api stack itself no longer grows with the routes: its shared pieces and one resource per feature.
    const api = defined(
      counts.find(([path]) => path === 'Api'),
      'Api stack',
    );
    expect(api[1]).toBeLessThan(100);
  });

  it('stays under the margin for prod settings too', () => {
    const prod = buildTestApp({
      stage: 'prod',
      region: 'eu-west-1',
      corsOrigins: 'https://help.example.org',
    });
    const over = allStacks(prod)
      .map((stack) => [stack.node.path, Object.keys(resourcesOf(stack)).length] as const)
      .filter(([, count]) => count > maxResourcesPerStack);
    expect(over).toEqual([]);
  });

  it('puts each feature’s routes in one nested stack of Api, named after the folder of their entries', () => {
    const features = routesByFeature(allRoutes);
    expect([...built.api.routeStacks.keys()].sort()).toEqual([...features.keys()].sort());
    for (const [feature, featureRoutes] of features) {
      const nested = defined(built.api.routeStacks.get(feature), feature);
      expect(nested.nestedStackParent).toBe(built.api);
      expect(nested.node.id).toBe(routesStackId(feature));
      expect([...nested.functions.keys()].sort()).toEqual(featureRoutes.map((route) => route.id).sort());
    }
    expect(routeFeature({ id: 'X', entry: 'functions/direct-messages/send.ts' })).toBe('direct-messages');
    expect(routesStackId('direct-messages')).toBe('DirectMessagesRoutes');
    expect(() => routeFeature({ id: 'X', entry: 'shared/x.ts' })).toThrow(/functions\/<feature>/);
  });

  it.each(allRoutes.map((route) => [route.id, route] as const))(
    '%s: its function, integration, invoke permission and route are in its feature’s stack',
    (_id, route) => {
      const nested = defined(built.api.routeStacks.get(routeFeature(route)), `stack of ${route.id}`);
      const resources = resourcesOf(nested);
      const fn = defined(built.api.functions.get(route.id), route.id);
      expect(Stack.of(fn)).toBe(nested);
      const fnId = logicalId(nested, fn.function);
      expect(resources[fnId]?.Type).toBe('AWS::Lambda::Function');

      const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
      const [, httpRoute] = only(
        ofType('AWS::ApiGatewayV2::Route').filter(
          ([, r]) => r.Properties.RouteKey === `${route.method} ${route.path}`,
        ),
        `route ${route.id}`,
      );
      const [integrationId, integration] = only(
        ofType('AWS::ApiGatewayV2::Integration').filter(
          ([, r]) =>
            JSON.stringify(r.Properties.IntegrationUri) === JSON.stringify({ 'Fn::GetAtt': [fnId, 'Arn'] }),
        ),
        `integration of ${route.id}`,
      );
      expect(httpRoute.Properties.Target).toEqual({
        'Fn::Join': ['', ['integrations/', { Ref: integrationId }]],
      });
      // Route and integration belong to the one HTTP API of the Api stack, passed in as a parameter.
      const apiParameter = { Ref: expect.stringMatching(/^referencetoApiHttpApi\w+Ref$/) };
      expect(httpRoute.Properties.ApiId).toEqual(apiParameter);
      expect(integration.Properties.ApiId).toEqual(apiParameter);
      const permissions = ofType('AWS::Lambda::Permission').filter(
        ([, r]) =>
          JSON.stringify(r.Properties.FunctionName) === JSON.stringify({ 'Fn::GetAtt': [fnId, 'Arn'] }),
      );
      expect(permissions.map(([, r]) => r.Properties.Principal)).toEqual(['apigateway.amazonaws.com']);
    },
  );

  it('passes a nested stack only the shared pieces of the Api stack, as parameters (no exports)', () => {
    const shared =
      /^referenceto(ApiHttpApi|ApiCognitoAuthorizer|ApiCursorSigningKey|ApiOriginVerifySecret|ApiDocsAssets)\w+$/;
    for (const nested of built.api.routeStacks.values()) {
      const parameters = Object.keys(
        (Template.fromStack(nested).toJSON() as { Parameters?: Record<string, unknown> }).Parameters ?? {},
      ).filter((name) => name !== 'BootstrapVersion');
      expect(
        parameters.filter((name) => !shared.test(name)),
        nested.node.path,
      ).toEqual([]);
      expect(parameters.length, nested.node.path).toBeLessThanOrEqual(6);
    }
    // The Api stack exports nothing to its nested stacks (the Edge stack reads the API id and the origin-verify
    // secret's ARN through exports).
    const outputs =
      (Template.fromStack(built.api).toJSON() as { Outputs?: Record<string, unknown> }).Outputs ?? {};
    expect(JSON.stringify(outputs)).not.toMatch(/CognitoAuthorizer|CursorSigningKey|DocsAssets/);
  });

  it('creates the Cognito authorizer once, in the Api stack, and the $default route there', () => {
    const authorizers = stacks.flatMap((stack) =>
      Object.values(resourcesOf(stack))
        .filter((r) => r.Type === 'AWS::ApiGatewayV2::Authorizer')
        .map(() => stack.node.path),
    );
    expect(authorizers).toEqual(['Api']);
    const apiRoutes = Object.values(resourcesOf(built.api)).filter(
      (r) => r.Type === 'AWS::ApiGatewayV2::Route',
    );
    expect(apiRoutes.map((r) => r.Properties.RouteKey)).toEqual(['$default']);
  });
});
