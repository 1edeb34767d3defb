/**
 * AWS SDK v3 clients, created once per cold start and shared by the handlers of one function.
 *
 * Endpoints and credentials come from the SDK's standard chain, so the same code talks to AWS in Lambda and to
 * the emulators locally (see `shared/config.ts`).
 */
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SESClient } from '@aws-sdk/client-ses';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { config } from '#shared/platform/config.ts';

let dynamo: DynamoDBClient | undefined;
let document: DynamoDBDocumentClient | undefined;
let s3: S3Client | undefined;
let ses: SESClient | undefined;
let sns: SNSClient | undefined;
let cognito: CognitoIdentityProviderClient | undefined;

export function dynamoClient(): DynamoDBClient {
  dynamo ??= new DynamoDBClient({});
  return dynamo;
}

/** Document client that drops `undefined` attributes instead of failing on them. */
export function documentClient(): DynamoDBDocumentClient {
  document ??= DynamoDBDocumentClient.from(dynamoClient(), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return document;
}

export function s3Client(): S3Client {
  s3 ??= new S3Client({ forcePathStyle: config.s3ForcePathStyle });
  return s3;
}

export function sesClient(): SESClient {
  ses ??= new SESClient({});
  return ses;
}

export function snsClient(): SNSClient {
  sns ??= new SNSClient({});
  return sns;
}

export function cognitoClient(): CognitoIdentityProviderClient {
  cognito ??= new CognitoIdentityProviderClient({});
  return cognito;
}
