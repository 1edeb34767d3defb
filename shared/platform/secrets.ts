/**
 * Secrets read at run time from AWS Secrets Manager, never from the function's environment (docs/security.md,
 * "Secrets"): the environment holds the secret's ARN only, the execution role may call
 * `secretsmanager:GetSecretValue` on that one ARN, and the value lives in this module's memory.
 *
 * One signed `fetch` per read, in the AWS JSON 1.1 protocol Secrets Manager speaks ("GetSecretValue", AWS Secrets
 * Manager API reference): `POST /` with `X-Amz-Target: secretsmanager.GetSecretValue`, signed with SigV4 for
 * service `secretsmanager`. `@smithy/signature-v4` is in every bundle that calls AWS already (the DynamoDB client),
 * so this adds about 2 KiB; `@aws-sdk/client-secrets-manager` (or Powertools parameters on top of it) would add its
 * own client, and the Parameters and Secrets Lambda Extension a layer process started at every cold start.
 *
 * Credentials: the execution role's, from the environment (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
 * `AWS_SESSION_TOKEN`), which Lambda sets in every execution environment (and the SDK's default chain reads first),
 * read at each signature. Not the whole chain (`aws-signing.ts`): this module is in the bundle of every route
 * (the origin-verify check, `http/origin-verify.ts`), the health check's included, which carries no `@aws-sdk/`
 * package.
 *
 * The endpoint is `https://secretsmanager.<AWS_REGION>.amazonaws.com`, or `AWS_ENDPOINT_URL_SECRETS_MANAGER` when
 * set (the SDK's service-specific endpoint variable; locally the stack's Secrets Manager endpoint,
 * `scripts/local/secrets-endpoint.ts`).
 *
 * Caching ({@link secretVersions}): the versions `AWSCURRENT` and `AWSPREVIOUS` are read together on first use and
 * kept for {@link secretCacheSettings}`.maxAgeMs` (5 minutes); a caller that meets a value none of the cached versions
 * explains (a cursor made after a rotation) may ask for a refresh, granted at most once per
 * `minRefreshIntervalMs` (30 s). When a refresh fails, the cached versions keep serving for at most
 * `maxStaleMs` (1 hour) after they were read; past that the read fails.
 */
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity } from '@smithy/types';
import { region, Sha256 } from '#shared/platform/aws-sha256.ts';

/** An error answer of Secrets Manager: `name` is its code (`ResourceNotFoundException`, `AccessDeniedException`, ...). */
export class SecretsManagerError extends Error {
  constructor(
    override readonly name: string,
    message: string,
    /** HTTP status of the answer. */
    readonly status: number,
  ) {
    super(message);
  }
}

/** The staging labels this module reads: the value in force and the one it replaced (the rotation grace). */
export type VersionStage = 'AWSCURRENT' | 'AWSPREVIOUS';

/** One version of a secret. */
export interface SecretVersion {
  /** `SecretString` (binary secrets are not supported). */
  readonly value: string;
  /** `VersionId` (a UUID). */
  readonly versionId: string;
}

/** The versions of a secret that are in use: the current one, and the previous one when a rotation kept one. */
export interface SecretVersions {
  readonly current: SecretVersion;
  readonly previous: SecretVersion | undefined;
}

/** Bounds of the cache, in milliseconds. Tests may change them. */
export const secretCacheSettings = {
  /** A cached secret older than this is read again on its next use. */
  maxAgeMs: 300_000,
  /** A refresh asked for by a caller (an unknown version) happens at most this often per secret. */
  minRefreshIntervalMs: 30_000,
  /** When reading again fails, the cached versions serve at most this long after they were read. */
  maxStaleMs: 3_600_000,
  /** One GetSecretValue call's time limit (a function times out after 10 s). */
  requestTimeoutMs: 3_000,
};

let signer: SignatureV4 | undefined;

/** @throws Error when the environment holds no credentials */
async function environmentCredentials(): Promise<AwsCredentialIdentity> {
  const accessKeyId = process.env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = process.env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) {
    throw new Error('Missing environment variables AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY');
  }
  const sessionToken = process.env.AWS_SESSION_TOKEN;
  return { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
}

function secretsSigner(): SignatureV4 {
  signer ??= new SignatureV4({
    service: 'secretsmanager',
    region: async () => region(),
    credentials: environmentCredentials,
    sha256: Sha256,
  });
  return signer;
}

function endpoint(): URL {
  const configured = process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER;
  return new URL(configured || `https://secretsmanager.${region()}.amazonaws.com`);
}

