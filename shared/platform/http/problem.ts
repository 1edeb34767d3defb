/**
 * RFC 9457 problem details (`application/problem+json`).
 *
 * HTTP-level code throws a {@link Problem}; operations throw domain errors (`shared/platform/errors.ts`), which
 * {@link problemOf} maps here, in one place. The route wrapper (`shared/platform/http/route.ts`) answers both;
 * anything else thrown is logged and answered as a bare 500 that reveals nothing of the error.
 */
import { DomainError, type DomainErrorKind, type FieldError, InvalidInput } from '#shared/platform/errors.ts';

export type { FieldError } from '#shared/platform/errors.ts';

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
  | 'precondition-required'
  | 'unsupported-media-type'
  | 'payload-too-large'
  | 'too-many-requests'
  | 'idempotency-key-reused'
  | 'unprocessable-content'
  | 'internal-error';

/** The title of each problem type. */
export const problemTitles: Record<ProblemSlug, string> = {
  'validation-error': 'Your request is not valid',
  'malformed-request': 'Your request could not be read',
  unauthorized: 'Authentication is required',
  forbidden: 'You may not do this',
  'not-found': 'Not found',
  conflict: 'Conflict',
  'invalid-transition': 'This status change is not allowed',
  'precondition-failed': 'The resource has changed since you read it',
  'precondition-required': 'Say which version you act on (If-Match)',
  'unsupported-media-type': 'Unsupported media type',
  'payload-too-large': 'Payload too large',
  'too-many-requests': 'Too many requests',
  'idempotency-key-reused': 'Idempotency-Key reused with another request',
  'unprocessable-content': 'Your request cannot be carried out',
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
    super(detail ?? problemTitles[slug]);
  }

  /** The `application/problem+json` body. */
  toJSON(): Record<string, unknown> {
    return {
      type: `/problems/${this.slug}`,
      title: problemTitles[this.slug],
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

/**
 * The status and problem type of each kind of domain error. A request the schemas accept but the domain cannot
 * carry out (an approver who does not exist, a cursor of another listing, a wrong current password) is 422
 * (RFC 9110 §15.5.21): 400 `validation-error` means the request breaks its documented schema, so a client that
 * follows the OpenAPI document never sees it.
 */
const domainProblems: Record<DomainErrorKind, readonly [number, ProblemSlug]> = {
  'invalid-input': [422, 'unprocessable-content'],
  'not-authenticated': [401, 'unauthorized'],
  'not-allowed': [403, 'forbidden'],
  'not-found': [404, 'not-found'],
  conflict: [409, 'conflict'],
  'invalid-transition': [409, 'invalid-transition'],
  'version-conflict': [412, 'precondition-failed'],
  'version-required': [428, 'precondition-required'],
  'unsupported-type': [415, 'unsupported-media-type'],
  'too-large': [413, 'payload-too-large'],
  'rate-limited': [429, 'too-many-requests'],
};

/**
 * The problem to answer for an error: a {@link Problem} as it is, a domain error by its kind (its `details`
 * become extension members; an {@link InvalidInput}'s fields become `errors`), anything else `undefined`.
 */
export function problemOf(error: unknown): Problem | undefined {
  if (error instanceof Problem) return error;
  if (!(error instanceof DomainError)) return undefined;
  if (error instanceof InvalidInput) {
    return new Problem(422, 'unprocessable-content', error.message, { errors: error.fields });
  }
  const [status, slug] = domainProblems[error.kind];
  return new Problem(status, slug, error.message, { ...error.details });
}
