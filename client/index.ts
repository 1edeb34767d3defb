/**
 * The typed client of the help desk API. Its types (`schema.d.ts`) are generated from the OpenAPI document
 * (`openapi.json`) by openapi-typescript (`npm run openapi` at the repository root); calls go through
 * openapi-fetch, so every path, parameter, request body and response body is typed.
 *
 * ```ts
 * const api = createHelpdeskClient({ baseUrl: 'https://api.example.com', token: () => session.accessToken });
 * const { data, error } = await api.GET('/tickets/{ticketId}', { params: { path: { ticketId } } });
 * ```
 */
import createClient, { type ClientOptions, type Middleware } from 'openapi-fetch';
import type { components, operations, paths } from './schema.d.ts';

export type { components, operations, paths };
/** A named schema of the document (`Schema<'Problem'>`). */
export type Schema<Name extends keyof components['schemas']> = components['schemas'][Name];

export interface HelpdeskClientOptions extends ClientOptions {
  /** The API base URL. */
  readonly baseUrl: string;
  /** The access token to send as a Bearer token, if any (read on every request). */
  readonly token?: () => string | undefined;
}

/** A client of the API; `use()` adds openapi-fetch middleware. */
export function createHelpdeskClient({ token, ...options }: HelpdeskClientOptions) {
  const client = createClient<paths>(options);
  if (token) {
    const bearer: Middleware = {
      onRequest({ request }) {
        const value = token();
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
