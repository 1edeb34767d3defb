/**
 * The origin-verify check of every route (docs/security.md, "Edge"): CloudFront adds the header
 * {@link originVerifyHeader} to every request it sends to the HTTP API, with the value of a Secrets Manager secret
 * (`ApiStack.originVerifySecret`, put into the distribution by the Edge stack). A request without it, or with another
 * value, did not come through CloudFront and its WAF (someone called the `execute-api` URL directly): 403
 * `forbidden`, before the wrapper does anything else (no actor, no idempotency record, no body parsing, no table
 * access).
 *
 * - On only when `ORIGIN_VERIFY_SECRET_ARN` is set (every route function in AWS); off in the local stack and tests,
 *   which have no CloudFront in front.
 * - The secret is read on the first request, not at import (cold start), through `secrets.ts` (cached 5 minutes,
 *   `AWSCURRENT` and `AWSPREVIOUS`; a failed read serves the cached copy as that module does, else the request is a
 *   500): the previous version is accepted so a rotation drops no request while CloudFront still sends the old value.
 *   A value no cached version matches makes the instance read the secret again, at most every 30 s
 *   (`minRefreshIntervalMs`), so an instance that has not seen a rotation yet accepts the new value.
 * - Compared in constant time (`timingSafeEqual` on equal-length buffers). The header's value is never logged.
 */
import { timingSafeEqual } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { Problem } from '#shared/platform/http/problem.ts';
import type { SecretVersions } from '#shared/platform/secrets.ts';

/** The header CloudFront adds to every request it sends to the API (lower case, as the functions see it). */
export const originVerifyHeader = 'x-origin-verify';

/** The environment variable naming the secret (its ARN, not its value). */
export const originVerifySecretVariable = 'ORIGIN_VERIFY_SECRET_ARN';

function sameValue(sent: Buffer, value: string): boolean {
  const expected = Buffer.from(value, 'utf8');
  return sent.length === expected.length && timingSafeEqual(sent, expected);
}

function matches(sent: Buffer, versions: SecretVersions): boolean {
  // Both compared, whatever the first gives, so the time does not tell which version matched.
  const current = sameValue(sent, versions.current.value);
  const previous = versions.previous ? sameValue(sent, versions.previous.value) : false;
  return current || previous;
}

/**
 * @throws Problem 403 `forbidden` when `ORIGIN_VERIFY_SECRET_ARN` is set and the request's {@link originVerifyHeader}
 *   is missing or matches neither the current nor the previous version of the secret; SecretsManagerError or a
 *   fetch error when the secret cannot be read and no usable cached copy exists (a 500)
 */
export async function verifyOrigin(event: APIGatewayProxyEventV2): Promise<void> {
  const secretArn = process.env[originVerifySecretVariable];
  if (!secretArn) return;
  const header = event.headers?.[originVerifyHeader];
  if (header) {
    const sent = Buffer.from(header, 'utf8');
    // Loaded on the first request: the module and its signer cost nothing at import (cold start).
    const { secretVersions } = await import('#shared/platform/secrets.ts');
    const versions = await secretVersions(secretArn);
    if (matches(sent, versions)) return;
    const reread = await secretVersions(secretArn, { refresh: true });
    if (reread.current.versionId !== versions.current.versionId && matches(sent, reread)) return;
  }
  throw new Problem(403, 'forbidden', 'Call the API through its public URL');
}