/**
 * One GetSecretValue call.
 * @param secretId the secret's ARN (or name)
 * @returns the version's `SecretString` and `VersionId`, or undefined when the secret has no version with that
 *   label (`AWSPREVIOUS` before the first rotation)
 * @throws SecretsManagerError for an error answer (named by its code); the fetch error for no answer (or a timeout)
 */
export async function getSecretValue(
  secretId: string,
  versionStage: VersionStage,
): Promise<SecretVersion | undefined> {
  const url = endpoint();
  const body = JSON.stringify({ SecretId: secretId, VersionStage: versionStage });
  const path = url.pathname.endsWith('/') ? url.pathname : `${url.pathname}/`;
  const signed = await secretsSigner().sign({
    method: 'POST',
    protocol: url.protocol,
    hostname: url.hostname,
    port: url.port ? Number(url.port) : undefined,
    path,
    headers: {
      host: url.host,
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'secretsmanager.GetSecretValue',
    },
    body,
  });
  const { host: _host, ...headers } = signed.headers;
  const response = await fetch(`${url.origin}${path}`, {
    method: 'POST',
    headers,
    body,
    signal: AbortSignal.timeout(secretCacheSettings.requestTimeoutMs),
  });
  const text = await response.text();
  const json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  if (!response.ok) {
    // `__type` is `com.amazonaws.secretsmanager#ResourceNotFoundException`, or the code alone.
    const code = String(json.__type ?? json.code ?? `HTTP${response.status}`)
      .split('#')
      .pop() as string;
    // No version carries the label: Secrets Manager answers ResourceNotFoundException for it too.
    if (code === 'ResourceNotFoundException' && versionStage === 'AWSPREVIOUS') return undefined;
    throw new SecretsManagerError(code, String(json.message ?? json.Message ?? text), response.status);
  }
  if (typeof json.SecretString !== 'string' || typeof json.VersionId !== 'string') {
    throw new SecretsManagerError('InvalidSecretValue', `Secret ${secretId} holds no SecretString`, 500);
  }
  return { value: json.SecretString, versionId: json.VersionId };
}

interface CacheEntry {
  versions?: SecretVersions;
  /** `Date.now()` when `versions` was read. */
  readAt: number;
  /** When a read was last started (ms), successful or not. */
  triedAt: number;
  pending?: Promise<SecretVersions>;
}

const cache = new Map<string, CacheEntry>();

async function readVersions(secretId: string): Promise<SecretVersions> {
  const [current, previous] = await Promise.all([
    getSecretValue(secretId, 'AWSCURRENT'),
    getSecretValue(secretId, 'AWSPREVIOUS'),
  ]);
  if (!current)
    throw new SecretsManagerError('ResourceNotFoundException', `Secret ${secretId} not found`, 400);
  return { current, previous };
}

function reload(secretId: string, entry: CacheEntry): Promise<SecretVersions> {
  entry.pending ??= (async () => {
    entry.triedAt = Date.now();
    try {
      const versions = await readVersions(secretId);
      entry.versions = versions;
      entry.readAt = Date.now();
      return versions;
    } catch (error) {
      if (entry.versions && Date.now() - entry.readAt < secretCacheSettings.maxStaleMs) return entry.versions;
      throw error;
    } finally {
      entry.pending = undefined;
    }
  })();
  return entry.pending;
}

/**
 * The versions of a secret in use, cached per execution environment (see the file comment for the bounds).
 * Concurrent first uses share one read.
 * @param secretId the secret's ARN
 * @param options `refresh: true` when the caller met a value the cached versions do not explain: read again unless
 *   the last read started less than `minRefreshIntervalMs` ago
 * @throws SecretsManagerError or a fetch error when the secret cannot be read and no usable cached copy exists
 */
export function secretVersions(
  secretId: string,
  options: { readonly refresh?: boolean } = {},
): Promise<SecretVersions> {
  let entry = cache.get(secretId);
  if (!entry) {
    entry = { readAt: 0, triedAt: 0 };
    cache.set(secretId, entry);
  }
  const now = Date.now();
  if (!entry.versions || now - entry.readAt >= secretCacheSettings.maxStaleMs) return reload(secretId, entry);
  // After a failed read (a stale copy serving), the next try waits minRefreshIntervalMs.
  const lastFailed = entry.triedAt > entry.readAt;
  const mayRetry = now - entry.triedAt >= secretCacheSettings.minRefreshIntervalMs;
  if (now - entry.readAt >= secretCacheSettings.maxAgeMs && (!lastFailed || mayRetry)) {
    return reload(secretId, entry);
  }
  if (options.refresh === true && mayRetry) return reload(secretId, entry);
  return Promise.resolve(entry.versions);
}

/** Forgets every cached secret (tests). */
export function clearSecretCache(): void {
  cache.clear();
}
