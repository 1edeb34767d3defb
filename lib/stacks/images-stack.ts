/**
 * Images: the private bucket browsers upload ticket images to (presigned POST), its access-log bucket, and the
 * function that verifies each uploaded object (`imageUploadedSource` in shared/images/routes.ts).
 *
 * Why the verifier lives here and not with the other functions: an S3 event notification is a property of the
 * bucket that names the function, while the function's policy names the bucket. With bucket and function in two
 * stacks, each stack would import from the other, a cycle CloudFormation cannot deploy. Keeping both in this
 * stack makes the references internal; this stack only imports the table name and ARN from the data stack.
 */
import { CfnOutput, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type CfnBucket,
  EventType,
  HttpMethods,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { LambdaDestination } from 'aws-cdk-lib/aws-s3-notifications';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { imageUploadedSource } from '#shared/images/routes.ts';
import { grantTableRead, grantTableWrite, imageKeyPrefix, imageObjectsArn } from '../constructs/grants.ts';
import { ServiceFunction } from '../constructs/service-function.ts';
import type { DeployConfig } from '../deploy-config.ts';

export interface ImagesStackProps extends StackProps {
  readonly config: DeployConfig;
  readonly table: ITableV2;
  /** The operator alarms topic (`DataStack.alarmTopic`). */
  readonly alarmTopic: ITopic;
}

export class ImagesStack extends Stack {
  readonly bucket: Bucket;
  readonly accessLogsBucket: Bucket;
  readonly verifier: ServiceFunction;
  /**
   * Name of the export holding the images bucket ARN. Consumers import it with `Fn.importValue` so that their
   * `<ARN>/tickets/*` policy resources flatten to a stable, readable string (cdk-nag finding ids are built from
   * it; an automatic cross-stack reference would carry a generated export name instead).
   */
  readonly bucketArnExportName: string;

  constructor(scope: Construct, id: string, props: ImagesStackProps) {
    super(scope, id, props);
    const { config, table } = props;

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
    // cdk-nag AwsSolutions-S1 accepts this bucket without logs of its own: it is the access log destination of the images bucket.

    this.bucket = new Bucket(this, 'Images', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: 'images/',
      // Browsers POST straight to the bucket with the presigned form, and fetch images with presigned GET URLs.
      cors: [
        {
          allowedOrigins: [...config.corsOrigins],
          allowedMethods: [HttpMethods.POST, HttpMethods.GET, HttpMethods.HEAD],
          allowedHeaders: ['*'],
          exposedHeaders: ['ETag', 'Location'],
          maxAge: 3000,
        },
      ],
      lifecycleRules: [{ abortIncompleteMultipartUploadAfter: Duration.days(1) }],
      removalPolicy: config.removalPolicy,
    });

    // Verifier of uploaded bytes (magic numbers, size): marks the image ready, or deletes it and marks it rejected.
    this.verifier = new ServiceFunction(this, 'ImageUploaded', {
      entry: imageUploadedSource.entry,
      description: 'Verifies uploaded ticket images (S3 object created under tickets/)',
      config,
      alarmTopic: props.alarmTopic,
      timeout: Duration.seconds(30),
      environment: {
        TABLE_NAME: table.tableName,
        IMAGES_BUCKET: this.bucket.bucketName,
      },
    });
    grantTableRead(this.verifier.role, table);
    grantTableWrite(this.verifier.role, table);
    this.verifier.role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'VerifyImages',
        actions: ['s3:GetObject', 's3:DeleteObject'],
        resources: [imageObjectsArn(this.bucket.bucketArn)],
      }),
    );

    // S3 invokes the verifier asynchronously; events that still fail after the retries land in this queue.
    const failures = new Queue(this, 'ImageUploadedFailures', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      // Failed events are the only record of an upload left unverified: kept when the stack goes, in prod.
      removalPolicy: config.removalPolicy,
    });
    new Alarm(this, 'ImageUploadedFailuresWaiting', {
      alarmDescription:
        'Upload events the image verifier failed on after its retries: those images stay unverified. See ' +
        'docs/architecture.md ("Images").',
      metric: failures.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: 'Maximum',
      }),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    }).addAlarmAction(new SnsAction(props.alarmTopic));
    this.verifier.function.configureAsyncInvoke({
      retryAttempts: 2,
      maxEventAge: Duration.hours(1),
      onFailure: new SqsDestination(failures),
    });
    Validations.of(failures).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself the on-failure destination of the image verifier (Lambda async invoke); a ' +
        'dead-letter queue for a dead-letter queue adds nothing.',
    });

    this.bucket.addEventNotification(
      EventType.OBJECT_CREATED,
      new LambdaDestination(this.verifier.function),
      {
        prefix: imageKeyPrefix,
      },
    );
    // addEventNotification deploys the notification configuration through CDK's singleton custom resource
    // BucketNotificationsHandler<hash>, whose role aws-cdk-lib creates with AWSLambdaBasicExecutionRole.
    const notificationsHandler = this.node.children.find((child) =>
      child.node.id.startsWith('BucketNotificationsHandler'),
    );
    if (!notificationsHandler) throw new Error('BucketNotificationsHandler not found: aws-cdk-lib changed');
    Validations.of(notificationsHandler).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason:
        'Role of the BucketNotificationsHandler custom resource that aws-cdk-lib creates to write the bucket ' +
        'notification configuration at deploy time; the L2 API offers no way to replace its role, and it runs ' +
        'only during deployments (it only writes its own CloudWatch logs with this policy).',
    });

    Validations.of(this.verifier).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${this.getLogicalId(this.bucket.node.defaultChild as CfnBucket)}.Arn>/${imageKeyPrefix}*]`,
      reason:
        'Object keys are tickets/<ticketId>/images/<imageId>, created at runtime; the verifier reads and deletes only ' +
        'objects under that prefix.',
    });

    this.bucketArnExportName = `${this.stackName}-bucket-arn`;
    this.exportValue(this.bucket.bucketArn, { name: this.bucketArnExportName });

    new CfnOutput(this, 'ImagesBucketName', { value: this.bucket.bucketName });
  }
}
