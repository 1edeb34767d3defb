/**
 * The light presigners (`shared/platform/s3-signing.ts`, used by `shared/images/presign.ts`) against the SDK's:
 * with the same credentials (with and without a session token), the same clock and the same endpoint settings,
 * the GET URLs equal `getSignedUrl` (`@aws-sdk/s3-request-presigner`) and the POST URL and fields equal
 * `createPresignedPost` (`@aws-sdk/s3-presigned-post`), character for character and field order included.
 * The SDK packages are used here only, as the reference.
 *
 * Also the other user of the signer, the S3 object port of the upload check (`shared/images/image-objects.ts`,
 * signed `fetch` calls), against a local HTTP server that checks each request's SigV4 signature independently.
 */
import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { S3RequestError, s3ImageObjects } from '#shared/images/image-objects.ts';
import { createImageUpload, inlineDisposition, presignedImageUrl } from '#shared/images/presign.ts';
import {
  IMAGE_URL_EXPIRES_SECONDS,
  type ImageContentType,
  MAX_IMAGE_BYTES,
  UPLOAD_EXPIRES_SECONDS,
} from '#shared/images/rules.ts';
import { presignGetObject, presignPostObject } from '#shared/platform/s3-signing.ts';

const credentials = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  sessionToken: 'IQoJb3JpZ2luX2VjE/session+token==',
};
const bucket = 'helpdesk-images-test';
const ticketId = '01JDQ8Z3M4N5P6Q7R8S9T0V1W2';
const imageId = '01JDQ9A1B2C3D4E5F6G7H8J9K0';
const key = `tickets/${ticketId}/images/${imageId}`;
const now = new Date('2026-12-01T03:00:00.123Z');

