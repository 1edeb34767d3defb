/**
 * fast-check arbitraries from JSON Schema 2020-12 (the subset `openapi.json` uses): values a schema accepts
 * ({@link validValue}) and values it refuses, each with the mutation that made it ({@link invalidValue}).
 *
 * Understood: `$ref` into `#/components/schemas`, `allOf` (merged; several patterns on one string),
 * `anyOf`/`oneOf` and type arrays (nullable fields), `const`, `enum`, strings (`minLength`/`maxLength` in code
 * points, `pattern` through `fc.stringMatching`, `format` email/date-time/date/uuid/uri), integers and numbers
 * (`minimum`, `maximum`, exclusive bounds), booleans, null, arrays (`items`, `minItems`/`maxItems`,
 * `uniqueItems`), objects (`properties`, `required`, `additionalProperties: false`). Every generated value is
 * checked by ajv against the schema (a filter), so a value called valid is valid by the document's own
 * validator and one called invalid is refused by it; a schema the generators misread shows up as fast-check
 * failing to generate, not as a wrong verdict.
 */
import fc from 'fast-check';
import { type JsonSchema, type JsonType, jsonTypes, type SchemaContext, typesOf } from './json-schema.ts';

/** Real values to mix into generated ones, by property or parameter name (ids that exist, a known password). */
export type Hints = (name: string, schema: JsonSchema) => fc.Arbitrary<unknown> | undefined;

export interface ArbitraryOptions {
  readonly context: SchemaContext;
  /** Real values mixed in (half the time) where a property of that name is generated. */
  readonly hints?: Hints;
  /**
   * Longest string generated when a schema allows more, code points (default 40); the exact `maxLength` is
   * generated too (a boundary), whatever its size.
   */
  readonly typicalStringLength?: number;
  /**
   * Skip the final ajv check (default false): for tests that measure how often the generators are right on their
   * own; a fuzz run always checks.
   */
  readonly unchecked?: boolean;
}

const typicalArrayLength = 4;

/** Any code point but the surrogate halves (JSON and UTF-8 cannot carry a lone one). */
const anyCharacter = fc.string({ unit: 'binary', minLength: 1, maxLength: 1 });

/** A string of `min..max` code points: mostly printable ASCII, sometimes any Unicode (emoji, controls). */
function sizedString(min: number, max: number): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: min, maxLength: max }) },
    { weight: 1, arbitrary: fc.string({ unit: anyCharacter, minLength: min, maxLength: max }) },
  );
}

/** Length of a string in code points, as JSON Schema counts it. */
export const codePoints = (text: string) => [...text].length;

