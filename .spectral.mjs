/**
 * Spectral ruleset for `openapi.json`: the OWASP API Security Top 10 (2023) rules of
 * `@stoplight/spectral-owasp-ruleset`, loaded from node_modules (no network). `npm run lint:api` runs it with
 * Redocly's `recommended` rules (`redocly.yaml`); `test/unit/openapi-lint.test.ts` runs both in CI.
 *
 * Every change to a rule carries its reason here and in docs/api.md ("Lint"), which the test checks: a rule off
 * for the whole document, a rule off for named operations only (so a new public route still fails until someone
 * writes down why it may be public), a rule raised from warning to error, a rule that stays a warning (the test
 * fails on a warning of any other rule). Spectral takes the default export only: no named exports here.
 */
import owasp from '@stoplight/spectral-owasp-ruleset';

/**
 * `openapi.json#/paths/<path>/<method>` for `METHOD /path`, relative to this file: Spectral's override syntax, a
 * JSON pointer in a URI fragment (`{token}` is `%7Btoken%7D`).
 */
const operations = (...names) =>
  names.map((name) => {
    const [method, path] = name.split(' ');
    const segment = encodeURIComponent(path.replaceAll('~', '~0').replaceAll('/', '~1'));
    return `openapi.json#/paths/${segment}/${method.toLowerCase()}`;
  });
const off = (...rules) => Object.fromEntries(rules.map((rule) => [rule, 'off']));

export default {
  extends: [owasp],
  rules: {
    // Off: neither the functions nor API Gateway (HTTP API stage throttling) send RateLimit or X-RateLimit
    // headers, and the document must not promise headers the service does not send. Rate limiting is documented
    // as it is: a 429 on every operation, with Retry-After when the service (not the throttle) answers it.
    'owasp:api4:2023-rate-limit': 'off',
    // Raised to error: an operation that can answer 401 must document it (the public sign-in routes answer 401
    // too); those that never do are exceptions below.
    'owasp:api8:2023-define-error-responses-401': 'error',
    // Raised to error: an operation that takes input documents its 400 or 422; those that take none are
    // exceptions below.
    'owasp:api8:2023-define-error-validation': 'error',
    // Raised to error: a public read is a deliberate exception, as a public write is (write-restricted).
    'owasp:api2:2023-read-restricted': 'error',
    // Stays a warning: free text (titles, descriptions, comments, names, passwords, reasons, problem details) has
    // no format, pattern or enum to give; maxLength bounds it (string-limit, an error). Ids, enums, dates, URLs
    // and tokens carry a pattern or format.
    'owasp:api4:2023-string-restricted': 'warn',
  },
  overrides: [
    {
      // Public by design: the liveness probe, the description of the API and its reference page. They take no
      // input and hold no data, so they answer neither 401 nor 400.
      files: operations('GET /health', 'GET /openapi.json', 'GET /docs'),
      rules: off(
        'owasp:api2:2023-read-restricted',
        'owasp:api8:2023-define-error-responses-401',
        'owasp:api8:2023-define-error-validation',
      ),
    },
    {
      // Take no input (the caller is the token's subject; the parts list and the on-hand list are the same for
      // everyone; the dashboard counts are the caller's and what their permissions show), so they have no 400 or 422.
      files: operations('GET /me', 'GET /optics/parts', 'GET /inventory/on-hand', 'GET /dashboard/stats'),
      rules: off('owasp:api8:2023-define-error-validation'),
    },
    {
      // Issue or confirm the account, so the caller has no access token yet; they never answer 401 (a wrong
      // confirmation code is a 422 on `code`).
      files: operations('POST /auth/signup', 'POST /auth/confirm', 'POST /auth/confirm/resend'),
      rules: off('owasp:api2:2023-write-restricted', 'owasp:api8:2023-define-error-responses-401'),
    },
    {
      // Issue or renew tokens, so the caller has no access token yet; the credential is in the body (password,
      // challenge session, refresh token) and a wrong one is a 401.
      files: operations('POST /auth/login', 'POST /auth/password', 'POST /auth/refresh'),
      rules: off('owasp:api2:2023-write-restricted'),
    },
    {
      // The approval link sent by email or SMS: the random single-use token in the path is the credential (43
      // base64url characters, stored hashed, expiring, bound to one ticket and approver). A link in a mail cannot
      // carry a header; the access logs record the route key, never the raw path. A link that cannot be used
      // answers a page (403, 404, 409, 410), never 401.
      files: operations('GET /approvals/{token}', 'POST /approvals/{token}'),
      rules: off(
        'owasp:api2:2023-read-restricted',
        'owasp:api2:2023-write-restricted',
        'owasp:api2:2023-no-credentials-in-url',
        'owasp:api8:2023-define-error-responses-401',
      ),
    },
  ],
};
