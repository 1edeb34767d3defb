/**
 * The contract fuzz's generators (`test/support/fuzz/`): JSON Schema 2020-12 → fast-check arbitraries, the
 * requests built from `openapi.json`, and the rules a response is checked by. The generators are measured
 * without their final ajv filter (`unchecked`), so a keyword they misread shows here as a low hit rate, not as
 * a fuzz run that quietly filters everything away.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ProblemSlug, problemTitles } from '#shared/platform/http/problem.ts';
import { openApiDocument } from '../support/contract.ts';
import { codePoints, invalidValue, validValue } from '../support/fuzz/arbitraries.ts';
import { type JsonSchema, SchemaContext } from '../support/fuzz/json-schema.ts';
import { type OpenApiDocument, operationsOf } from '../support/fuzz/operations.ts';
import {
  bodyAsRead,
  checkResponse,
  type FuzzRequest,
  parameterTextValid,
  requestArbitrary,
  urlOf,
} from '../support/fuzz/requests.ts';

const components = {
  schemas: {
    Name: { type: 'string', minLength: 1, maxLength: 5 },
    Password: {
      type: 'string',
      minLength: 8,
      maxLength: 20,
      allOf: [
        { pattern: '[a-z]' },
        { pattern: '[A-Z]' },
        { pattern: '[0-9]' },
        { pattern: '^[A-Za-z0-9!#-]*$' },
        { pattern: '^[^ ](?:[\\s\\S]*[^ ])?$' },
      ],
    },
    Priority: { type: 'string', enum: ['low', 'high'] },
  },
};
const context = new SchemaContext({ components });
const unchecked = { context, unchecked: true } as const;
const sample = (schema: JsonSchema, runs = 300) =>
  fc.sample(validValue(schema, unchecked), { numRuns: runs, seed: 7 });
const share = (values: unknown[], test: (value: unknown) => boolean) =>
  values.filter(test).length / values.length;

describe('valid values', () => {
  it('are valid by ajv without the filter, for each construct', () => {
    const schemas: JsonSchema[] = [
      { $ref: '#/components/schemas/Name' },
      { $ref: '#/components/schemas/Password' },
      { type: ['string', 'null'], maxLength: 3 },
      { anyOf: [{ type: 'string', pattern: '^\\+[1-9]\\d{6,14}$' }, { type: 'null' }] },
      { type: 'integer', exclusiveMinimum: 0, maximum: 5_497_558_138_880 },
      { type: 'number', minimum: -1.5, maximum: 2.5 },
      { type: 'array', maxItems: 3, items: { type: 'string', minLength: 1, maxLength: 4 } },
      { type: 'string', format: 'email', maxLength: 254 },
      { type: 'string', format: 'date-time' },
      { type: 'string', const: 'ok' },
      {
        type: 'object',
        properties: { a: { type: 'boolean' }, b: { $ref: '#/components/schemas/Priority' } },
        additionalProperties: false,
        minProperties: 1,
      },
    ];
    for (const schema of schemas) {
      expect(
        share(sample(schema), (value) => context.isValid(schema, value)),
        JSON.stringify(schema),
      ).toBeGreaterThan(0.95);
    }
  });

  it('reach both sides of a nullable field, whether written as a type array or as anyOf', () => {
    for (const schema of [
      { type: ['string', 'null'], maxLength: 3 },
      { anyOf: [{ type: 'string', maxLength: 3 }, { type: 'null' }] },
    ] as JsonSchema[]) {
      const values = sample(schema);
      expect(values).toContain(null);
      expect(values.some((value) => typeof value === 'string')).toBe(true);
    }
  });

  it('reach the bounds: exact maxLength (in code points), minimum and maximum, maxItems', () => {
    const texts = sample({ type: 'string', minLength: 2, maxLength: 120 }) as string[];
    expect(texts.some((text) => codePoints(text) === 120)).toBe(true);
    expect(texts.some((text) => codePoints(text) === 2)).toBe(true);
    expect(texts.every((text) => codePoints(text) >= 2 && codePoints(text) <= 120)).toBe(true);
    // Astral characters count one each, as JSON Schema counts them (a UTF-16 length would count two).
    expect(texts.some((text) => text.length > codePoints(text))).toBe(true);
    const limits = sample({ type: 'integer', minimum: 1, maximum: 100 });
    expect(limits).toContain(1);
    expect(limits).toContain(100);
    const sizes = sample({ type: 'integer', exclusiveMinimum: 0, maximum: 5_497_558_138_880 }) as number[];
    expect(sizes).not.toContain(0);
    expect(sizes.some((size) => size > 2 ** 31)).toBe(true);
    const tags = sample({ type: 'array', maxItems: 20, items: { type: 'string' } }) as unknown[][];
    expect(tags.some((array) => array.length === 20)).toBe(true);
    expect(tags.every((array) => array.length <= 20)).toBe(true);
  });

  it('meet every pattern of an allOf at once (the password policy) within the length bounds', () => {
    const passwords = sample({ $ref: '#/components/schemas/Password' }) as string[];
    const schema = components.schemas.Password;
    expect(share(passwords, (text) => context.isValid(schema as JsonSchema, text))).toBeGreaterThan(0.95);
    expect(passwords.every((text) => /[a-z]/.test(text) && /[A-Z]/.test(text) && /[0-9]/.test(text))).toBe(
      true,
    );
  });

  it('always carry the required properties, sometimes the optional ones, never an unknown one', () => {
    const schema: JsonSchema = {
      type: 'object',
      properties: {
        id: { type: 'string' },
        note: { type: 'string' },
        password: { type: 'string' },
        current: { type: 'string' },
      },
      required: ['id'],
      additionalProperties: false,
      dependentRequired: { password: ['current'] },
    };
    const objects = sample(schema) as Record<string, unknown>[];
    expect(objects.every((object) => 'id' in object)).toBe(true);
    expect(objects.some((object) => 'note' in object)).toBe(true);
    expect(objects.some((object) => !('note' in object))).toBe(true);
    expect(
      objects.every((object) => Object.keys(object).every((key) => key in (schema.properties ?? {}))),
    ).toBe(true);
    expect(objects.some((object) => 'password' in object)).toBe(true);
    expect(objects.every((object) => !('password' in object) || 'current' in object)).toBe(true);
  });

  it('pick one branch of a oneOf and keep what the branch requires', () => {
    const decision: JsonSchema = {
      type: 'object',
      oneOf: [
        {
          properties: { decision: { const: 'approve' }, reason: { type: 'string' } },
          required: ['decision'],
        },
        {
          properties: {
            decision: { const: 'reject' },
            reason: { type: 'string', minLength: 1, pattern: '\\S' },
          },
          required: ['decision', 'reason'],
        },
      ],
    };
    const values = sample(decision) as { decision: string; reason?: string }[];
    expect(new Set(values.map((value) => value.decision))).toEqual(new Set(['approve', 'reject']));
    expect(
      values.filter((value) => value.decision === 'reject').every((value) => /\S/.test(value.reason ?? '')),
    ).toBe(true);
  });

  it('mix in the hinted real values by property name', () => {
    const values = fc.sample(
      validValue(
        { type: 'object', properties: { ticketId: { type: 'string' } }, required: ['ticketId'] },
        { context, hints: (name) => (name === 'ticketId' ? fc.constant('REAL') : undefined) },
      ),
      { numRuns: 200, seed: 3 },
    ) as { ticketId: string }[];
    const real = share(values, (value) => (value as { ticketId: string }).ticketId === 'REAL');
    expect(real).toBeGreaterThan(0.2);
    expect(real).toBeLessThan(0.8);
  });
});

describe('mutated values', () => {
  const schema: JsonSchema = {
    type: 'object',
    properties: {
      title: { type: 'string', minLength: 1, maxLength: 10 },
      limit: { type: 'integer', minimum: 1, maximum: 100 },
      role: { type: 'string', pattern: '^[a-z][a-z0-9-]{1,31}$' },
      priority: { $ref: '#/components/schemas/Priority' },
      tags: { type: 'array', maxItems: 2, items: { type: 'string' } },
      assignee: { anyOf: [{ type: 'string', maxLength: 5 }, { type: 'null' }] },
      email: { type: 'string', format: 'email' },
    },
    required: ['title'],
    additionalProperties: false,
  };

  it('are refused by ajv without the filter, and each names what it broke', () => {
    const mutated = fc.sample(invalidValue(schema, unchecked), { numRuns: 1000, seed: 11 });
    expect(
      share(mutated, (item) => !context.isValid(schema, (item as { value: unknown }).value)),
    ).toBeGreaterThan(0.9);
    const said = mutated.map((item) => item.mutation).join('\n');
    for (const kind of [
      'required "title" dropped',
      'unknown property',
      'over maxLength 10',
      'under minLength 1',
      'below the minimum',
      'above the maximum',
      'does not match',
      'not one of',
      'over maxItems 2',
      '/assignee: a ',
      'not a email',
      '/: a ',
    ]) {
      expect(said, kind).toContain(kind);
    }
  });

  it('break a oneOf by mutating one branch, kept only when no branch takes the result', () => {
    const union: JsonSchema = {
      oneOf: [
        {
          type: 'object',
          properties: { status: { const: 'rejected' }, reason: { type: 'string' } },
          required: ['status', 'reason'],
          additionalProperties: false,
        },
        {
          type: 'object',
          properties: { status: { enum: ['open'] }, reason: { type: 'string' } },
          additionalProperties: false,
        },
      ],
    };
    const mutated = fc.sample(invalidValue(union, { context }), { numRuns: 200, seed: 5 });
    expect(mutated.every((item) => !context.isValid(union, item.value))).toBe(true);
    expect(mutated.some((item) => typeof item.value === 'object' && item.value !== null)).toBe(true);
  });
});

describe('schemas of the document', () => {
  const document = openApiDocument as unknown as OpenApiDocument;
  const real = new SchemaContext(document);

  it('merge allOf and resolve references: properties joined, required united, the tighter bound kept', () => {
    const merged = real.resolve({
      allOf: [
        { type: 'object', properties: { a: { type: 'string', maxLength: 9 } }, required: ['a'] },
        { properties: { a: { maxLength: 4 }, b: { type: 'integer' } }, required: ['b'] },
      ],
    });
    expect(merged.required).toEqual(['a', 'b']);
    expect(real.resolve(merged.properties?.a as JsonSchema).maxLength).toBe(4);
    expect(Object.keys(merged.properties ?? {})).toEqual(['a', 'b']);
  });

  it('each request body schema: generated values are valid, and mutated ones invalid, nine in ten without the filter', () => {
    const bodies = operationsOf(document).flatMap((operation) => (operation.body ? [operation] : []));
    expect(bodies.length).toBeGreaterThan(20);
    for (const { id, body } of bodies) {
      if (!body) continue;
      const values = fc.sample(validValue(body.schema, { context: real, unchecked: true }), {
        numRuns: 200,
        seed: 1,
      });
      const read = values.map((value) => bodyAsRead(body.mediaType, value));
      expect(
        share(read, (value) => real.isValid(body.schema, value)),
        `${id} valid`,
      ).toBeGreaterThan(0.9);
      const mutated = fc.sample(invalidValue(body.schema, { context: real, unchecked: true }), {
        numRuns: 200,
        seed: 1,
      });
      expect(
        share(mutated, (item) => !real.isValid(body.schema, (item as { value: unknown }).value)),
        `${id} invalid`,
      ).toBeGreaterThan(0.9);
    }
  });
});

describe('requests and the rules for their responses', () => {
  const document = openApiDocument as unknown as OpenApiDocument;
  const real = new SchemaContext(document);
  const operations = operationsOf(document);
  const byId = (id: string) => {
    const operation = operations.find((candidate) => candidate.id === id);
    if (!operation) throw new Error(`no operation ${id}`);
    return operation;
  };

  it('lists every operation of the document with its guard, parameters and body', () => {
    const count = Object.values(document.paths).flatMap((item) =>
      Object.keys(item).filter((key) => ['get', 'post', 'put', 'patch', 'delete'].includes(key)),
    ).length;
    expect(operations).toHaveLength(count);
    expect(byId('GetMe').authenticated).toBe(true);
    expect(byId('LogIn').authenticated).toBe(false);
    expect(byId('GetTicket').path.map((parameter) => parameter.name)).toEqual(['ticketId']);
    expect(byId('DecideApproval').body?.mediaType).toBe('application/x-www-form-urlencoded');
    expect(byId('GetTicket').statuses).toContain(404);
  });

  it('builds valid requests whose path, query and body the document accepts', () => {
    const operation = byId('ListTickets');
    const requests = fc.sample(
      requestArbitrary(operation, { context: real, callers: ['admin'], hints: () => () => undefined }),
      { numRuns: 300, seed: 2 },
    );
    const valid = requests.filter((request) => request.kind === 'valid');
    expect(valid.length).toBeGreaterThan(50);
    for (const request of valid) {
      const query = new URL(request.url, 'http://x').searchParams;
      for (const [name, text] of query) {
        const parameter = operation.query.find((candidate) => candidate.name === name);
        expect(parameter && parameterTextValid(real, parameter.schema, text), `${name}=${text}`).toBe(true);
      }
    }
    const kinds = new Set(requests.map((request) => request.kind));
    expect([...kinds].sort()).toEqual(['garbage-token', 'invalid-query', 'no-token', 'valid']);
  });

  it('builds bodies valid by the document for valid requests and invalid ones for mutated bodies', () => {
    const operation = byId('CreateTicket');
    const body = operation.body as { mediaType: string; schema: JsonSchema };
    const requests = fc.sample(
      requestArbitrary(operation, { context: real, callers: ['requester'], hints: () => () => undefined }),
      { numRuns: 300, seed: 4 },
    );
    for (const request of requests) {
      if (request.kind === 'valid')
        expect(real.isValid(body.schema, JSON.parse(request.body ?? ''))).toBe(true);
      if (request.kind === 'invalid-body')
        expect(real.isValid(body.schema, JSON.parse(request.body ?? ''))).toBe(false);
      if (request.kind === 'wrong-content-type') expect(request.contentType).not.toBe('application/json');
      if (request.kind === 'garbage-token') expect(request.token).toBeTruthy();
    }
  });

  it('percent-encodes path parameters and reads numeric query texts as numbers', () => {
    expect(urlOf('/users/{userId}', { userId: 'a/b c' }, { limit: '5' })).toBe('/users/a%2Fb%20c?limit=5');
    const limit = byId('ListTickets').query.find((parameter) => parameter.name === 'limit')
      ?.schema as JsonSchema;
    expect(parameterTextValid(real, limit, '5')).toBe(true);
    expect(parameterTextValid(real, limit, '0')).toBe(false);
    expect(parameterTextValid(real, limit, 'abc')).toBe(false);
  });

  const request = (operation: string, kind: FuzzRequest['kind'], url: string): FuzzRequest => ({
    operation,
    kind,
    caller: 'admin',
    method: byId(operation).method,
    url,
    headers: {},
  });
  const problem = (status: number, slug: ProblemSlug) => ({
    status,
    contentType: 'application/problem+json',
    text: JSON.stringify({ type: `/problems/${slug}`, title: problemTitles[slug], status }),
  });
  const ticketUrl = '/tickets/01ARZ3NDEKTSV4RRFFQ69G5FAV';

  it('accepts what the contract allows: a documented 404 problem, the gateway JSON 401 to a missing token', () => {
    expect(
      checkResponse(byId('GetTicket'), request('GetTicket', 'valid', ticketUrl), problem(404, 'not-found')),
    ).toEqual([]);
    const gateway = { status: 401, contentType: 'application/json', text: '{"message":"Unauthorized"}' };
    expect(checkResponse(byId('GetTicket'), request('GetTicket', 'no-token', ticketUrl), gateway)).toEqual(
      [],
    );
  });

  it('refuses a 5xx, an undocumented status, a non-problem error, and the wrong answer to each mutation', () => {
    const getTicket = byId('GetTicket');
    const failures = (
      kind: FuzzRequest['kind'],
      response: { status: number; contentType: string; text: string },
    ) => checkResponse(getTicket, request('GetTicket', kind, ticketUrl), response).join('\n');
    expect(failures('valid', problem(500, 'internal-error'))).toContain('server error 500');
    expect(failures('valid', problem(418, 'conflict'))).toContain('status not documented');
    expect(failures('valid', { status: 404, contentType: 'text/plain', text: 'gone' })).toContain(
      'not problem+json',
    );
    expect(failures('valid', problem(400, 'validation-error'))).toContain(
      'valid by the document was refused with 400',
    );
    expect(failures('no-token', problem(404, 'not-found'))).toContain('expected 401');
    expect(failures('unknown-path', problem(400, 'validation-error'))).toContain('refused with 400');
    expect(failures('invalid-path', problem(404, 'not-found'))).toContain('expected 400');
    expect(failures('invalid-path', problem(400, 'malformed-request'))).toContain(
      'should be /problems/validation-error',
    );
    const update = byId('UpdateTicket');
    const patch = (kind: FuzzRequest['kind'], status: number, slug: ProblemSlug) =>
      checkResponse(
        update,
        { ...request('UpdateTicket', kind, ticketUrl), body: '{}' },
        problem(status, slug),
      ).join('\n');
    expect(patch('wrong-content-type', 400, 'validation-error')).toContain('expected 415');
    expect(patch('malformed-body', 422, 'unprocessable-content')).toContain('expected 400');
    expect(patch('invalid-body', 422, 'unprocessable-content')).toContain('expected 400');
    expect(patch('invalid-body', 404, 'not-found')).toBe('');
    // A reused Idempotency-Key is refused before the body is read, but only a request that sent one may get it.
    const create = byId('CreateComment');
    const comment = (headers: Record<string, string>) =>
      checkResponse(
        create,
        { ...request('CreateComment', 'invalid-body', `${ticketUrl}/comments`), headers, body: '1' },
        problem(422, 'idempotency-key-reused'),
      ).join('\n');
    expect(comment({ 'idempotency-key': 'k' })).toBe('');
    expect(comment({})).toContain('expected 400');
  });
});
