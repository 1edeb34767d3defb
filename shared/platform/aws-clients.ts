/**
 * AWS SDK v3 clients, created once per cold start and shared by the handlers of one function. One module per
 * service: the SDK packages are not side-effect free, so a function bundles (and loads at cold start) only the
 * clients whose module it really uses; this file only re-exports them.
 *
 * Endpoints and credentials come from the SDK's standard chain, so the same code talks to AWS in Lambda and to
 * the emulators locally (see `shared/platform/config.ts`). S3 has no client here: functions sign their S3 requests
 * (`shared/platform/s3-signing.ts`), and SQS through signed fetch (`shared/platform/sqs-requests.ts`).
 */
export { cognitoClient } from '#shared/platform/aws/cognito.ts';
export { documentClient, dynamoClient } from '#shared/platform/aws/dynamodb.ts';
export { sesClient } from '#shared/platform/aws/ses.ts';
export { snsClient } from '#shared/platform/aws/sns.ts';
