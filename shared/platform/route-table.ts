/**
 * The shape of a route row. Each feature lists its rows in `shared/<feature>/routes.ts`; `shared/routes.ts`
 * concatenates them. One row says everything about a route: the CDK api stack creates one function and one route
 * per row with the row's IAM grants and authorizer; the local gateway serves the same rows with the same JWT
 * rule; the route wrapper validates with the row's schemas and checks its permission; the OpenAPI document is
 * generated from the rows. Nothing is declared twice.
 */
import type * as z from 'zod/mini';
import type { ProblemSlug } from '#shared/platform/http/problem.ts';
import type { PermissionFlag } from '#shared/roles/roles.ts';

/**
 * Who may call a route: `public` (no authorizer: API Gateway `HttpNoneAuthorizer`), `signed-in` (any user
 * behind the Cognito JWT authorizer; the operation then checks ownership), or a permission flag the caller's
 * role must have (checked by the route wrapper before anything else; 403 otherwise).
 */
export type RoutePermission = 'public' | 'signed-in' | PermissionFlag;

/**
 * `table:read` / `table:write`: the table and its indexes; `table:writeInventory`: PutItem, UpdateItem and DeleteItem
 * on the `INVENTORY`, `INVENTORY#*` (stock) and `IDEMPOTENCY#*` (`Idempotency-Key` records) partitions only
 * (`dynamodb:LeadingKeys`): the inventory routes that change the stock; `table:readCounters`: GetItem and Query on the table's
 * `USER#*` (the caller's profile), `ROLES` (custom roles), `STATS#*` (the dashboard counters) and `INVENTORY` (the
 * cable balances) partitions only (`dynamodb:LeadingKeys`), no index: the dashboard, which needs nothing else; `images:read`: GetObject under `tickets/`
 * (presigned GET URLs); `images:upload`: PutObject under `tickets/` (presigned POST); `images:delete`:
 * DeleteObject under `tickets/` (deleting an image);
 * `userPool:admin`: AdminConfirmSignUp, AdminAddUserToGroup, AdminGetUser and AdminDeleteUser (undoing a failed
 * sign-up) on the user pool; `userPool:manage`: what user administration does on the pool (AdminCreateUser,
 * AdminDeleteUser undoing a failed creation, AdminGetUser, AdminUpdateUserAttributes, AdminAddUserToGroup,
 * AdminRemoveUserFromGroup, AdminDisableUser, AdminEnableUser); `userPool:email`: AdminGetUser and
 * AdminUpdateUserAttributes only (switching a user to the email address they verified). Token exchanges (InitiateAuth,
 * RespondToAuthChallenge, RevokeToken, ChangePassword) take no IAM permission.
 * `deliveries:inspect`: ReceiveMessage and GetQueueAttributes on the delivery dead-letter queue (a peek: receives
 * with visibility timeout 0); `deliveries:redrive`: ReceiveMessage, DeleteMessage and GetQueueAttributes on the
 * dead-letter queue and SendMessage on the delivery queue (the batch calls take the single-message actions);
 * `deliveries:send`: SendMessage on the delivery queue only (retrying one logged notification). All three also set
 * `DELIVERY_QUEUE_URL` and `DELIVERY_DEAD_LETTER_QUEUE_URL`.
 * `docs:read`: GetObject on the one object of the docs assets bucket that holds the API reference page's script
 * (Scalar's browser bundle), to presign its GET URL; sets `DOCS_BUCKET` and `DOCS_SCRIPT_KEY`.
 * `mail:send`: `ses:SendEmail` on the sender identity (the `MAIL_FROM` address and its domain) and on the stage's
 * configuration set, and sets `MAIL_FROM` and `SES_CONFIGURATION_SET`:
 * for a mail a route sends itself rather than through the delivery queue (the sign-up notice to an address's
 * owner, the code that verifies a new email address).
 * `sms:send`: `sns:Publish` to phone numbers (no resource ARN: `*`, with an explicit Deny on every topic), for an
 * SMS a route sends itself (the code that verifies a phone number).
 */
export type Grant =
  | 'table:read'
  | 'table:readCounters'
  | 'table:write'
  | 'table:writeInventory'
  | 'images:read'
  | 'images:upload'
  | 'images:delete'
  | 'userPool:admin'
  | 'userPool:manage'
  | 'userPool:email'
  | 'deliveries:inspect'
  | 'deliveries:redrive'
  | 'deliveries:send'
  | 'docs:read'
  | 'mail:send'
  | 'sms:send';

/**
 * An operations setting a route's function reads (`shared/inventory/config.ts`), set by the api stack from the
 * deploy config as an environment variable: `cableApproverGroup` → `CABLE_APPROVER_GROUP` (who approves a cable
 * request without approver), `inventoryRole` → `INVENTORY_ROLE` (the inventory team's role).
 */
export type RouteSetting = 'cableApproverGroup' | 'inventoryRole';

/**
 * Response headers a route sets on success: `etag` (the strong ETag of a versioned resource, for `If-Match`),
 * `location` (the URL of what a 201 created), `idempotency-replayed` (`true` when an `Idempotency-Key` retry
 * answers the first response again; on every idempotent route, added by the OpenAPI generator).
 */
