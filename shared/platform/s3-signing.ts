/**
 * S3 requests signed locally with Signature Version 4, without `@aws-sdk/client-s3`: presigned GET URLs, the
 * signature of a browser POST policy, and signed headers for plain `fetch` calls. The S3 client and the SDK
 * presigners cost about a third more cold-start time than a bare DynamoDB client (issue 6); `@smithy/signature-v4`
 * and the credential chain are already in every bundle through the DynamoDB client, and hashing is node:crypto.
 *
 * The output is what the SDK produces for the same input (the equivalence is unit-tested against
 * `@aws-sdk/s3-request-presigner` and `@aws-sdk/s3-presigned-post`, `test/unit/images-presign.test.ts`):
 * - credentials from the SDK's default chain (`@aws-sdk/credential-provider-node`), resolved once and cached
 *   (refreshed by the chain itself when they carry an expiry); a session token is signed in as
 *   `X-Amz-Security-Token`;
 * - region from `AWS_REGION`;
 * - endpoint `https://<bucket>.s3.<region>.amazonaws.com` (`.amazonaws.com.cn` in China regions), or the base URL in
 *   `AWS_ENDPOINT_URL_S3` / `AWS_ENDPOINT_URL` (the local S3 emulator; ignored with
 *   `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true`, as the SDK does);
 * - path-style addressing (`<endpoint>/<bucket>/<key>`) with `S3_FORCE_PATH_STYLE=true`, for a bucket name that is
 *   not a plain DNS label (dots), or an endpoint that is an IP address; virtual-hosted otherwise.
 *
 * Not covered (the SDK handles them, this service does not use them): FIPS/dual-stack endpoints, S3 Express,
 * access points and ARNs as bucket names, partitions other than `aws` and `aws-cn`, clock-skew correction.
 */
import { createHmac } from 'node:crypto';
import { createScope, getSigningKey, SignatureV4 } from '@smithy/signature-v4';
import { credentials, region, Sha256 } from '#shared/platform/aws-signing.ts';
import { config } from '#shared/platform/config.ts';

let signer: SignatureV4 | undefined;

/** The SigV4 signer for S3: paths are sent as encoded once (S3 does not double-encode), no payload checksum. */
function s3Signer(): SignatureV4 {
  signer ??= new SignatureV4({
    service: 's3',
    region: async () => region(),
    credentials,
    sha256: Sha256,
    uriEscapePath: false,
    applyChecksum: false,
  });
  return signer;
}

