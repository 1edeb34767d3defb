/**
 * The typed client of the help desk API. Its types (`schema.d.ts`) are generated from the OpenAPI document
 * (`openapi.json` at the repository root, also served at `GET /openapi.json`) by openapi-typescript
 * (`npm run openapi` at the repository root); calls go through openapi-fetch, so every path, parameter, request
 * body and response body is typed, and a contract change that breaks a client breaks its type check.
 *
 * ```ts
 * const api = createHelpdeskClient({ baseUrl: 'https://api.example.com', token: () => session.accessToken });
 * const { data, error, response } = await api.GET('/tickets/{ticketId}', { params: { path: { ticketId } } });
 * if (error) console.log(problemOf({ error, response })?.detail ?? response.status);
 * ```
 *
 * A call resolves (it does not throw) for every HTTP status: `data` holds the parsed success body (undefined for
 * 204), `error` the parsed error body. Errors the service answers are RFC 9457 problems
 * (`application/problem+json`, read with {@link problemOf}); API Gateway's own (a refused token 401, the stage
 * throttle 429) are `{ "message": ... }` JSON ({@link GatewayMessage}). The HTML approval pages
 * (`/approvals/{token}`) need `parseAs: 'text'`. A network failure rejects.
 */
import createClient, {
  type ClientOptions,
  type ClientPathsWithMethod,
  type MethodResponse,
  type Middleware,
} from 'openapi-fetch';
import type { components, operations, paths } from './schema.d.ts';

export type { components, operations, paths };

/** A named schema of the document (`Schema<'CreateTicketRequest'>`). */
export type Schema<Name extends keyof components['schemas']> = components['schemas'][Name];

/** An RFC 9457 problem body: `type` (`/problems/<slug>`), `title`, `status`, `detail`, `errors` by field. */
export type Problem = Schema<'Problem'>;

/** An error API Gateway answers itself (the JWT authorizer's 401, the stage throttle's 429): only a message. */
export type GatewayMessage = Schema<'GatewayMessage'>;

export interface HelpdeskClientOptions extends ClientOptions {
  /** The API base URL, without a trailing slash (`https://api.example.com`). */
  readonly baseUrl: string;
  /**
   * The access token (`POST /auth/login` → `accessToken`) to send as a Bearer token, read before every request;
   * undefined sends none. A request that sets its own `authorization` header keeps it.
   */
  readonly token?: () => string | undefined | Promise<string | undefined>;
}

/** A client of the API (openapi-fetch); `use()` adds middleware (`onRequest`, `onResponse`, `onError`). */
export function createHelpdeskClient({ token, ...options }: HelpdeskClientOptions) {
  const client = createClient<paths>(options);
  if (token) {
    const bearer: Middleware = {
      async onRequest({ request }) {
        const value = await token();
        if (value && !request.headers.has('authorization'))
          request.headers.set('authorization', `Bearer ${value}`);
        return request;
      },
    };
    client.use(bearer);
  }
  return client;
}

export type HelpdeskClient = ReturnType<typeof createHelpdeskClient>;

/** The HTTP methods the API uses, as the generated `paths` spell them. */
export type HttpMethod = 'get' | 'put' | 'post' | 'delete' | 'patch';

/** The success body of an operation, by method and path template: `ResponseBody<'get', '/tickets/{ticketId}'>`. */
export type ResponseBody<
  Method extends HttpMethod,
  Path extends ClientPathsWithMethod<HelpdeskClient, Method>,
> = MethodResponse<HelpdeskClient, Method, Path>;

/**
 * The problem a call was answered with, or undefined: a success, or an error API Gateway answered itself
 * (`{ "message": ... }`, not a problem). Pass the call's result (`{ error, response }`).
 */
export function problemOf(result: {
  readonly error?: unknown;
  readonly response: Response;
}): Problem | undefined {
  if (result.response.ok) return undefined;
  const mediaType = result.response.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
  if (mediaType !== 'application/problem+json') return undefined;
  const body = result.error;
  return body && typeof body === 'object' && 'type' in body && 'status' in body
    ? (body as Problem)
    : undefined;
}
