/**
 * Domain errors: what operations throw when a request cannot be carried out. They say what went wrong in the
 * domain's words and never name an HTTP status; `shared/platform/http/problems.ts` is the one place that turns
 * each kind into an RFC 9457 problem (so an operation can be called from a route, a macro, a timer or a retry
 * alike).
 *
 * A feature declares its own errors by extending one of these classes (`class TicketNotFound extends NotFound`).
 */

/** A field-level mistake in the input: `pointer` is a JSON Pointer (RFC 6901) into the part named by `in`. */
export interface FieldError {
  readonly in: 'body' | 'query' | 'path' | 'header';
  readonly pointer: string;
  readonly detail: string;
}

/** The kinds of domain error; each maps to one problem type. */
export type DomainErrorKind =
  | 'invalid-input'
  | 'not-authenticated'
  | 'not-allowed'
  | 'not-found'
  | 'conflict'
  | 'invalid-transition'
  | 'version-required'
  | 'version-conflict'
  | 'unsupported-type'
  | 'too-large'
  | 'rate-limited';

/** Base of every domain error. `details` are extra facts a client can act on (e.g. `allowed`). */
export abstract class DomainError extends Error {
  abstract readonly kind: DomainErrorKind;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.details = details;
  }
}

/** The input breaks a rule that only the domain can check (an unknown approver, a bad cursor). */
export class InvalidInput extends DomainError {
  override readonly name: string = 'InvalidInput';
  readonly kind = 'invalid-input' as const;

  constructor(
    readonly fields: readonly FieldError[],
    message = 'Some fields are invalid.',
  ) {
    super(message);
  }
}

/** The credentials (password, refresh token) are wrong or no longer valid. */
export class NotAuthenticated extends DomainError {
  override readonly name: string = 'NotAuthenticated';
  readonly kind = 'not-authenticated' as const;
}

/** The actor may not do this (their role's permission flags or ownership say no). */
export class NotAllowed extends DomainError {
  override readonly name: string = 'NotAllowed';
  readonly kind = 'not-allowed' as const;
}

/**
 * The object does not exist, or the actor may not see it: both get the same answer, so ids cannot be probed.
 * @param what the object, capitalised ("The ticket")
 */
export class NotFound extends DomainError {
  override readonly name: string = 'NotFound';
  readonly kind = 'not-found' as const;

  constructor(what: string) {
    super(`${what} was not found.`);
  }
}

/** The object's state forbids this now (a closed ticket takes no comments, an email is taken). */
export class Conflict extends DomainError {
  override readonly name: string = 'Conflict';
  readonly kind = 'conflict' as const;
}

/** The object changed since the actor read it (a stale `expectedVersion`, e.g. from `If-Match`). */
export class VersionConflict extends DomainError {
  override readonly name: string = 'VersionConflict';
  readonly kind = 'version-conflict' as const;

  constructor(message = 'Read the resource again and retry with its current version.') {
    super(message);
  }
}

/**
 * The change must name the version it was made against and did not (no `If-Match`, or `*`): an approval decision
 * binds to the version the approver saw (docs/lifecycle.md), so it is never made against whatever the object is now.
 */
export class VersionRequired extends DomainError {
  override readonly name: string = 'VersionRequired';
  readonly kind = 'version-required' as const;

  constructor(
    message = 'Send If-Match with the ETag of the version you decide on (read the resource first).',
  ) {
    super(message);
  }
}

/** A content type the operation does not take. */
export class UnsupportedType extends DomainError {
  override readonly name: string = 'UnsupportedType';
  readonly kind = 'unsupported-type' as const;
}

/** A size over the operation's limit. */
export class TooLarge extends DomainError {
  override readonly name: string = 'TooLarge';
  readonly kind = 'too-large' as const;
}

/** Too many attempts; wait and retry. */
export class RateLimited extends DomainError {
  override readonly name: string = 'RateLimited';
  readonly kind = 'rate-limited' as const;
}

/**
 * An error as one line for logs and stored reasons: `<name>: <message>` (or the value as text), cut at
 * `maxLength` characters.
 */
export function errorText(error: unknown, maxLength = 1000): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.slice(0, maxLength);
}