/** Every variable the presigners or the SDK read, as set for these tests (`undefined`: unset). */
const baseEnv: Record<string, string | undefined> = {
  AWS_ACCESS_KEY_ID: credentials.accessKeyId,
  AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
  AWS_SESSION_TOKEN: credentials.sessionToken,
  AWS_REGION: 'eu-west-1',
  IMAGES_BUCKET: bucket,
  AWS_PROFILE: undefined,
  AWS_ENDPOINT_URL: undefined,
  AWS_ENDPOINT_URL_S3: undefined,
  AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: undefined,
  S3_FORCE_PATH_STYLE: undefined,
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};
const saved = Object.fromEntries(Object.keys(baseEnv).map((name) => [name, process.env[name]]));
function setEnv(vars: Record<string, string | undefined>): void {
  for (const [name, value] of Object.entries(vars)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
}

beforeAll(() => {
  setEnv(baseEnv);
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(now);
});
afterAll(() => {
  vi.useRealTimers();
  setEnv(saved);
});

/** Endpoint settings: AWS (virtual-hosted), the local emulator (path-style), and the other cases of the rules. */
const endpoints = [
  { name: 'AWS, virtual-hosted', env: {}, forcePathStyle: false },
  { name: 'AWS China, virtual-hosted', env: { AWS_REGION: 'cn-north-1' }, forcePathStyle: false },
  {
    name: 'local emulator, AWS_ENDPOINT_URL_S3, path-style',
    env: { AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:4569', S3_FORCE_PATH_STYLE: 'true' },
    forcePathStyle: true,
  },
  {
    name: 'local emulator, AWS_ENDPOINT_URL, path-style',
    env: { AWS_ENDPOINT_URL: 'http://localhost:4569/', S3_FORCE_PATH_STYLE: 'true' },
    forcePathStyle: true,
  },
  {
    name: 'IP endpoint without path-style (path-style anyway)',
    env: { AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:4569' },
    forcePathStyle: false,
  },
  {
    name: 'named endpoint, virtual-hosted',
    env: { AWS_ENDPOINT_URL_S3: 'http://localhost:4569' },
    forcePathStyle: false,
  },
  { name: 'AWS, path-style', env: { S3_FORCE_PATH_STYLE: 'true' }, forcePathStyle: true },
] as const;

describe.each(endpoints)('same output as the SDK: $name', ({ env, forcePathStyle }) => {
  let sdk: S3Client;
  beforeAll(() => {
    setEnv(env);
    // The SDK reads the region and AWS_ENDPOINT_URL[_S3] itself, as it did in the functions.
    sdk = new S3Client({ credentials, forcePathStyle });
  });
  afterAll(() => {
    sdk.destroy();
    setEnv(Object.fromEntries(Object.keys(env).map((name) => [name, baseEnv[name]])));
  });

  it.each([
    { contentType: 'image/jpeg', fileName: 'Ünïcode "x" (1).jpg' },
    { contentType: 'image/png', fileName: undefined },
  ] as const)('GET URL of an image: $contentType $fileName', async (options) => {
    const expected = await getSignedUrl(
      sdk,
      new GetObjectCommand({
        Bucket: bucket,
        Key: key,
        ResponseContentType: options.contentType,
        ResponseContentDisposition: inlineDisposition(options.fileName),
      }),
      { expiresIn: IMAGE_URL_EXPIRES_SECONDS },
    );
    const presigned = await presignedImageUrl(key, options);
    expect(presigned.url).toBe(expected);
    expect(presigned.expiresAt).toBe('2026-12-01T03:05:00.000Z');
    expect(new URL(presigned.url).searchParams.get('X-Amz-Security-Token')).toBe(credentials.sessionToken);
  });

  it('GET URL of a key that needs encoding', async () => {
    const odd = "tickets/a b+c/ü (1)!'*~.png";
    const expected = await getSignedUrl(sdk, new GetObjectCommand({ Bucket: bucket, Key: odd }), {
      expiresIn: 60,
    });
    expect(await presignGetObject(bucket, odd, { expiresIn: 60 })).toBe(expected);
  });

  it.each(['image/png', 'image/webp'] as const)(
    'POST of an upload: %s',
    async (contentType: ImageContentType) => {
      const expected = await createPresignedPost(sdk, {
        Bucket: bucket,
        Key: key,
        Conditions: [
          ['content-length-range', 1, MAX_IMAGE_BYTES],
          ['eq', '$Content-Type', contentType],
          ['eq', '$key', key],
        ],
        Fields: { 'Content-Type': contentType },
        Expires: UPLOAD_EXPIRES_SECONDS,
      });
      const upload = await createImageUpload({ ticketId, imageId, contentType });
      expect(upload.url).toBe(expected.url);
      expect(JSON.stringify(upload.fields)).toBe(JSON.stringify(expected.fields));
      expect(upload.fields['X-Amz-Security-Token']).toBe(credentials.sessionToken);
      expect(upload.expiresAt).toBe('2026-12-01T03:05:00Z'); // UPLOAD_EXPIRES_SECONDS after the signing second
    },
  );

  it('POST with duplicate conditions and another expiry', async () => {
    const conditions: NonNullable<Parameters<typeof createPresignedPost>[1]['Conditions']> = [
      { acl: 'private' },
      ['starts-with', '$Content-Type', 'image/'],
      { acl: 'private' },
    ];
    const fields = { acl: 'private', 'x-amz-meta-a': 'ü' };
    const objectKey = 'tickets/x/y';
    const expected = await createPresignedPost(sdk, {
      Bucket: bucket,
      Key: objectKey,
      Conditions: conditions,
      Fields: fields,
      Expires: 60,
    });
    const mine = await presignPostObject({ bucket, key: objectKey, conditions, fields, expiresIn: 60 });
    expect(JSON.stringify(mine)).toBe(JSON.stringify(expected));
  });
});

describe('without a session token (fresh credential cache)', () => {
  afterEach(() => {
    setEnv({ AWS_SESSION_TOKEN: credentials.sessionToken });
    vi.resetModules();
  });

  it('signs GET and POST like the SDK, with no X-Amz-Security-Token', async () => {
    setEnv({ AWS_SESSION_TOKEN: undefined });
    vi.resetModules();
    const fresh = await import('#shared/platform/s3-signing.ts');
    const { sessionToken: _, ...longTerm } = credentials;
    const sdk = new S3Client({ credentials: longTerm });
    const expectedUrl = await getSignedUrl(sdk, new GetObjectCommand({ Bucket: bucket, Key: key }), {
      expiresIn: 300,
    });
    const url = await fresh.presignGetObject(bucket, key, { expiresIn: 300 });
    expect(url).toBe(expectedUrl);
    expect(url).not.toContain('X-Amz-Security-Token');

    const expectedPost = await createPresignedPost(sdk, { Bucket: bucket, Key: key, Expires: 120 });
    const post = await fresh.presignPostObject({ bucket, key, conditions: [], fields: {}, expiresIn: 120 });
    expect(JSON.stringify(post)).toBe(JSON.stringify(expectedPost));
    expect(post.fields).not.toHaveProperty('X-Amz-Security-Token');
    sdk.destroy();
  });
});

/** What the fake S3 answers next: status, headers, body. */
interface Answer {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

/** SigV4 of a received header-signed request, computed from scratch (not with @smithy/signature-v4). */
function expectedAuthorization(request: IncomingMessage): string {
  const headers = request.headers as Record<string, string>;
  const auth =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request, SignedHeaders=([^,]+), Signature=[0-9a-f]{64}$/.exec(
      headers.authorization ?? '',
    );
  if (!auth) return `malformed: ${headers.authorization}`;
  const [, accessKeyId, date = '', region = '', signedHeaders = ''] = auth;
  const names = signedHeaders.split(';');
  const url = new URL(request.url ?? '/', 'http://x');
  const canonical = [
    request.method,
    url.pathname,
    '',
    ...names.map((name) => `${name}:${(headers[name] ?? '').trim()}`),
    '',
    signedHeaders,
    headers['x-amz-content-sha256'],
  ].join('\n');
  const scope = `${date}/${region}/s3/aws4_request`;
  const toSign = [
    'AWS4-HMAC-SHA256',
    headers['x-amz-date'],
    scope,
    createHash('sha256').update(canonical).digest('hex'),
  ].join('\n');
  let signingKey: Buffer | string = `AWS4${credentials.secretAccessKey}`;
  for (const part of [date, region, 's3', 'aws4_request'])
    signingKey = createHmac('sha256', signingKey).update(part).digest();
  const signature = createHmac('sha256', signingKey).update(toSign).digest('hex');
  return `AWS4-HMAC-SHA256 Credential=${accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
}

describe('the S3 object port (signed fetch)', () => {
  let server: Server;
  const received: { method: string; path: string; headers: Record<string, string>; valid: boolean }[] = [];
  let answers: Answer[] = [];
  const objects = s3ImageObjects();

  beforeAll(async () => {
    server = createServer((request, response) => {
      const headers = request.headers as Record<string, string>;
      received.push({
        method: request.method ?? '',
        path: request.url ?? '',
        headers,
        valid: headers.authorization === expectedAuthorization(request),
      });
      const answer = answers.shift() ?? { status: 500 };
      response.writeHead(answer.status, answer.headers);
      response.end(request.method === 'HEAD' ? undefined : answer.body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    setEnv({
      AWS_ENDPOINT_URL_S3: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      S3_FORCE_PATH_STYLE: 'true',
    });
  });
  afterAll(async () => {
    setEnv({ AWS_ENDPOINT_URL_S3: undefined, S3_FORCE_PATH_STYLE: undefined });
    await new Promise((resolve) => server.close(resolve));
  });
  afterEach(() => {
    received.length = 0;
    answers = [];
  });

  const s3Error = (status: number, code: string) => ({
    status,
    headers: { 'content-type': 'application/xml' },
    body: `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>It failed.</Message></Error>`,
  });

  it('heads an object with a signed request (session token included)', async () => {
    answers = [{ status: 200, headers: { 'content-length': '67', etag: '"abc"' } }];
    expect(await objects.head(key)).toEqual({ size: 67, eTag: '"abc"' });
    expect(received).toEqual([
      expect.objectContaining({ method: 'HEAD', path: `/${bucket}/${key}`, valid: true }),
    ]);
    expect(received[0]?.headers['x-amz-security-token']).toBe(credentials.sessionToken);
    expect(received[0]?.headers.authorization).toContain(
      'Credential=AKIDEXAMPLE/20261201/eu-west-1/s3/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token,',
    );
  });

  it('reads the first bytes with a signed Range and If-Match', async () => {
    answers = [{ status: 206, body: 'PNG!' }];
    expect(await objects.readStart(key, 4, '"abc"')).toEqual(new TextEncoder().encode('PNG!'));
    expect(received[0]).toMatchObject({ method: 'GET', path: `/${bucket}/${key}`, valid: true });
    expect(received[0]?.headers).toMatchObject({ range: 'bytes=0-3', 'if-match': '"abc"' });
    expect(received[0]?.headers.authorization).toContain('SignedHeaders=host;if-match;range;');
  });

  it('keeps only the asked length when the range is ignored', async () => {
    answers = [{ status: 200, body: 'PNG!and more' }];
    expect(await objects.readStart(key, 4, undefined)).toEqual(new TextEncoder().encode('PNG!'));
    expect(received[0]?.headers).not.toHaveProperty('if-match');
  });

  it('answers undefined for a missing object and for an overwritten one (412 on If-Match)', async () => {
    answers = [s3Error(404, 'NoSuchKey'), { status: 404 }, s3Error(412, 'PreconditionFailed')];
    expect(await objects.readStart(key, 4, '"abc"')).toBeUndefined();
    expect(await objects.head(key)).toBeUndefined();
    expect(await objects.readStart(key, 4, '"abc"')).toBeUndefined();
  });

  it('deletes, and deleting a missing object succeeds', async () => {
    answers = [{ status: 204 }, s3Error(404, 'NoSuchKey')];
    await objects.delete(key);
    await objects.delete(key);
    expect(received.map((request) => [request.method, request.valid])).toEqual([
      ['DELETE', true],
      ['DELETE', true],
    ]);
  });

  it('throws other failures with their S3 code and status', async () => {
    answers = [s3Error(403, 'AccessDenied'), s3Error(404, 'NoSuchBucket'), { status: 403 }];
    await expect(objects.readStart(key, 4, '"abc"')).rejects.toMatchObject({
      name: 'AccessDenied',
      $metadata: { httpStatusCode: 403 },
      message: 'S3 GetObject failed: 403 AccessDenied: It failed.',
    });
    await expect(objects.delete(key)).rejects.toBeInstanceOf(S3RequestError);
    await expect(objects.head(key)).rejects.toMatchObject({ $metadata: { httpStatusCode: 403 } });
  });

  it('tries a 5xx or 429 up to three times, signing each attempt', async () => {
    answers = [s3Error(503, 'SlowDown'), s3Error(500, 'InternalError'), { status: 204 }];
    await objects.delete(key);
    expect(received).toHaveLength(3);
    answers = [s3Error(500, 'InternalError'), s3Error(429, 'TooManyRequests'), s3Error(503, 'SlowDown')];
    await expect(objects.head(key)).rejects.toMatchObject({ $metadata: { httpStatusCode: 503 } });
    expect(received).toHaveLength(6);
    expect(received.every((request) => request.valid)).toBe(true);
  });

  it('fails with S3RequestError when S3 cannot be reached', async () => {
    setEnv({ AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:1' });
    try {
      await expect(objects.head(key)).rejects.toMatchObject({
        name: 'S3NetworkError',
        $metadata: { httpStatusCode: undefined },
      });
    } finally {
      setEnv({ AWS_ENDPOINT_URL_S3: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
    }
  });
});
