/**
 * The operations of the OpenAPI document as the contract fuzz needs them: method, path template, parameters by
 * place, the request body's media type and schema, whether the JWT authorizer guards it, and what it answers.
 */
import type { JsonSchema } from './json-schema.ts';

export interface Parameter {
  readonly name: string;
  readonly in: 'path' | 'query' | 'header';
  readonly required: boolean;
  readonly schema: JsonSchema;
}

interface DocumentParameter extends Omit<Parameter, 'in'> {
  readonly in: Parameter['in'] | 'cookie';
}

interface DocumentOperation {
  readonly operationId: string;
  readonly parameters?: readonly DocumentParameter[];
  readonly requestBody?: {
    readonly required?: boolean;
    readonly content: Record<string, { schema?: JsonSchema }>;
  };
  readonly security?: readonly Record<string, readonly string[]>[];
  readonly responses: Record<string, { content?: Record<string, unknown> }>;
}

/** What the fuzz reads of an OpenAPI 3.1 document. */
export interface OpenApiDocument {
  readonly paths: Record<string, Record<string, unknown>>;
  readonly security?: readonly Record<string, readonly string[]>[];
  readonly components: { schemas: Record<string, unknown> };
}

export interface Operation {
  /** The operationId (the route row's id). */
  readonly id: string;
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** e.g. `/tickets/{ticketId}` */
  readonly template: string;
  readonly path: readonly Parameter[];
  readonly query: readonly Parameter[];
  readonly headers: readonly Parameter[];
  readonly body?: { readonly mediaType: string; readonly schema: JsonSchema };
  /** Behind the JWT authorizer: a request without a valid token is refused with 401 before anything else. */
  readonly authenticated: boolean;
  /** Documented statuses. */
  readonly statuses: readonly number[];
  /** Documented media types by status. */
  readonly mediaTypes: Readonly<Record<number, readonly string[]>>;
}

const methods = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** Every operation of the document, in document order. */
export function operationsOf(document: OpenApiDocument): Operation[] {
  const operations: Operation[] = [];
  for (const [template, item] of Object.entries(document.paths)) {
    for (const method of methods) {
      const operation = item[method] as DocumentOperation | undefined;
      if (!operation) continue;
      const parameters = (operation.parameters ?? []).filter(
        (parameter): parameter is Parameter => parameter.in !== 'cookie',
      );
      const [mediaType, media] = Object.entries(operation.requestBody?.content ?? {})[0] ?? [];
      const security = operation.security ?? document.security ?? [];
      const statuses = Object.keys(operation.responses)
        .map(Number)
        .filter((status) => Number.isInteger(status));
      operations.push({
        id: operation.operationId,
        method: method.toUpperCase() as Operation['method'],
        template,
        path: parameters.filter((parameter) => parameter.in === 'path'),
        query: parameters.filter((parameter) => parameter.in === 'query'),
        headers: parameters.filter((parameter) => parameter.in === 'header'),
        ...(mediaType ? { body: { mediaType, schema: media?.schema ?? {} } } : {}),
        authenticated: security.some((requirement) => Object.keys(requirement).length > 0),
        statuses,
        mediaTypes: Object.fromEntries(
          statuses.map((status) => [status, Object.keys(operation.responses[String(status)]?.content ?? {})]),
        ),
      });
    }
  }
  return operations;
}