function stringValue(schema: JsonSchema, options: ArbitraryOptions): fc.Arbitrary<string> {
  const min = schema.minLength ?? 0;
  const max = schema.maxLength ?? Math.max(min, 4096);
  const typical = Math.min(max, Math.max(min, options.typicalStringLength ?? 40));
  const patterns = [
    ...(schema.pattern !== undefined ? [schema.pattern] : []),
    ...(schema.allOf ?? []).flatMap((member) => (member.pattern !== undefined ? [member.pattern] : [])),
  ];
  let base: fc.Arbitrary<string>;
  if (schema.format === 'email') {
    base = fc.oneof(
      fc
        .tuple(fc.stringMatching(/^[a-z0-9]{1,12}$/), fc.constantFrom('example.com', 'example.org'))
        .map(([local, domain]) => `fuzz-${local}@${domain}`),
      fc.emailAddress(),
    );
  } else if (schema.format === 'date-time') {
    base = fc
      .date({
        min: new Date('1970-01-01T00:00:00Z'),
        max: new Date('2999-12-31T00:00:00Z'),
        noInvalidDate: true,
      })
      .map((date) => date.toISOString());
  } else if (schema.format === 'date') {
    base = fc
      .date({
        min: new Date('1970-01-01T00:00:00Z'),
        max: new Date('2999-12-31T00:00:00Z'),
        noInvalidDate: true,
      })
      .map((date) => date.toISOString().slice(0, 10));
  } else if (schema.format === 'uuid') {
    base = fc.uuid();
  } else if (schema.format === 'uri') {
    base = fc.webUrl();
  } else if (patterns.length > 0) {
    // A whole-string pattern (`^...$`) gives the text; each other pattern (`[a-z]`: "has a lower-case letter")
    // adds one exact match at the end, within maxLength.
    const anchored = patterns.filter((pattern) => pattern.startsWith('^') && /(?<!\\)\$$/.test(pattern));
    const loose = patterns.filter((pattern) => !anchored.includes(pattern));
    const filler =
      anchored[0] !== undefined ? fc.stringMatching(new RegExp(anchored[0], 'u')) : sizedString(min, typical);
    const parts = loose.map((pattern) => fc.stringMatching(new RegExp(`^(?:${pattern})$`, 'u')));
    base = fc.tuple(filler, ...parts).map(([text, ...matches]) => {
      const tail = matches.join('');
      const room = Math.max(0, max - codePoints(tail));
      return (codePoints(text) > room ? [...text].slice(0, room).join('') : text) + tail;
    });
  } else {
    // The bounds themselves, cheaply: a short random text repeated to the exact length.
    const exactly = (length: number) =>
      sizedString(1, 8).map((unit) =>
        [...unit.repeat(Math.ceil(length / codePoints(unit)))].slice(0, length).join(''),
      );
    base = fc.oneof(
      { weight: 6, arbitrary: sizedString(min, typical) },
      { weight: 1, arbitrary: fc.constantFrom(min, max).chain(exactly) },
    );
  }
  return base.filter((text) => {
    const length = codePoints(text);
    return length >= min && length <= max;
  });
}

function numberValue(schema: JsonSchema, integer: boolean): fc.Arbitrary<number> {
  const lowest = schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum : schema.minimum;
  const highest = schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum : schema.maximum;
  if (integer) {
    let min = lowest === undefined ? -(2 ** 31) : Math.ceil(lowest);
    let max = highest === undefined ? 2 ** 31 - 1 : Math.floor(highest);
    if (schema.exclusiveMinimum !== undefined && min === schema.exclusiveMinimum) min += 1;
    if (schema.exclusiveMaximum !== undefined && max === schema.exclusiveMaximum) max -= 1;
    const within =
      min >= -(2 ** 31) && max <= 2 ** 31 - 1
        ? fc.integer({ min, max })
        : fc.bigInt({ min: BigInt(min), max: BigInt(max) }).map(Number);
    return fc.oneof({ weight: 4, arbitrary: within }, { weight: 1, arbitrary: fc.constantFrom(min, max) });
  }
  return fc.double({
    noNaN: true,
    noDefaultInfinity: true,
    ...(lowest !== undefined ? { min: lowest, minExcluded: schema.exclusiveMinimum !== undefined } : {}),
    ...(highest !== undefined ? { max: highest, maxExcluded: schema.exclusiveMaximum !== undefined } : {}),
  });
}

function objectValue(schema: JsonSchema, options: ArbitraryOptions): fc.Arbitrary<Record<string, unknown>> {
  const properties = schema.properties ?? {};
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [name, property] of Object.entries(properties)) {
    model[name] = propertyValue(name, property, options);
  }
  const required = (schema.required ?? []).filter((name) => name in properties);
  // A required property the schema does not describe: any JSON value.
  const undescribed = (schema.required ?? []).filter((name) => !(name in properties));
  for (const name of undescribed) model[name] = fc.jsonValue();
  const dependencies = Object.entries(schema.dependentRequired ?? {});
  return (
    fc.record(model, { requiredKeys: [...required, ...undescribed] }) as fc.Arbitrary<Record<string, unknown>>
  )
    .map((object) => {
      // dependentRequired: a property whose companions are missing is left out.
      const kept = { ...object };
      for (const [name, companions] of dependencies) {
        if (name in kept && companions.some((companion) => !(companion in kept))) delete kept[name];
      }
      return kept;
    })
    .filter((object) => {
      const count = Object.keys(object).length;
      return (
        count >= (schema.minProperties ?? 0) && count <= (schema.maxProperties ?? Number.POSITIVE_INFINITY)
      );
    });
}

