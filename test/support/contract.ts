/**
 * The contract check every integration-test response goes through: the response must have a status the OpenAPI
 * document (`openapi.json`) lists for its operation, a content type that status documents, and a body its schema
 * accepts (ajv, JSON Schema 2020-12 with formats). Used by the test HTTP clients (`api-client.ts`, the typed
 * client in `test/integration/support.ts`) and the contract fuzz.
 */
import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

interface MediaType {
  schema?: unknown;
}
interface Response {
  content?: Record<string, MediaType>;
}
interface Operation {
  operationId: string;
  responses: Record<string, Response>;
}
export interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown> };
}

/** The document the checks use: `openapi.json` at the repository root (kept current by a unit test). */
export const openApiDocument = JSON.parse(
  readFileSync(new URL('../../openapi.json', import.meta.url), 'utf8'),
) as Document;

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(ajv);
ajv.addSchema({ $id: 'doc', components: openApiDocument.components }, 'doc');
const compiled = new Map<unknown, ValidateFunction>();
function validatorOf(schema: unknown): ValidateFunction {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(
      JSON.parse(JSON.stringify(schema).replaceAll('"#/components', '"doc#/components')),
    );
    compiled.set(schema, validate);
  }
  return validate;
}

/** Path templates as regular expressions, most specific (fewest parameters) first. */
const templates = Object.keys(openApiDocument.paths)
  .map((template) => ({
    template,
    params: (template.match(/\{/g) ?? []).length,
    pattern: new RegExp(
      `^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^}]+\\?\}/g, '[^/]+')}$`,
    ),
  }))
  .sort((a, b) => a.params - b.params);

/** The documented operation for a method and a concrete path (no query), if any. */
export function operationFor(
  method: string,
  path: string,
): { template: string; operation: Operation } | undefined {
  for (const { template, pattern } of templates) {
    if (!pattern.test(path)) continue;
    const operation = openApiDocument.paths[template]?.[method.toLowerCase()];
    if (operation) return { template, operation };
  }
  return undefined;
}

/** What is wrong with a response, by the document; empty when it conforms. */
export function contractViolations(
  method: string,
  url: string,
  status: number,
  contentType: string | null,
  text: string,
): string[] {
  const { pathname } = new URL(url, 'http://local');
  const found = operationFor(method, pathname);
  if (!found) return [`${method} ${pathname} is not in the document`];
  const where = `${method} ${found.template} → ${status}`;
  const response = found.operation.responses[String(status)];
  if (!response) {
    return [
      `${where}: status not documented (documented: ${Object.keys(found.operation.responses).join(', ')})`,
    ];
  }
  const mediaType = contentType?.split(';')[0]?.trim().toLowerCase() ?? '';
  if (!response.content) {
    // TRANSITION (issue 8, removed once every feature documents its responses): a success still undocumented.
    if (status !== 204 && status < 300) return [];
    return text === '' ? [] : [`${where}: documented without a body, but has one (${mediaType})`];
  }
  const media = response.content[mediaType];
  if (!media) {
    return [
      `${where}: content type ${mediaType || '(none)'} not documented (${Object.keys(response.content)})`,
    ];
  }
  if (mediaType === 'text/html') return text.length > 0 ? [] : [`${where}: empty HTML page`];
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return [`${where}: body is not JSON: ${text.slice(0, 200)}`];
  }
  const validate = validatorOf(media.schema ?? {});
  if (validate(body)) return [];
  return (validate.errors ?? []).map(
    (error) => `${where}: body${error.instancePath} ${error.message} ${JSON.stringify(error.params)}`,
  );
}

/**
 * @throws Error listing every violation, with the start of the body, when a response breaks the contract
 */
export function assertContract(
  method: string,
  url: string,
  status: number,
  contentType: string | null,
  text: string,
): void {
  const violations = contractViolations(method, url, status, contentType, text);
  if (violations.length > 0) {
    throw new Error(`Contract violation:\n  ${violations.join('\n  ')}\n  body: ${text.slice(0, 500)}`);
  }
}
