/**
 * What one send attempt on any channel ended as, and which provider errors are worth retrying. Senders never
 * throw for a provider's answer: they return an outcome, so the notifier can log every attempt and decide whether
 * retrying makes sense.
 */

/** The result of one send attempt. `failed` says whether the same attempt may succeed later. */
export type SendOutcome =
  | { readonly status: 'sent'; readonly providerMessageId: string }
  | { readonly status: 'skipped'; readonly error: string }
  | { readonly status: 'failed'; readonly error: string; readonly retryable: boolean };

/** Error names of AWS answers that mean "not now" rather than "never" (throttling, service-side trouble). */
const retryableErrorNames = new Set([
  'Throttling',
  'ThrottlingException',
  'Throttled',
  'ThrottledException',
  'TooManyRequestsException',
  'KMSThrottlingException',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'InternalFailure',
  'InternalError',
  'InternalErrorException',
  'InternalServerError',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
  'EndpointConnectionError',
]);

/** Node network error codes: the request may never have reached the service. */
const retryableNetworkCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ENETUNREACH',
  'EHOSTUNREACH',
]);

interface SdkErrorShape {
  name?: string;
  code?: string;
  $retryable?: unknown;
  $fault?: string;
  $metadata?: { httpStatusCode?: number };
}

/**
 * Whether a provider error is transient: throttling, a 5xx or 429 answer, a server fault, or no answer at all
 * (network). 4xx answers such as SES `MessageRejected` or SNS `InvalidParameter` are permanent: retrying sends the
 * same bad request again. (The SDK has already retried transient errors with backoff before this is asked.)
 */
export function isRetryableProviderError(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const e = error as SdkErrorShape;
  if (e.$retryable) return true;
  if (e.name && retryableErrorNames.has(e.name)) return true;
  if (e.code && retryableNetworkCodes.has(e.code)) return true;
  if (e.$fault === 'server') return true;
  const status = e.$metadata?.httpStatusCode;
  if (status !== undefined) return status >= 500 || status === 429;
  // No HTTP answer and not recognisably an AWS error: the request may not have arrived.
  return !e.$fault;
}

/** The outcome of a send that threw: `failed`, retryable or not. */
export function failure(error: unknown): SendOutcome {
  const e = error as SdkErrorShape & { message?: string };
  const message = `${e?.name ?? 'Error'}: ${e?.message ?? String(error)}`.slice(0, 500);
  return { status: 'failed', error: message, retryable: isRetryableProviderError(error) };
}
