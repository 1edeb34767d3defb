import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { imageUploadedSource } from '#shared/images/routes.ts';
import type { Route } from '#shared/platform/route-table.ts';
import { routes } from '#shared/routes.ts';
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
} from './helpers.ts';

describe('images stack', () => {
  const built = buildTestApp({ corsOrigins: 'https://help.example.org,http://localhost:5173' });
  const images = templates(built).images;
  const bucketId = logicalId(built.images, built.images.bucket);
  const logBucketId = logicalId(built.images, built.images.accessLogsBucket);

  it('keeps the images bucket private and encrypted', () => {
    images.hasResourceProperties('AWS::S3::Bucket', {
      CorsConfiguration: Match.anyValue(),
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    });
  });

  it('denies every request without TLS, on both buckets', () => {
    for (const id of [bucketId, logBucketId]) {
      images.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: id },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Action: 's3:*',
              Principal: { AWS: '*' },
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      });
    }
  });

  it('allows browser POST uploads from the configured origins only', () => {
    images.hasResourceProperties('AWS::S3::Bucket', {
      CorsConfiguration: {
        CorsRules: [
          Match.objectLike({
            AllowedOrigins: ['https://help.example.org', 'http://localhost:5173'],
            AllowedMethods: Match.arrayWith(['POST']),
          }),
        ],
      },
    });
  });

  it('writes server access logs to the log bucket and aborts incomplete uploads', () => {
    images.hasResourceProperties('AWS::S3::Bucket', {
      LoggingConfiguration: { DestinationBucketName: { Ref: logBucketId }, LogFilePrefix: 'images/' },
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } }),
        ]),
      },
    });
  });

  it('invokes the image verifier for objects created under tickets/', () => {
    const verifierId = logicalId(built.images, built.images.verifier.function);
    images.hasResourceProperties('Custom::S3BucketNotifications', {
      BucketName: { Ref: bucketId },
      NotificationConfiguration: {
        LambdaFunctionConfigurations: [
          {
            Events: ['s3:ObjectCreated:*'],
            Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'tickets/' }] } },
            LambdaFunctionArn: { 'Fn::GetAtt': [verifierId, 'Arn'] },
          },
        ],
      },
    });
    expect(built.images.verifier.function.node.path).toBe('Images/ImageUploaded/Function');
    expect(imageUploadedSource.entry).toBe('functions/images/on-object-created.ts');
  });

  it('lets the verifier read and delete only objects under tickets/', () => {
    const roleId = logicalId(built.images, built.images.verifier.role as never);
    const s3 = statementsOfRole(images, roleId).filter((s) => actionsOf(s).some((a) => a.startsWith('s3:')));
    const statement = only(s3, 's3 statement');
    expect(actionsOf(statement).sort()).toEqual(['s3:DeleteObject', 's3:GetObject']);
    expect(resourcesOf(statement)).toEqual([
      { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/tickets/*']] },
    ]);
  });

  it('lets only the image delete route delete objects among the routes, under tickets/ and nothing else', () => {
    // A route's function may sit in a nested stack of the api stack: read the template of the role's own stack.
    const s3Statements = (id: string) => {
      const role = defined(built.api.functions.get(id), id).role as never;
      const stack = Stack.of(role);
      return statementsOfRole(Template.fromStack(stack), logicalId(stack, role)).filter((statement) =>
        actionsOf(statement).some((action) => action.startsWith('s3:')),
      );
    };
    const deleters = (routes as readonly Route[]).filter((route) =>
      s3Statements(route.id).some((statement) => actionsOf(statement).includes('s3:DeleteObject')),
    );
    expect(deleters.map((route) => route.id)).toEqual(['DeleteImage']);
    const statement = only(s3Statements('DeleteImage'), 's3 statement of DeleteImage');
    expect(actionsOf(statement)).toEqual(['s3:DeleteObject']);
    expect(JSON.stringify(resourcesOf(statement))).toMatch(/\/tickets\/\*/);
  });

  it('throttles a replacement like an upload: both hand out presigned POSTs', () => {
    const upload = (routes as readonly Route[]).filter((route) => routeThrottleClass(route) === 'upload');
    expect(upload.map((route) => route.id).sort()).toEqual(['CreateImageUpload', 'ReplaceImage']);
  });

  it('sends verifier invocations that keep failing to an encrypted queue', () => {
    images.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
    });
    images.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
  });
});
