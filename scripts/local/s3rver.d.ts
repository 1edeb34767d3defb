/** The part of s3rver 3.7's API the local stack uses (the package ships no types). */
declare module 's3rver' {
  import type { EventEmitter } from 'node:events';

  export interface S3rverOptions {
    address?: string;
    port?: number;
    silent?: boolean;
    /** Where buckets and objects are stored. */
    directory?: string;
    resetOnClose?: boolean;
    allowMismatchedSignatures?: boolean;
    vhostBuckets?: boolean;
    serviceEndpoint?: string;
    /** Buckets created at start, each with CORS or website configuration XML documents. */
    configureBuckets?: { name: string; configs?: (string | Buffer)[] }[];
  }

  /** A Koa app; emits `event` with `{ Records: [S3 event record] }` for object creations and deletions. */
  export default class S3rver extends EventEmitter {
    constructor(options?: S3rverOptions);
    run(): Promise<{ address: string; port: number }>;
    close(): Promise<void>;
  }
}
