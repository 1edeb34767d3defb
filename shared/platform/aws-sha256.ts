/**
 * The parts of request signing that need no AWS SDK package: SHA-256 on node:crypto in the shape
 * `@smithy/signature-v4` hashes with, and the region. `aws-signing.ts` re-exports them with the credential chain;
 * `secrets.ts` imports them from here, so a bundle that reads a secret but calls no AWS service otherwise (the health
 * check, the OpenAPI document: the origin-verify check of the route wrapper) carries no `@aws-sdk/` package.
 */
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import type { Checksum, SourceData } from '@smithy/types';

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

/** @throws Error when `AWS_REGION` is not set */
export function region(): string {
  const value = process.env.AWS_REGION;
  if (!value) throw new Error('Missing environment variable AWS_REGION');
  return value;
}
