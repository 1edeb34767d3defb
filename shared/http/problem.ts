/**
 * RFC 9457 problem details (`application/problem+json`).
 *
 * Handlers throw a {@link Problem}; the error middleware in `shared/http/handler.ts` turns it into the response.
 * Anything else thrown is logged and answered as a bare 500 that reveals nothing of the error.
 */

/** A field-level validation error: `pointer` is a JSON Pointer (RFC 6901) into the request part named by `in`. */
export interface FieldError {
  readonly in: 'body' | 'query' | 'path' | 'header';
  readonly pointer: string;
  readonly detail: string;
}

/** Problem type slugs; the `type` member is `/problems/<slug>` (a relative URI reference, RFC 9457 §3.1.1). */
export type ProblemSlug =
  | 'validation-error'
  | 'malformed-request'
  | 'unauthorized'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'invalid-transition'
  | 'precondition-failed'
  | 'unsupported-media-type'
  | 'payload-too-large'
  | 'too-many-requests'
  | 'idempotency-key-reused'
  | 'internal-error';

const titles: Record<ProblemSlug, string> = {
  'validation-error': 'Your request is not valid',
  'malformed-request': 'Your request could not be read',
  unauthorized: 'Authentication is required',
  forbidden: 'You may not do this',
  'not-found': 'Not found',
  conflict: 'Conflict',
  'invalid-transition': 'This status change is not allowed',
  'precondition-failed': 'The resource has changed since you read it',
  'unsupported-media-type': 'Unsupported media type',
  'payload-too-large': 'Payload too large',
  'too-many-requests': 'Too many requests',
  'idempotency-key-reused': 'Idempotency-Key reused with another request',
  'internal-error': 'Internal server error',
};

/** An error that is answered as a problem document with the given HTTP status. */
export class Problem extends Error {
  override readonly name = 'Problem';

  /**
   * @param status HTTP status code
   * @param slug problem type; also gives the default title
   * @param detail a human explanation specific to this occurrence
   * @param extensions extra members (e.g. `errors`, `allowed`), serialized at the top level
   */
  constructor(
    readonly status: number,
    readonly slug: ProblemSlug,
    readonly detail?: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(detail ?? titles[slug]);
  }

  /** The `application/problem+json` body. */
  toJSON(): Record<string, unknown> {
    return {
      type: `/problems/${this.slug}`,
      title: titles[this.slug],
      status: this.status,
      ...(this.detail ? { detail: this.detail } : {}),
      ...this.extensions,
    };
  }
}

/** 400 with field errors. */
export const validationProblem = (errors: readonly FieldError[], detail = 'Some fields are invalid.') =>
  new Problem(400, 'validation-error', detail, { errors });
export const malformed = (detail: string) => new Problem(400, 'malformed-request', detail);
export const unauthorized = (detail = 'Sign in and send the access token as a Bearer token.') =>
  new Problem(401, 'unauthorized', detail);
export const forbidden = (detail?: string) => new Problem(403, 'forbidden', detail);
/** 404, also for objects that exist but the caller may not see (no existence oracle). */
export const notFound = (what: string) => new Problem(404, 'not-found', `${what} was not found.`);
export const conflict = (detail: string, extensions?: Record<string, unknown>) =>
  new Problem(409, 'conflict', detail, extensions);
export const preconditionFailed = (detail = 'Read the resource again and retry with its current ETag.') =>
  new Problem(412, 'precondition-failed', detail);
