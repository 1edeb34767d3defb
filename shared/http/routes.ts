/**
 * The route table: every HTTP API route, the Lambda entry that serves it and who may call it.
 *
 * The CDK api stack creates one function and one route per row; the local gateway (`scripts/local/gateway.ts`)
 * serves the same rows with the same JWT rule; the OpenAPI generator documents them. Nothing is declared twice.
 */

/** `public`: no authorizer (API Gateway `HttpNoneAuthorizer`); `authenticated`: Cognito JWT authorizer. */
export type RouteAccess = 'public' | 'authenticated';

export interface Route {
  /** Stable identifier, PascalCase; used for the CDK construct id and the OpenAPI operationId. */
  readonly id: string;
  readonly method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** HTTP API route path, `{name}` for path parameters. */
  readonly path: string;
  /** Handler module, relative to the repository root; it exports `handler`. */
  readonly entry: string;
  readonly access: RouteAccess;
  readonly summary: string;
  /**
   * Creates something and honours the `Idempotency-Key` header (`shared/http/idempotency-key.ts`): a retried POST
   * with the same key answers the first response again. Needs `table:write`.
   */
  readonly idempotent?: boolean;
  /** What the function may touch; the api stack turns each into a least-privilege IAM grant. */
  readonly grants: readonly Grant[];
}

/**
 * `table:read` / `table:write`: the table and its indexes; `images:read`: GetObject under `tickets/`
 * (presigned GET URLs); `images:upload`: PutObject under `tickets/` (presigned POST);
 * `userPool:admin`: AdminConfirmSignUp, AdminAddUserToGroup, AdminGetUser, AdminDeleteUser (undoing a failed
 * sign-up) on the user pool.
 */
export type Grant = 'table:read' | 'table:write' | 'images:read' | 'images:upload' | 'userPool:admin';

export const routes = [
  {
    id: 'GetHealth',
    method: 'GET',
    path: '/health',
    entry: 'functions/health/get.ts',
    access: 'public',
    summary: 'Liveness check',
    grants: [],
  },
  {
    id: 'GetOpenApi',
    method: 'GET',
    path: '/openapi.json',
    entry: 'functions/openapi/get.ts',
    access: 'public',
    summary: 'This API as an OpenAPI 3.1 document',
    grants: [],
  },
  {
    id: 'SignUp',
    method: 'POST',
    path: '/auth/signup',
    entry: 'functions/auth/signup.ts',
    access: 'public',
    summary: 'Create a requester account',
    grants: ['userPool:admin', 'table:write'],
  },
  {
    id: 'LogIn',
    method: 'POST',
    path: '/auth/login',
    entry: 'functions/auth/login.ts',
    access: 'public',
    summary: 'Exchange email and password for Cognito tokens',
    grants: [],
  },
  {
    id: 'RefreshTokens',
    method: 'POST',
    path: '/auth/refresh',
    entry: 'functions/auth/refresh.ts',
    access: 'public',
    summary: 'Exchange a refresh token for new tokens',
    grants: [],
  },
  {
    id: 'GetMe',
    method: 'GET',
    path: '/me',
    entry: 'functions/auth/me.ts',
    access: 'authenticated',
    summary: 'The caller profile and role',
    grants: ['table:read'],
  },
  {
    id: 'CreateTicket',
    method: 'POST',
    path: '/tickets',
    entry: 'functions/tickets/create.ts',
    access: 'authenticated',
    summary: 'Open a ticket',
    idempotent: true,
    grants: ['table:read', 'table:write'],
  },
  {
    id: 'ListTickets',
    method: 'GET',
    path: '/tickets',
    entry: 'functions/tickets/list.ts',
    access: 'authenticated',
    summary: 'Tickets visible to the caller, newest first',
    grants: ['table:read'],
  },
  {
    id: 'GetTicket',
    method: 'GET',
    path: '/tickets/{ticketId}',
    entry: 'functions/tickets/get.ts',
    access: 'authenticated',
    summary: 'A ticket with its comments and images',
    grants: ['table:read', 'images:read'],
  },
  {
    id: 'UpdateTicket',
    method: 'PATCH',
    path: '/tickets/{ticketId}',
    entry: 'functions/tickets/update.ts',
    access: 'authenticated',
    summary: 'Change status or fields of a ticket',
    grants: ['table:read', 'table:write'],
  },
  {
    id: 'CreateComment',
    method: 'POST',
    path: '/tickets/{ticketId}/comments',
    entry: 'functions/tickets/comments/create.ts',
    access: 'authenticated',
    summary: 'Add a comment or internal note',
    idempotent: true,
    grants: ['table:read', 'table:write'],
  },
  {
    id: 'CreateImageUpload',
    method: 'POST',
    path: '/tickets/{ticketId}/images',
    entry: 'functions/tickets/images/create-upload.ts',
    access: 'authenticated',
    summary: 'Presigned POST for an image upload',
    idempotent: true,
    grants: ['table:read', 'table:write', 'images:upload'],
  },
  {
    id: 'ShowApproval',
    method: 'GET',
    path: '/approvals/{token}',
    entry: 'functions/approvals/show.ts',
    access: 'public',
    summary: 'Approval confirmation page (changes nothing)',
    grants: ['table:read'],
  },
  {
    id: 'DecideApproval',
    method: 'POST',
    path: '/approvals/{token}',
    entry: 'functions/approvals/decide.ts',
    access: 'public',
    summary: 'Approve or reject through an approval link',
    grants: ['table:read', 'table:write'],
  },
] as const satisfies readonly Route[];

/** Event-driven functions that are not HTTP routes. */
export const eventHandlers = {
  /** DynamoDB stream consumer: sends approval requests and decisions by SES email and SNS SMS. */
  notifier: 'functions/streams/on-table-change.ts',
  /** S3 object-created consumer: verifies uploaded image bytes, marks the image ready or rejected. */
  imageUploaded: 'functions/images/on-object-created.ts',
} as const;
