/** The SQS client of this function, created on first use (endpoint and credentials from the SDK's standard chain). */
import { SQSClient } from '@aws-sdk/client-sqs';

let sqs: SQSClient | undefined;

export function sqsClient(): SQSClient {
  sqs ??= new SQSClient({});
  return sqs;
}
