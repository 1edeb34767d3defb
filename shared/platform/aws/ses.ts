/** The SES client of this function, created on first use (endpoint and credentials from the SDK's standard chain). */
import { SESClient } from '@aws-sdk/client-ses';

/**
 * A provider that accepts a connection and never answers must fail the attempt, not hang the sender until its Lambda
 * timeout: 2 s to connect, 5 s for the answer; with the SDK's 3 attempts that stays under the sender's 30 s.
 */
const providerTimeouts = { connectionTimeout: 2_000, requestTimeout: 5_000 };

let ses: SESClient | undefined;

export function sesClient(): SESClient {
  ses ??= new SESClient({ requestHandler: providerTimeouts });
  return ses;
}
