/**
 * What every locally signed AWS request needs (`s3-signing.ts`, `sqs-requests.ts`): SHA-256 on node:crypto in the
 * shape `@smithy/signature-v4` hashes with, the function's credentials from the SDK's default chain (resolved once,
 * refreshed by the chain itself when they carry an expiry) and the region. `@smithy/signature-v4` and the credential
 * chain are in every bundle already through the DynamoDB client.
 */
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';

export { region, Sha256 } from '#shared/platform/aws-sha256.ts';

let credentialChain: AwsCredentialIdentityProvider | undefined;

/** The function's credentials (environment in Lambda), from the SDK's default chain, cached. */
export function credentials(): Promise<AwsCredentialIdentity> {
  credentialChain ??= defaultProvider();
  return credentialChain();
}
