/**
 * What every locally signed AWS request needs (`s3-signing.ts`, `sqs-requests.ts`): SHA-256 on node:crypto in the
 * shape `@smithy/signature-v4` hashes with, the function's credentials from the SDK's default chain (resolved once,
 * refreshed by the chain itself when they carry an expiry) and the region. `@smithy/signature-v4` and the credential
 * chain are in every bundle already through the DynamoDB client.
 */
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import type {
  AwsCredentialIdentity,
  AwsCredentialIdentityProvider,
  Checksum,
  SourceData,
} from '@smithy/types';

/** SHA-256 / HMAC-SHA-256 on node:crypto, in the shape `@smithy/signature-v4` hashes with. */
export class Sha256 implements Checksum {
  private hash: Hash | Hmac;

  constructor(private readonly secret?: SourceData) {
    this.hash = this.create();
  }

  private create(): Hash | Hmac {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', binary(this.secret));
  }

  update(chunk: Uint8Array): void {
    this.hash.update(chunk);
  }

  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }

  reset(): void {
    this.hash = this.create();
  }
}

function binary(data: SourceData): string | Uint8Array {
  if (typeof data === 'string') return data;
  return ArrayBuffer.isView(data)
    ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
    : new Uint8Array(data);
}

let credentialChain: AwsCredentialIdentityProvider | undefined;

/** The function's credentials (environment in Lambda), from the SDK's default chain, cached. */
export function credentials(): Promise<AwsCredentialIdentity> {
  credentialChain ??= defaultProvider();
  return credentialChain();
}

/** @throws Error when `AWS_REGION` is not set */
export function region(): string {
  const value = process.env.AWS_REGION;
  if (!value) throw new Error('Missing environment variable AWS_REGION');
  return value;
}
