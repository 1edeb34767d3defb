/** The SNS client of this function, created on first use (endpoint and credentials from the SDK's standard chain). */
import { SNSClient } from '@aws-sdk/client-sns';

let sns: SNSClient | undefined;

export function snsClient(): SNSClient {
  sns ??= new SNSClient({});
  return sns;
}
