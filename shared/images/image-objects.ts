/**
 * The S3 side of the object-created check: head, read the first bytes, delete.
 *
 * Three REST calls (HeadObject, ranged GetObject with If-Match, DeleteObject) sent with `fetch` and signed with
 * SigV4 (`shared/platform/s3-signing.ts`): the S3 client would cost the ImageUploaded function about a quarter more
 * cold-start time for these three calls (issue 6). Like the SDK client, a 5xx, a 429 or a network failure is tried
 * up to three times; any other failure is thrown as an {@link S3RequestError}.
 */
import type { ImageObjectStore } from '#shared/images/check-upload.ts';
import { config } from '#shared/platform/config.ts';
import { signObjectRequest } from '#shared/platform/s3-signing.ts';

/** An S3 error response (or a failure to reach S3), shaped like the SDK's service exceptions for the logs. */
export class S3RequestError extends Error {
  override readonly name: string;
  readonly $metadata: { readonly httpStatusCode: number | undefined };

  constructor(
    readonly operation: string,
    status: number | undefined,
    code: string | undefined,
    detail: string | undefined,
    options?: ErrorOptions,
  ) {
    super(
      `S3 ${operation} failed: ${status ?? 'no response'}${code ? ` ${code}` : ''}${detail ? `: ${detail}` : ''}`,
      options,
    );
    this.name = code ?? (status === undefined ? 'S3NetworkError' : `S3Http${status}`);
    this.$metadata = { httpStatusCode: status };
  }
}

const MAX_ATTEMPTS = 3;
const retryable = (status: number) => status >= 500 || status === 429;
const pause = (attempt: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * 100 * 2 ** attempt));

/** `<Code>` and `<Message>` of an S3 XML error body, when there is one. */
async function errorDetails(response: Response): Promise<{ code?: string; message?: string }> {
  const body = await response.text().catch(() => '');
  return {
    code: /<Code>([^<]*)<\/Code>/.exec(body)?.[1],
    message: /<Message>([^<]*)<\/Message>/.exec(body)?.[1],
  };
}

/**
 * Send one signed request; the response of the last attempt, whatever its status. Each attempt is signed anew.
 * @throws S3RequestError when S3 cannot be reached
 */
async function send(
  operation: string,
  method: 'GET' | 'HEAD' | 'DELETE',
  key: string,
  headers?: Record<string, string>,
): Promise<Response> {
  for (let attempt = 1; ; attempt++) {
    const request = await signObjectRequest(method, config.imagesBucket, key, headers);
    let response: Response;
    try {
      response = await fetch(request.url, { method, headers: request.headers });
    } catch (error) {
      if (attempt < MAX_ATTEMPTS) {
        await pause(attempt);
        continue;
      }
      throw new S3RequestError(operation, undefined, undefined, (error as Error).message, { cause: error });
    }
    if (!retryable(response.status) || attempt >= MAX_ATTEMPTS) return response;
    await response.body?.cancel();
    await pause(attempt);
  }
}

async function failure(operation: string, response: Response): Promise<S3RequestError> {
  const { code, message } = await errorDetails(response);
  return new S3RequestError(operation, response.status, code, message);
}

/** The image objects in the images bucket (`IMAGES_BUCKET`). */
export function s3ImageObjects(): ImageObjectStore {
  return {
    async head(key) {
      const response = await send('HeadObject', 'HEAD', key);
      if (response.status === 404) return undefined;
      if (!response.ok) throw await failure('HeadObject', response);
      return {
        size: Number(response.headers.get('content-length') ?? 0),
        eTag: response.headers.get('etag') ?? undefined,
      };
    },
    async readStart(key, length, eTag) {
      const response = await send('GetObject', 'GET', key, {
        range: `bytes=0-${length - 1}`,
        ...(eTag ? { 'if-match': eTag } : {}),
      });
      if (response.status === 404 || response.status === 412) {
        await response.body?.cancel();
        return undefined;
      }
      if (!response.ok) throw await failure('GetObject', response);
      return new Uint8Array(await response.arrayBuffer()).subarray(0, length);
    },
    async delete(key) {
      const response = await send('DeleteObject', 'DELETE', key);
      if (response.ok) {
        await response.body?.cancel();
        return;
      }
      const error = await failure('DeleteObject', response);
      // S3 answers 204 for a missing key; an emulator may say NoSuchKey. Either way the object is gone.
      if (error.name === 'NoSuchKey') return;
      throw error;
    },
  };
}
