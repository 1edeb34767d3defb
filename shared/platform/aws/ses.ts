/** The SES client of this function, created on first use (endpoint and credentials from the SDK's standard chain). */
import { SESClient } from '@aws-sdk/client-ses';

let ses: SESClient | undefined;

export function sesClient(): SESClient {
  ses ??= new SESClient({});
  return ses;
}
