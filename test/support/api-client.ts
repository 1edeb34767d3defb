/**
 * A minimal HTTP client for the API, shared by the integration tests and the benchmark: JSON or HTML-form
 * bodies, a bearer token, and the parsed JSON body next to the raw text. With `contract` on (the integration
 * tests) every response of the API is checked against `openapi.json` (`contract.ts`) and a violation throws;
 * the benchmark leaves it off and so never loads the checker.
 */

export interface ApiResponse {
  status: number;
  headers: Headers;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field
  body: any;
  /** Round-trip time, milliseconds. */
  ms: number;
}

export interface CallOptions {
  /** Default: POST when there is a body, else GET. */
  method?: string;
  token?: string | undefined;
  json?: unknown;
  form?: Record<string, string>;
  headers?: Record<string, string>;
}

export interface ApiClientOptions {
  /**
   * Check every response of the API against the OpenAPI document (status, content type, body, documented
   * headers) and throw on a violation, naming the route, the status and the reason. Responses of absolute URLs
   * outside `baseUrl` (presigned S3 URLs, the SES and SMS emulators) are not checked; approval links are the
   * API's. Default false.
   */
  readonly contract?: boolean;
}

/**
 * @param baseUrl the API base URL; absolute URLs passed to `call` (approval links, presigned URLs) go as they are
 * @param timeoutMs per-request timeout, milliseconds
 */
export function apiClient(baseUrl: string, timeoutMs = 30_000, { contract = false }: ApiClientOptions = {}) {
  const checker = contract ? import('./contract.ts') : undefined;
  /** @throws Error when `contract` is on and the API's response breaks the document */
  return async function call(path: string, options: CallOptions = {}): Promise<ApiResponse> {
    const headers: Record<string, string> = { ...options.headers };
    let body: string | undefined;
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    } else if (options.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(options.form).toString();
    }
    const url = path.startsWith('http') ? path : `${baseUrl}${path}`;
    const method = options.method ?? (body ? 'POST' : 'GET');
    const started = performance.now();
    const response = await fetch(url, {
      method,
      headers,
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    const ms = performance.now() - started;
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    (await checker)?.assertApiResponse(baseUrl, method, url, {
      status: response.status,
      headers: response.headers,
      text,
    });
    return { status: response.status, headers: response.headers, text, body: parsed, ms };
  };
}