/** A property's value: generated from its schema, or (half the time) a real value the hints give for its name. */
function propertyValue(name: string, schema: JsonSchema, options: ArbitraryOptions): fc.Arbitrary<unknown> {
  const generated = validValue(schema, options);
  const hint = options.hints?.(name, options.context.resolve(schema));
  return hint ? fc.oneof(generated, hint) : generated;
}

function valueOfType(type: JsonType, schema: JsonSchema, options: ArbitraryOptions): fc.Arbitrary<unknown> {
  switch (type) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer':
      return numberValue(schema, true);
    case 'number':
      return numberValue(schema, false);
    case 'string':
      return stringValue(schema, options);
    case 'array': {
      const items = schema.items ? validValue(schema.items, options) : fc.jsonValue();
      const minLength = schema.minItems ?? 0;
      const maxLength = Math.min(schema.maxItems ?? minLength + typicalArrayLength, 1000);
      const typical = Math.min(maxLength, minLength + typicalArrayLength);
      const sized = (min: number, max: number) =>
        schema.uniqueItems
          ? fc.uniqueArray(items, {
              minLength: min,
              maxLength: max,
              selector: (item) => JSON.stringify(item),
            })
          : fc.array(items, { minLength: min, maxLength: max });
      return fc.oneof(
        { weight: 4, arbitrary: sized(minLength, typical) },
        { weight: 1, arbitrary: sized(maxLength, maxLength) },
      );
    }
    case 'object':
      return objectValue(schema, options);
  }
}

/**
 * Values the schema accepts (by ajv). Unresolvable constraints (an impossible pattern, contradicting bounds) make
 * fast-check give up generating, loudly.
 */
export function validValue(schema: JsonSchema, options: ArbitraryOptions): fc.Arbitrary<unknown> {
  const resolved = options.context.resolve(schema);
  let arbitrary: fc.Arbitrary<unknown>;
  if (resolved.const !== undefined) arbitrary = fc.constant(resolved.const);
  else if (resolved.enum) arbitrary = fc.constantFrom(...resolved.enum);
  else if (resolved.anyOf || resolved.oneOf) {
    const { anyOf, oneOf, ...rest } = resolved;
    const branches = (anyOf ?? oneOf ?? []).map((branch) =>
      validValue(Object.keys(rest).length > 0 ? { allOf: [rest, branch] } : branch, options),
    );
    arbitrary = fc.oneof(...branches);
  } else {
    arbitrary = fc.oneof(...typesOf(resolved).map((type) => valueOfType(type, resolved, options)));
  }
  return options.unchecked ? arbitrary : arbitrary.filter((value) => options.context.isValid(schema, value));
}

/** A value the schema refuses, and what was done to make it so (for failure messages). */
export interface Mutated {
  readonly value: unknown;
  /** e.g. `/title: longer than maxLength 120`, `/: required "email" dropped` */
  readonly mutation: string;
}

/** A value of each JSON type, for wrong-type mutations. */
const sampleOfType: Record<JsonType, fc.Arbitrary<unknown>> = {
  null: fc.constant(null),
  boolean: fc.boolean(),
  integer: fc.integer({ min: -1000, max: 1000 }),
  number: fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Number.isInteger(n)),
  string: fc.string({ maxLength: 8 }),
  array: fc.array(fc.integer(), { maxLength: 3 }),
  object: fc.dictionary(fc.string({ minLength: 1, maxLength: 6 }), fc.integer(), { maxKeys: 2 }),
};

