/**
 * JSON Schema 2020-12 as the OpenAPI document (`openapi.json`) writes it, for the contract fuzz: the keywords the
 * generators read, `$ref` resolution into `#/components/schemas`, `allOf` merging, and an ajv validator that is
 * the one definition of "document-valid" (the same ajv 2020 + ajv-formats setup as `test/support/contract.ts`).
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

/** The JSON types of JSON Schema (`integer` is a `number` without a fraction). */
export type JsonType = 'null' | 'boolean' | 'integer' | 'number' | 'string' | 'array' | 'object';

export const jsonTypes: readonly JsonType[] = [
  'null',
  'boolean',
  'integer',
  'number',
  'string',
  'array',
  'object',
];

/** The subset of JSON Schema 2020-12 keywords the generators understand; others are ignored (ajv still checks them). */
export interface JsonSchema {
  $ref?: string;
  type?: JsonType | JsonType[];
  const?: unknown;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  // strings: lengths in Unicode code points (what JSON Schema and ajv count)
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  // numbers
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  multipleOf?: number;
  // arrays
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  // objects
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  minProperties?: number;
  maxProperties?: number;
  /** A property that, when present, needs the listed others. */
  dependentRequired?: Record<string, string[]>;
  default?: unknown;
  description?: string;
}

/** A document with reusable schemas: what `$ref: "#/components/schemas/<Name>"` points into. */
export interface SchemaRoot {
  components: { schemas: Record<string, unknown> };
}

/**
 * Reads schemas of one document: resolves references, merges `allOf`, and validates values with ajv.
 * Validators are compiled once per schema object.
 */
export class SchemaContext {
  private readonly ajv: Ajv2020;
  private readonly validators = new WeakMap<object, ValidateFunction>();
  private readonly validatorsByText = new Map<string, ValidateFunction>();

  constructor(readonly root: SchemaRoot) {
    this.ajv = new Ajv2020({ strict: false, allErrors: false, validateFormats: true });
    addFormats.default(this.ajv);
    this.ajv.addSchema({ $id: 'fuzzdoc', components: root.components }, 'fuzzdoc');
  }

  /**
   * The schema a `$ref` names (followed until it names no other).
   * @throws Error for a reference outside `#/components/schemas/` or to a missing schema
   */
  resolve(schema: JsonSchema): JsonSchema {
    let current = schema;
    for (let hops = 0; current.$ref !== undefined; hops++) {
      const match = /^#\/components\/schemas\/(.+)$/.exec(current.$ref);
      const target = match?.[1] ? this.root.components.schemas[match[1]] : undefined;
      if (!target || hops > 32) throw new Error(`Cannot resolve ${current.$ref}`);
      const { $ref: _ref, ...siblings } = current;
      current = Object.keys(siblings).length > 0 ? { allOf: [target as JsonSchema, siblings] } : target;
      if (current.allOf) current = this.merge(current);
    }
    return current.allOf ? this.merge(current) : current;
  }

