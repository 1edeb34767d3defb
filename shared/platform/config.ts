/**
 * Runtime configuration of every function, read from environment variables each time a property is used.
 *
 * In AWS the CDK stacks set these; locally `scripts/local/start.ts` sets them. AWS SDK endpoints are NOT part of
 * this: locally the SDK's own service-specific variables (`AWS_ENDPOINT_URL_DYNAMODB`, `AWS_ENDPOINT_URL_S3`,
 * `AWS_ENDPOINT_URL_SES`, `AWS_ENDPOINT_URL_SNS`, `AWS_ENDPOINT_URL_SQS`, `AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER`; see "Service-specific
 * endpoints", AWS SDKs and Tools reference guide) point the real clients at the emulators.
 */
export interface Config {
  /** DynamoDB table name (`TABLE_NAME`). */
  readonly tableName: string;
  /** S3 bucket for ticket images (`IMAGES_BUCKET`). */
  readonly imagesBucket: string;
  /** Use path-style S3 URLs (`S3_FORCE_PATH_STYLE=true`); the local S3 emulator needs it. */
  readonly s3ForcePathStyle: boolean;
  /** Cognito user pool id (`USER_POOL_ID`). */
  readonly userPoolId: string;
  /** Cognito app client id (`USER_POOL_CLIENT_ID`). */
  readonly userPoolClientId: string;
  /** Base URL of the public API, no trailing slash, used in approval links (`PUBLIC_API_URL`). */
  readonly publicApiUrl: string;
  /** Verified SES sender address (`MAIL_FROM`). */
  readonly mailFrom: string;
  /** Lifetime of an approval link, seconds (`APPROVAL_LINK_TTL_SECONDS`, default 259200 = 3 days). */
  readonly approvalLinkTtlSeconds: number;
  /**
   * ARN of the Secrets Manager secret whose value keys the pagination cursors (`CURSOR_SECRET_ARN`): the address
   * of the secret, not the secret; only the listing functions have it and may read the secret
   * (`shared/platform/cursor.ts`, `shared/platform/secrets.ts`).
   */
  readonly cursorSecretArn: string;
  /** Optional SNS SMS sender id, 1-11 alphanumerics (`SMS_SENDER_ID`); `undefined` when unset. */
  readonly smsSenderId: string | undefined;
  /** URL of the SQS queue of planned notifications (`DELIVERY_QUEUE_URL`). */
  readonly deliveryQueueUrl: string;
  /** URL of its dead-letter queue (`DELIVERY_DEAD_LETTER_QUEUE_URL`). */
  readonly deliveryDeadLetterQueueUrl: string;
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`Missing environment variable ${name}`);
  return value;
}

/**
 * The configuration. Each property reads its variable when used, so a function only fails on the variables it
 * actually needs, and tests can change the environment between cases.
 * @throws Error naming the missing variable
 */
export const config: Config = {
  get tableName() {
    return required('TABLE_NAME');
  },
  get imagesBucket() {
    return required('IMAGES_BUCKET');
  },
  get s3ForcePathStyle() {
    return process.env.S3_FORCE_PATH_STYLE === 'true';
  },
  get userPoolId() {
    return required('USER_POOL_ID');
  },
  get userPoolClientId() {
    return required('USER_POOL_CLIENT_ID');
  },
  get publicApiUrl() {
    return required('PUBLIC_API_URL').replace(/\/+$/, '');
  },
  get mailFrom() {
    return required('MAIL_FROM');
  },
  get approvalLinkTtlSeconds() {
    return Number(process.env.APPROVAL_LINK_TTL_SECONDS ?? 259_200);
  },
  get cursorSecretArn() {
    return required('CURSOR_SECRET_ARN');
  },
  get smsSenderId() {
    return process.env.SMS_SENDER_ID || undefined;
  },
  get deliveryQueueUrl() {
    return required('DELIVERY_QUEUE_URL');
  },
  get deliveryDeadLetterQueueUrl() {
    return required('DELIVERY_DEAD_LETTER_QUEUE_URL');
  },
};
