/**
 * Building blocks of the contract's JSON Schemas (draft 2020-12, as OpenAPI 3.1 and AsyncAPI 3 read
 * them). Two annotations only this service reads, for its error messages, never for what is valid:
 * - `x-codes`: the problem code of a failed keyword at this node, e.g. `{ "format": "InvalidStartTime" }`;
 * - `x-exclusive`: fields of which exactly one is required (a `oneOf` of `required`), reported as
 *   `Required` (none) or `ConflictingFields` (each one after the first).
 */
import { LIMITS } from '@journeys/definition';
import { DURATION_PATTERN, INSTANT_PATTERN, LOCAL_DATE_TIME_PATTERN, NOT_BLANK_PATTERN } from '../formats';

export type JsonSchema = { [keyword: string]: unknown };

/** Where the schemas are served; `$id`s resolve against it (`GET /schemas/journey-definition.json`). */
export const SCHEMA_BASE_URL = '/schemas/';

/** Allows `null` beside the schema's own type(s): optional fields treat null as absent. */
export function nullable(schema: JsonSchema): JsonSchema {
  const type = schema.type;
  // A union (oneOf/anyOf) of object shapes would refuse null whatever `type` says: null is its own branch.
  if (type === undefined || schema.oneOf || schema.anyOf || schema.allOf) return { anyOf: [schema, { type: 'null' }] };
  return { ...schema, type: [...(Array.isArray(type) ? type : [type]), 'null'] };
}

export const ref = (name: string): JsonSchema => ({ $ref: `#/$defs/${name}` });

/** One of `values` or null (absent): a wrong value is reported as InvalidValue, not as a wrong type. */
export const nullableEnum = (values: readonly string[], description: string): JsonSchema => ({
  type: ['string', 'null'],
  enum: [...values, null],
  description,
});

/** A schema file of its own: `$id` (its name under /schemas/), title and description. */
export const schemaFile = (id: string, title: string, description: string, body: JsonSchema): JsonSchema => ({
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: id,
  title,
  description,
  ...body,
});

/** An object of exactly these fields (a request: a typo is an error). */
export const closedObject = (
  properties: Record<string, JsonSchema>,
  required: string[],
  extra: JsonSchema = {},
): JsonSchema => ({ type: 'object', required, additionalProperties: false, properties, ...extra });

/** An object with at least these fields (an answer: fields may be added). */
export const openObject = (properties: Record<string, JsonSchema>, required: string[]): JsonSchema => ({
  type: 'object',
  required,
  properties,
});

/** Text with at least one character that is not white space. */
export function nonBlankText(maxLength: number, description?: string): JsonSchema {
  return {
    type: 'string',
    minLength: 1,
    maxLength,
    pattern: NOT_BLANK_PATTERN,
    'x-codes': { pattern: 'TooShort', minLength: 'TooShort' },
    ...(description ? { description } : {}),
  };
}

/** A step id, trigger name, segment id or customer id. */
export const identifier = (description?: string): JsonSchema => nonBlankText(LIMITS.identifierMaxLength, description);

export function list(items: JsonSchema, description?: string, maxItems: number = LIMITS.listMaxLength): JsonSchema {
  return { type: 'array', maxItems, items, ...(description ? { description } : {}) };
}

export const instant = (description: string): JsonSchema => ({
  type: 'string',
  format: 'instant',
  pattern: INSTANT_PATTERN,
  maxLength: 64,
  'x-codes': { pattern: 'InvalidDateTime', format: 'InvalidDateTime', maxLength: 'InvalidDateTime' },
  description,
  examples: ['2026-12-01T09:00:00Z'],
});

export const localDateTime = (description: string, code = 'InvalidDateTime'): JsonSchema => ({
  type: 'string',
  format: 'local-date-time',
  pattern: LOCAL_DATE_TIME_PATTERN,
  maxLength: 64,
  'x-codes': { pattern: code, format: code, maxLength: code, type: code },
  description,
  examples: ['2026-12-01T09:00:00'],
});

export const duration = (description: string): JsonSchema => ({
  type: 'string',
  format: 'iso-duration',
  pattern: DURATION_PATTERN,
  maxLength: 64,
  'x-codes': { pattern: 'InvalidDuration', format: 'InvalidDuration', maxLength: 'InvalidDuration' },
  description,
  examples: ['P2D'],
});

/** One problem of a request or message: a stable code and a JSON path into what was sent. */
export const problemSchema: JsonSchema = {
  type: 'object',
  required: ['code', 'message'],
  properties: {
    code: {
      type: 'string',
      description: 'Stable problem code, e.g. `Required`, `UnknownStep`',
      examples: ['Required'],
    },
    path: { type: 'string', description: 'JSON path into the body, e.g. `$.steps[2].next`', examples: ['$.name'] },
    message: { type: 'string', examples: ['name is required'] },
  },
};

const errorSchema: JsonSchema = {
  type: 'object',
  required: ['code', 'message', 'details'],
  additionalProperties: false,
  properties: {
    code: { type: 'string', description: 'Stable error code, e.g. `VALIDATION_FAILED`, `JOURNEY_NOT_FOUND`' },
    message: { type: 'string' },
    details: {
      type: 'array',
      description:
        'For VALIDATION_FAILED, every problem (`{ code, path, message }`); otherwise context such as the allowed actions',
      items: {},
    },
  },
};

/** Every error response: `{ "error": { "code", "message", "details" } }`. */
export const errorBodySchema: JsonSchema = {
  type: 'object',
  required: ['error'],
  additionalProperties: false,
  properties: { error: { $ref: '#/$defs/error' } },
  $defs: { error: errorSchema },
  examples: [
    {
      error: {
        code: 'VALIDATION_FAILED',
        message: '1 problem(s) in the request',
        details: [{ code: 'Required', path: '$.name', message: 'name is required' }],
      },
    },
  ],
};