  /**
   * A schema's `allOf` folded into one schema (references resolved): properties merged (each property's schemas
   * merged too), `required` united, bounds intersected (the tighter wins), patterns collected in `allOf` as
   * `{ pattern }` members (a string must match all of them).
   */
  merge(schema: JsonSchema): JsonSchema {
    const { allOf = [], ...own } = schema;
    let merged: JsonSchema = {};
    const patterns: string[] = [];
    for (const part of [own, ...allOf.map((member) => this.resolve(member))]) {
      for (const [key, value] of Object.entries(part) as [keyof JsonSchema, unknown][]) {
        if (value === undefined) continue;
        if (key === 'pattern') patterns.push(value as string);
        else if (key === 'allOf') {
          for (const member of value as JsonSchema[]) {
            const sub = this.resolve(member);
            if (sub.pattern !== undefined && Object.keys(sub).length === 1) patterns.push(sub.pattern);
            else merged = this.merge({ ...merged, allOf: [sub] });
          }
        } else if (key === 'properties') {
          const properties = { ...merged.properties };
          for (const [name, property] of Object.entries(value as Record<string, JsonSchema>)) {
            properties[name] = properties[name] ? { allOf: [properties[name], property] } : property;
          }
          merged.properties = properties;
        } else if (key === 'dependentRequired') {
          merged.dependentRequired = { ...merged.dependentRequired, ...(value as Record<string, string[]>) };
        } else if (key === 'required') {
          merged.required = [...new Set([...(merged.required ?? []), ...(value as string[])])];
        } else if (
          key === 'minLength' ||
          key === 'minimum' ||
          key === 'minItems' ||
          key === 'exclusiveMinimum' ||
          key === 'minProperties'
        ) {
          merged[key] = Math.max(merged[key] ?? Number.NEGATIVE_INFINITY, value as number);
        } else if (
          key === 'maxLength' ||
          key === 'maximum' ||
          key === 'maxItems' ||
          key === 'exclusiveMaximum' ||
          key === 'maxProperties'
        ) {
          merged[key] = Math.min(merged[key] ?? Number.POSITIVE_INFINITY, value as number);
        } else if (key === 'type' && merged.type !== undefined) {
          const ours = typesOf(merged);
          merged.type = typesOf(part).filter((type) => ours.includes(type));
        } else if (key === 'additionalProperties' && merged.additionalProperties === false) {
          // false stays false
        } else {
          (merged as Record<string, unknown>)[key] = value;
        }
      }
    }
    if (patterns.length === 1) merged.pattern = patterns[0];
    else if (patterns.length > 1) merged.allOf = patterns.map((pattern) => ({ pattern }));
    return merged;
  }

  /** Whether a value is valid by the schema (references into the document resolved by ajv). */
  isValid(schema: JsonSchema, value: unknown): boolean {
    return this.validatorOf(schema)(value);
  }

  /** ajv's first complaint about a value, or `undefined` when it is valid. */
  whyInvalid(schema: JsonSchema, value: unknown): string | undefined {
    const validate = this.validatorOf(schema);
    if (validate(value)) return undefined;
    const [error] = validate.errors ?? [];
    return error ? `${error.instancePath || '/'} ${error.message}` : 'invalid';
  }

  /** One compiled validator per schema object, and per schema text (schemas built on the fly, by `merge`). */
  private validatorOf(schema: JsonSchema): ValidateFunction {
    let validate = this.validators.get(schema);
    if (!validate) {
      const text = JSON.stringify(schema);
      validate = this.validatorsByText.get(text);
      if (!validate) {
        validate = this.ajv.compile(JSON.parse(text.replaceAll('"#/components', '"fuzzdoc#/components')));
        this.validatorsByText.set(text, validate);
      }
      this.validators.set(schema, validate);
    }
    return validate;
  }
}

/**
 * The JSON types a (resolved) schema allows: its `type`, else what its other keywords imply (`properties` →
 * object, `enum`/`const` → the types of their values), else every type.
 */
export function typesOf(schema: JsonSchema): JsonType[] {
  if (Array.isArray(schema.type)) return schema.type;
  if (schema.type) return [schema.type];
  const values = schema.const !== undefined ? [schema.const] : schema.enum;
  if (values) return [...new Set(values.map(jsonTypeOf))];
  if (
    schema.properties ||
    schema.required ||
    schema.additionalProperties !== undefined ||
    schema.minProperties !== undefined ||
    schema.dependentRequired
  ) {
    return ['object'];
  }
  if (schema.items || schema.maxItems !== undefined) return ['array'];
  if (schema.pattern || schema.format || schema.maxLength !== undefined) return ['string'];
  return [...jsonTypes];
}

/** The JSON type of a value (an integral number is `integer`). */
export function jsonTypeOf(value: unknown): JsonType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value as JsonType;
}