/** The mutations that break one value's own constraints (not its children's). */
function ownMutations(schema: JsonSchema, pointer: string): fc.Arbitrary<Mutated>[] {
  const allowed = typesOf(schema);
  const mutations: fc.Arbitrary<Mutated>[] = [];
  const wrongTypes = jsonTypes.filter(
    (type) => !allowed.includes(type) && !(type === 'integer' && allowed.includes('number')),
  );
  if (wrongTypes.length > 0) {
    mutations.push(
      fc
        .constantFrom(...wrongTypes)
        .chain((type) => sampleOfType[type].map((value) => ({ value, mutation: `${pointer}: a ${type}` }))),
    );
  }
  const values = schema.const !== undefined ? [schema.const] : schema.enum;
  if (values) {
    mutations.push(
      fc
        .string({ minLength: 1, maxLength: 12 })
        .filter((value) => !values.includes(value))
        .map((value) => ({ value, mutation: `${pointer}: not one of ${JSON.stringify(values)}` })),
    );
  }
  if (allowed.includes('string')) {
    if (schema.maxLength !== undefined) {
      const max = schema.maxLength;
      mutations.push(
        fc.integer({ min: max + 1, max: max + 16 }).chain((length) =>
          fc.string({ unit: 'grapheme-ascii', minLength: length, maxLength: length }).map((value) => ({
            value,
            mutation: `${pointer}: ${length} characters, over maxLength ${max}`,
          })),
        ),
      );
    }
    if (schema.minLength !== undefined && schema.minLength > 0) {
      const min = schema.minLength;
      mutations.push(
        fc.string({ unit: 'grapheme-ascii', maxLength: min - 1 }).map((value) => ({
          value,
          mutation: `${pointer}: ${codePoints(value)} characters, under minLength ${min}`,
        })),
      );
    }
    const patterns = [
      ...(schema.pattern !== undefined ? [schema.pattern] : []),
      ...(schema.allOf ?? []).flatMap((member) => (member.pattern !== undefined ? [member.pattern] : [])),
    ];
    for (const pattern of patterns) {
      const regex = new RegExp(pattern, 'u');
      mutations.push(
        sizedString(0, 30)
          .filter((value) => !regex.test(value))
          .map((value) => ({ value, mutation: `${pointer}: does not match ${pattern}` })),
      );
    }
    if (schema.format !== undefined) {
      mutations.push(
        fc
          .constantFrom('not-a-value', 'a b', '@', '1')
          .map((value) => ({ value, mutation: `${pointer}: not a ${schema.format}` })),
      );
    }
  }
  if (allowed.includes('integer') || allowed.includes('number')) {
    const low = schema.exclusiveMinimum ?? (schema.minimum !== undefined ? schema.minimum - 1 : undefined);
    const high = schema.exclusiveMaximum ?? (schema.maximum !== undefined ? schema.maximum + 1 : undefined);
    if (low !== undefined) {
      mutations.push(
        fc.integer({ min: -1000, max: 0 }).map((below) => ({
          value: Math.floor(low) + below,
          mutation: `${pointer}: below the minimum`,
        })),
      );
    }
    if (high !== undefined) {
      mutations.push(
        fc.integer({ min: 0, max: 1000 }).map((above) => ({
          value: Math.ceil(high) + above,
          mutation: `${pointer}: above the maximum`,
        })),
      );
    }
    if (allowed.includes('integer') && !allowed.includes('number')) {
      mutations.push(fc.constant({ value: 1.5, mutation: `${pointer}: a fraction for an integer` }));
    }
  }
  return mutations;
}

/**
 * Values the schema refuses (by ajv), each made by one mutation of a valid value: a wrong type, a string over
 * `maxLength` or under `minLength` or breaking its pattern or format, a number out of range, a value outside
 * `enum`/`const`, an array over `maxItems`, an object missing a required property or with an unknown one
 * (under `additionalProperties: false`), or one of these applied to a property or an item.
 */
export function invalidValue(schema: JsonSchema, options: ArbitraryOptions): fc.Arbitrary<Mutated> {
  const mutations = mutationsOf(schema, options, '');
  if (mutations.length === 0) throw new Error('No value breaks the schema: it accepts anything');
  const any = fc.oneof(...mutations);
  // One filter over all the mutations: a mutation that happens to give a valid value (a dropped property another
  // oneOf branch does without) only makes fast-check draw again, among all of them.
  return options.unchecked ? any : any.filter((mutated) => !options.context.isValid(schema, mutated.value));
}

/**
 * The mutations of a value at `pointer`, unfiltered (a mutation may happen to give a valid value: the caller
 * filters them together); none when the schema takes anything.
 */