export type ResponseHeader = 'etag' | 'location' | 'idempotency-replayed';

/** What a route answers on success. */
export interface RouteSuccess {
  readonly status: 200 | 201 | 202 | 204;
  readonly description: string;
  /** Media type; default `application/json`. */
  readonly mediaType?: 'application/json' | 'text/html';
  /** Headers the success response carries. */
  readonly headers?: readonly ResponseHeader[];
}

/**
 * A request schema: a `zod/mini` schema (the route wrapper calls its `safeParse`; the OpenAPI document converts it
 * with `z.toJSONSchema`). Type-only here, so a row costs its bundle nothing but the schemas it names.
 */
export type RequestSchema = z.ZodMiniType;

/**
 * A response body schema (zod/mini), documented with its output type. Response schemas are not on the row: they
 * are in each feature's `responses.ts` (by route id), which only the OpenAPI generator and the tests import, so
 * no function bundle carries them; the views are typed by them (`z.output<typeof TicketView>`, a type-only
 * import).
 */
export type ResponseSchema = z.ZodMiniType;

export interface Route {
  /** Stable identifier, PascalCase; used for the CDK construct id and the OpenAPI operationId. */
  readonly id: string;
  readonly method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** HTTP API route path, `{name}` for path parameters. */
  readonly path: string;
  /** Handler module, relative to the repository root; it exports `handler`. */
  readonly entry: string;
  readonly permission: RoutePermission;
  /** One line; `<METHOD> <path>: <summary>` is also the Lambda function's description (at most 256 characters). */
  readonly summary: string;
  /** More about the route for the OpenAPI document (rules, supported combinations), if a line is not enough. */
  readonly description?: string;
  /** Request body schema (zod/mini). */
  readonly body?: RequestSchema;
  /** Body media type; default `application/json`. */
  readonly bodyType?: 'application/json' | 'application/x-www-form-urlencoded';
  /** Query string schema (values arrive as strings; repeated keys comma-joined, as HTTP API sends them). */
  readonly query?: RequestSchema;
  /** Path parameters schema. */
  readonly params?: RequestSchema;
  readonly success: RouteSuccess;
  /**
   * The problem types the route answers beyond those its row implies. Implied (added by the OpenAPI generator):
   * `validation-error` (400) with any request schema, `malformed-request` (400) and `unsupported-media-type` (415)
   * with a body, `unauthorized` (401) behind the authorizer, `forbidden` (403) with a permission flag,
   * `not-found` (404) with path parameters, `precondition-failed` (412) with `ifMatch`, `conflict` (409) and
   * `idempotency-key-reused` (422) when idempotent, `too-many-requests` (429) and `internal-error` (500) always.
   * List here what the operation adds (a 403 of an ownership rule, a 409 of a state rule, `unprocessable-content`
   * for a reference that does not resolve, ...).
   */
  readonly problems?: readonly ProblemSlug[];
  /** Statuses answered with an HTML page (`text/html`) instead of problem+json: the approval link pages. */
  readonly pages?: readonly number[];
  /** Honours `If-Match` (an ETag from a read): 412 when the resource changed since. */
  readonly ifMatch?: boolean;
  /**
   * Creates something and honours the `Idempotency-Key` header (`shared/platform/http/idempotency-key.ts`): a
   * retried POST with the same key answers the first response again. Needs `table:write`.
   */
  readonly idempotent?: boolean;
  /** What the function may touch; the api stack turns each into a least-privilege IAM grant. */
  readonly grants: readonly Grant[];
  /** The operations settings the function reads; only these reach its environment. */
  readonly settings?: readonly RouteSetting[];
}

/**
 * What the OpenAPI document says of a route's success beyond its row: the JSON body's schema (every route but a
 * 204 or an HTML page has one) and examples of the request body and the success body.
 */
export interface RouteResponse {
  readonly schema?: ResponseSchema;
  /** A request body the route accepts (the row's body schema, as a client sends it). */
  readonly request?: unknown;
  /** A success body (the schema's output). */
  readonly example?: unknown;
}

/**
 * A feature's {@link RouteResponse}s by route id (its `responses.ts`); every route of the feature has an entry.
 * Examples are validated against the document by `test/unit/openapi.test.ts`.
 */
export type RouteResponses<R extends Route> = { readonly [K in R as K['id']]: RouteResponse };

/**
 * A {@link RouteResponse} whose success example is type-checked against the schema's output (type a request
 * example with `satisfies z.input<typeof Body>`).
 */
export const documented = <S extends ResponseSchema>(
  schema: S | undefined,
  examples: { readonly example?: z.output<S>; readonly request?: unknown } = {},
): RouteResponse => ({
  ...(schema ? { schema } : {}),
  ...(examples.example !== undefined ? { example: examples.example } : {}),
  ...(examples.request !== undefined ? { request: examples.request } : {}),
});

/** Whether a route has no authorizer. */
export const isPublicRoute = (route: Pick<Route, 'permission'>) => route.permission === 'public';

/** A function started by an event rather than by an HTTP route. */
export interface EventSource {
  /** Stable identifier, PascalCase (CDK construct id, local function name). */
  readonly id: string;
  /** Handler module, relative to the repository root; it exports `handler`. */
  readonly entry: string;
  readonly summary: string;
}