/** RFC 3986 percent-encoding (`encodeURIComponent` plus `!'()*`), as S3 and SigV4 expect. */
export function uriEscape(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** Where requests for a bucket go. */
interface BucketAddress {
  readonly protocol: string;
  readonly hostname: string;
  readonly port: number | undefined;
  /** `hostname[:port]`, the `Host` header. */
  readonly host: string;
  /** Path of the bucket, no trailing slash: `''` (virtual-hosted on AWS), `/<bucket>`, `<endpoint path>/<bucket>`. */
  readonly path: string;
}

function configuredEndpoint(): string | undefined {
  if (process.env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS === 'true') return undefined;
  return process.env.AWS_ENDPOINT_URL_S3 || process.env.AWS_ENDPOINT_URL || undefined;
}

/** A bucket name usable as one DNS label (no dots): the SDK's `isVirtualHostableS3Bucket`. */
const virtualHostable = (bucket: string) => /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(bucket);
const isIpAddress = (hostname: string) =>
  /^\d{1,3}(\.\d{1,3}){3}$/.test(hostname) || hostname.startsWith('[');

/** The address of `bucket` under the configured endpoint, read from the environment on every call. */
function bucketAddress(bucket: string): BucketAddress {
  const configured = configuredEndpoint();
  const r = region();
  const endpoint = new URL(configured ?? `https://s3.${r}.amazonaws.com${r.startsWith('cn-') ? '.cn' : ''}`);
  const basePath = endpoint.pathname.replace(/\/+$/, '');
  const pathStyle = config.s3ForcePathStyle || !virtualHostable(bucket) || isIpAddress(endpoint.hostname);
  const hostname = pathStyle ? endpoint.hostname : `${bucket}.${endpoint.hostname}`;
  const port = endpoint.port ? Number(endpoint.port) : undefined;
  return {
    protocol: endpoint.protocol,
    hostname,
    port,
    host: port === undefined ? hostname : `${hostname}:${port}`,
    path: pathStyle ? `${basePath}/${uriEscape(bucket)}` : basePath,
  };
}

/** The path of an object: each `/`-separated segment of the key percent-encoded, as the SDK serializes `{Key+}`. */
const objectPath = (address: BucketAddress, key: string) =>
  `${address.path}/${key.split('/').map(uriEscape).join('/')}`;

/** `query` as the SDK formats it: sorted by name, names and values RFC 3986-encoded. */
function queryString(query: Record<string, string>): string {
  return Object.keys(query)
    .sort()
    .map((name) => `${uriEscape(name)}=${uriEscape(query[name] ?? '')}`)
    .join('&');
}

/**
 * A presigned `GetObject` URL, as `getSignedUrl(s3Client, new GetObjectCommand(...))` builds it (with the SDK's
 * default `x-amz-checksum-mode=ENABLED`, harmless for a download).
 * @param query extra query parameters to sign, e.g. `response-content-type`; `undefined` values are left out
 * @throws Error when the credentials or the region cannot be resolved, or `expiresIn` exceeds a week
 */
export async function presignGetObject(
  bucket: string,
  key: string,
  options: {
    readonly expiresIn: number;
    readonly query?: Readonly<Record<string, string | undefined>>;
    readonly signingDate?: Date;
  },
): Promise<string> {
  const address = bucketAddress(bucket);
  const query: Record<string, string> = { 'x-amz-checksum-mode': 'ENABLED', 'x-id': 'GetObject' };
  for (const [name, value] of Object.entries(options.query ?? {})) {
    if (value !== undefined) query[name] = value;
  }
  const presigned = await s3Signer().presign(
    {
      method: 'GET',
      protocol: address.protocol,
      hostname: address.hostname,
      port: address.port,
      path: objectPath(address, key),
      query,
      headers: { host: address.host, 'X-Amz-Content-Sha256': 'UNSIGNED-PAYLOAD' },
    },
    {
      expiresIn: options.expiresIn,
      unsignableHeaders: new Set(['content-type']),
      ...(options.signingDate ? { signingDate: options.signingDate } : {}),
    },
  );
  return `${address.protocol}//${address.host}${presigned.path}?${queryString(presigned.query as Record<string, string>)}`;
}

/** A condition of a POST policy: `{ field: value }` or `[operator, ...operands]`. */
export type PostPolicyCondition = Readonly<Record<string, string>> | readonly (string | number)[];

/** `2026-12-01T03:00:00Z`: ISO 8601 without milliseconds, as SigV4 and POST policies write times. */
const iso8601 = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * A presigned browser POST ("Browser-based uploads using POST"), as `createPresignedPost` builds it: the same
 * fields in the same order, the same policy document (the given conditions, then one exact-match condition per
 * field, then the key), the same signature (HMAC-SHA-256 of the base64 policy with the SigV4 signing key).
 * @throws Error when the credentials or the region cannot be resolved
 */
export async function presignPostObject(input: {
  readonly bucket: string;
  readonly key: string;
  readonly conditions: readonly PostPolicyCondition[];
  readonly fields: Readonly<Record<string, string>>;
  readonly expiresIn: number;
  readonly now?: Date;
}): Promise<{ url: string; fields: Record<string, string> }> {
  const now = input.now ?? new Date();
  const longDate = iso8601(now).replace(/[-:]/g, '');
  const shortDate = longDate.slice(0, 8);
  const r = region();
  const identity = await credentials();
  const fields: Record<string, string> = {
    ...input.fields,
    bucket: input.bucket,
    'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
    'X-Amz-Credential': `${identity.accessKeyId}/${createScope(shortDate, r, 's3')}`,
    'X-Amz-Date': longDate,
    ...(identity.sessionToken ? { 'X-Amz-Security-Token': identity.sessionToken } : {}),
  };
  // Deduplicated by their JSON, in first-seen order, like the SDK.
  const conditions = new Set<string>(input.conditions.map((condition) => JSON.stringify(condition)));
  for (const [name, value] of Object.entries(fields)) conditions.add(JSON.stringify({ [name]: value }));
  conditions.add(JSON.stringify({ key: input.key }));
  const policy = Buffer.from(
    JSON.stringify({
      expiration: iso8601(new Date(now.valueOf() + input.expiresIn * 1000)),
      conditions: [...conditions].map((condition) => JSON.parse(condition)),
    }),
    'utf8',
  ).toString('base64');
  const signingKey = await getSigningKey(Sha256, identity, shortDate, r, 's3');
  const signature = createHmac('sha256', signingKey).update(policy, 'utf8').digest('hex');
  const address = bucketAddress(input.bucket);
  return {
    url: `${address.protocol}//${address.host}${address.path || '/'}`,
    fields: { ...fields, key: input.key, Policy: policy, 'X-Amz-Signature': signature },
  };
}

/** SHA-256 of an empty payload: the `x-amz-content-sha256` of a request without a body. */
const EMPTY_PAYLOAD_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/**
 * The headers of a body-less request, signed (`Authorization`, `x-amz-date`, ...), without `Host`: fetch sets it
 * itself from the URL, to the very value signed.
 */
async function signBodyless(
  method: string,
  address: ReturnType<typeof bucketAddress>,
  path: string,
  query: Readonly<Record<string, string>>,
  headers: Readonly<Record<string, string>>,
): Promise<Record<string, string>> {
  const signed = await s3Signer().sign({
    method,
    protocol: address.protocol,
    hostname: address.hostname,
    port: address.port,
    path,
    query: { ...query },
    headers: { ...headers, host: address.host, 'x-amz-content-sha256': EMPTY_PAYLOAD_SHA256 },
  });
  const { host: _host, ...send } = signed.headers;
  return send;
}

/**
 * A body-less request on one object, signed in its headers (`Authorization`), ready for `fetch`.
 * @param headers request headers to sign along (`range`, `if-match`, ...), lower-case names
 * @throws Error when the credentials or the region cannot be resolved
 */
export async function signObjectRequest(
  method: 'GET' | 'HEAD' | 'DELETE',
  bucket: string,
  key: string,
  headers: Readonly<Record<string, string>> = {},
): Promise<{ url: string; headers: Record<string, string> }> {
  const address = bucketAddress(bucket);
  const path = objectPath(address, key);
  const signed = await signBodyless(method, address, path, {}, headers);
  return { url: `${address.protocol}//${address.host}${path}`, headers: signed };
}

/**
 * A body-less request on a bucket itself, signed in its headers, ready for `fetch`: `ListObjectsV2` is
 * `signBucketRequest('GET', bucket, { 'list-type': '2', prefix, 'continuation-token': ... })`.
 * @param query the query parameters, signed and sent RFC 3986-encoded, sorted by name
 * @throws Error when the credentials or the region cannot be resolved
 */
export async function signBucketRequest(
  method: 'GET',
  bucket: string,
  query: Readonly<Record<string, string>>,
): Promise<{ url: string; headers: Record<string, string> }> {
  const address = bucketAddress(bucket);
  const path = address.path || '/';
  const signed = await signBodyless(method, address, path, query, {});
  return { url: `${address.protocol}//${address.host}${path}?${queryString(query)}`, headers: signed };
}
