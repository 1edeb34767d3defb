/**
 * The API reference page's infrastructure (api stack): the docs assets bucket and its deployment of Scalar's
 * script, the `docs:read` grant of `GET /docs`, and the `$default` route that answers unknown paths.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { docsScript } from '#shared/platform/docs-script.ts';
import { getDocsRoute, notFoundFallback } from '#shared/platform/routes.ts';
import { routes } from '#shared/routes.ts';
import { docsScriptAssetDir } from '../../lib/constructs/docs-assets.ts';
import {
  actionsOf,
  buildTestApp,
  defined,
  logicalId,
  only,
  resourcesOf,
  statementsOfRole,
  templates,
} from './helpers.ts';

describe('docs assets and the $default route', () => {
  const built = buildTestApp();
  const api = templates(built).api;
  const stack = built.api;
  const docs = stack.docsAssets;
  const bucketId = logicalId(stack, docs.bucket);
  const logsBucketId = logicalId(stack, docs.accessLogsBucket);
  const script = docsScript();

  it('keeps the script in a private bucket: SSE-S3, public access blocked, TLS 1.2+ only, access logs', () => {
    api.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      LoggingConfiguration: { DestinationBucketName: { Ref: logsBucketId }, LogFilePrefix: 'docs-assets/' },
    });
    const policy = only(
      Object.values(
        api.findResources('AWS::S3::BucketPolicy', { Properties: { Bucket: { Ref: bucketId } } }),
      ) as { Properties: { PolicyDocument: { Statement: { Effect: string; Condition: unknown }[] } } }[],
      'docs bucket policy',
    );
    const denies = policy.Properties.PolicyDocument.Statement.filter((s) => s.Effect === 'Deny');
    expect(denies.map((s) => s.Condition)).toEqual([
      { Bool: { 'aws:SecureTransport': 'false' } },
      { NumericLessThan: { 's3:TlsVersion': 1.2 } },
    ]);
    // Nothing in the policy allows anyone in: browsers read through presigned URLs of the docs function's role.
    expect(policy.Properties.PolicyDocument.Statement.filter((s) => s.Effect === 'Allow')).toEqual([]);
  });

  it('deploys the gzipped bundle of the installed Scalar version with its metadata, keeping older versions', () => {
    const deployment = only(
      Object.values(api.findResources('Custom::CDKBucketDeployment')) as {
        Properties: Record<string, unknown>;
      }[],
      'bucket deployment',
    ).Properties;
    expect(deployment).toMatchObject({
      DestinationBucketName: { Ref: bucketId },
      DestinationBucketKeyPrefix: `docs/scalar/${script.version}/`,
      Prune: false,
      SystemMetadata: {
        'content-type': 'text/javascript; charset=utf-8',
        'content-encoding': 'gzip',
        'cache-control': 'public, max-age=31536000, immutable',
      },
    });
    expect(script.key).toBe(`docs/scalar/${script.version}/standalone.js`);
    // The asset directory holds exactly the object: the package's standalone.js, gzip-compressed.
    const dir = docsScriptAssetDir(script);
    expect(readdirSync(dir)).toEqual(['standalone.js']);
    const original = readFileSync(
      new URL('../../node_modules/@scalar/api-reference/dist/browser/standalone.js', import.meta.url),
    );
    expect(gunzipSync(readFileSync(join(dir, 'standalone.js'))).equals(original)).toBe(true);
    expect(script.body.byteLength).toBeLessThan(original.byteLength / 3);
  });

  it('runs the deployment with a role of its own: its log group, no AWS managed policy', () => {
    const handler = only(
      Object.entries(api.findResources('AWS::Lambda::Function')).filter(([id]) =>
        id.startsWith('CustomCDKBucketDeployment'),
      ),
      'deployment handler',
    )[1] as { Properties: { Role: unknown; LoggingConfig: unknown } };
    const roleId = logicalId(stack, docs.deployment.handlerRole as never);
    expect(handler.Properties.Role).toEqual({ 'Fn::GetAtt': [roleId, 'Arn'] });
    expect(JSON.stringify(handler.Properties.LoggingConfig)).toMatch(
      /^\{"LogGroup":\{"Ref":"DocsAssetsDeploymentLogs\w+"\}\}$/,
    );
    const role = api.findResources('AWS::IAM::Role')[roleId] as {
      Properties: { ManagedPolicyArns?: unknown };
    };
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  });

  it('gives GET /docs s3:GetObject on the script object only, and its bucket and key', () => {
    const withGrant = routes.filter((route) => (route.grants as readonly string[]).includes('docs:read'));
    expect(withGrant.map((route) => route.id)).toEqual([getDocsRoute.id]);
    const fn = defined(stack.functions.get(getDocsRoute.id), 'GetDocs function');
    const s3 = statementsOfRole(api, logicalId(stack, fn.role as never)).filter((s) =>
      actionsOf(s).some((action) => action.startsWith('s3:')),
    );
    const statement = only(s3, 's3 statement');
    expect(actionsOf(statement)).toEqual(['s3:GetObject']);
    expect(resourcesOf(statement)).toEqual([
      { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, `/${script.key}`]] },
    ]);
    const variables = (
      api.findResources('AWS::Lambda::Function')[logicalId(stack, fn.function)] as {
        Properties: { Environment: { Variables: Record<string, unknown> } };
      }
    ).Properties.Environment.Variables;
    expect(variables.DOCS_SCRIPT_KEY).toBe(script.key);
    // The bucket name read from the deployment custom resource: the function waits for the script to be there.
    expect(JSON.stringify(variables.DOCS_BUCKET)).toMatch(
      /"DocsAssetsDeploymentCustomResource\w*","DestinationBucketArn"/,
    );
  });

  it('routes $default, without authorizer, to the not-found function, which may touch nothing', () => {
    const route = only(
      Object.values(
        api.findResources('AWS::ApiGatewayV2::Route', { Properties: { RouteKey: '$default' } }),
      ) as {
        Properties: { AuthorizationType: string; AuthorizerId?: unknown; Target: unknown };
      }[],
      '$default route',
    ).Properties;
    expect(route.AuthorizationType).toBe('NONE');
    expect(route.AuthorizerId).toBeUndefined();
    const fnId = logicalId(stack, stack.notFound.function);
    const integrationId = defined(
      Object.keys(api.findResources('AWS::ApiGatewayV2::Integration')).find((id) =>
        JSON.stringify(route.Target).includes(`"${id}"`),
      ),
      '$default integration',
    );
    expect(api.findResources('AWS::ApiGatewayV2::Integration')[integrationId]).toMatchObject({
      Properties: {
        IntegrationType: 'AWS_PROXY',
        PayloadFormatVersion: '2.0',
        IntegrationUri: { 'Fn::GetAtt': [fnId, 'Arn'] },
      },
    });
    const fn = api.findResources('AWS::Lambda::Function')[fnId] as {
      Properties: { Description: string; Environment: { Variables: Record<string, unknown> } };
    };
    expect(fn.Properties.Description).toBe(notFoundFallback.summary);
    expect(Object.keys(fn.Properties.Environment.Variables).sort()).toEqual([
      'NODE_OPTIONS',
      'POWERTOOLS_SERVICE_NAME',
    ]);
    const actions = statementsOfRole(api, logicalId(stack, stack.notFound.role as never)).flatMap(actionsOf);
    // Its own log stream, and its traces (active tracing on every function, test/infra/monitoring.test.ts).
    expect(actions.sort()).toEqual([
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      'xray:PutTelemetryRecords',
      'xray:PutTraceSegments',
    ]);
  });
});