export function mutationsOf(
  schema: JsonSchema,
  options: ArbitraryOptions,
  pointer: string,
): fc.Arbitrary<Mutated>[] {
  const resolved = options.context.resolve(schema);
  const branches = resolved.anyOf ?? resolved.oneOf;
  const here = pointer === '' ? '/' : pointer;
  const mutations: fc.Arbitrary<Mutated>[] = [];
  if (branches) {
    // A type no branch allows, or a mutation of one branch (kept only when no other branch takes the result).
    const { anyOf: _anyOf, oneOf: _oneOf, ...rest } = resolved;
    const allowed = branches.flatMap((branch) => typesOf(options.context.resolve({ allOf: [rest, branch] })));
    mutations.push(...ownMutations({ type: [...new Set(allowed)] }, here));
    for (const branch of branches) {
      const inner = mutationsOf(options.context.resolve({ allOf: [rest, branch] }), options, pointer);
      if (inner.length > 0) mutations.push(fc.oneof(...inner));
    }
  } else {
    mutations.push(...ownMutations(resolved, here));
  }
  const types = typesOf(resolved);
  if (!branches && types.length === 1 && types[0] === 'object') {
    const valid = objectValue(resolved, options);
    const properties = resolved.properties ?? {};
    for (const name of resolved.required ?? []) {
      mutations.push(
        valid.map((object) => {
          const { [name]: _dropped, ...rest } = object;
          return { value: rest, mutation: `${here}: required "${name}" dropped` };
        }),
      );
    }
    if ((resolved.minProperties ?? 0) > 0 && (resolved.required ?? []).length === 0) {
      mutations.push(
        fc.constant({
          value: {},
          mutation: `${here}: no property, under minProperties ${resolved.minProperties}`,
        }),
      );
    }
    for (const [name, companions] of Object.entries(resolved.dependentRequired ?? {})) {
      const property = properties[name];
      if (!property) continue;
      mutations.push(
        fc.tuple(valid, validValue(property, options)).map(([object, value]) => {
          const broken: Record<string, unknown> = { ...object, [name]: value };
          for (const companion of companions) delete broken[companion];
          return { value: broken, mutation: `${here}: "${name}" without ${companions.join(', ')}` };
        }),
      );
    }
    if (resolved.additionalProperties === false) {
      mutations.push(
        fc
          .tuple(
            valid,
            fc.constantFrom('role', 'isAdmin', 'userId', 'extra', '__proto__x', 'createdAt'),
            fc.jsonValue({ maxDepth: 1 }),
          )
          .filter(([, name]) => !(name in properties))
          .map(([object, name, value]) => ({
            value: { ...object, [name]: value },
            mutation: `${here}: unknown property "${name}"`,
          })),
      );
    }
    for (const [name, property] of Object.entries(properties)) {
      const inner = mutationsOf(property, options, `${pointer}/${name}`);
      if (inner.length === 0) continue;
      const brokenProperty = fc
        .oneof(...inner)
        .filter((mutated) => !options.context.isValid(property, mutated.value));
      mutations.push(
        fc.tuple(valid, brokenProperty).map(([object, broken]) => ({
          value: { ...object, [name]: broken.value },
          mutation: broken.mutation,
        })),
      );
    }
  }
  if (!branches && types.length === 1 && types[0] === 'array') {
    const items = resolved.items ?? {};
    if (resolved.maxItems !== undefined) {
      const length = resolved.maxItems + 1;
      mutations.push(
        fc.array(validValue(items, options), { minLength: length, maxLength: length }).map((value) => ({
          value,
          mutation: `${here}: ${length} items, over maxItems ${resolved.maxItems}`,
        })),
      );
    }
    const inner = mutationsOf(items, options, `${pointer}/0`);
    if (inner.length > 0) {
      mutations.push(
        fc
          .tuple(
            fc.array(validValue(items, options), { maxLength: Math.min(2, resolved.maxItems ?? 2) }),
            fc.oneof(...inner).filter((mutated) => !options.context.isValid(items, mutated.value)),
          )
          .map(([rest, broken]) => ({ value: [broken.value, ...rest], mutation: broken.mutation })),
      );
    }
  }
  return mutations;
}
