/**
 * One ajv error keyword -> the service's problems: the table `SchemaValidator` reads. `x-codes` on
 * the failing schema node overrides the default code of a keyword.
 */
import type { ErrorObject } from 'ajv/dist/2020';
import { ProblemCode, type DefinitionProblem } from '@journeys/definition';
import { FORMAT_MESSAGES, type FormatName } from './formats';
import { childPath, describeType } from './json-pointer';
import type { JsonSchema } from './schemas/common';

export type Problem = DefinitionProblem;
export type Codes = Partial<Record<string, string>>;
export type Failure = ErrorObject & { parentSchema?: JsonSchema; data?: unknown };

/** What a keyword handler knows of one error. */
export interface Found {
  error: Failure;
  /** Every error of the same check, for keywords that another error reports for. */
  all: readonly Failure[];
  /** The JSON path of the failing value. */
  at: string;
  /** Its field name (or `item n`), for messages. */
  name: string;
  codes: Codes;
  params: Record<string, unknown>;
  discriminator: () => Problem;
}

export function truncate(text: string, max = 60): string {
  return text.length <= max ? text : `${text.slice(0, max)}...`;
}

const quoted = (value: unknown) => (typeof value === 'string' ? `"${truncate(value)}"` : describeType(value));
export const article = (type: string) => (/^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`);
const one = (code: string, path: string, message: string): Problem[] => [{ code, path, message }];

export const KEYWORD_PROBLEMS: Record<string, (found: Found) => Problem[]> = {
  required: ({ error, all, at, params }) => {
    if (all.some((e) => isExclusiveOf(e, error))) return [];
    const missing = String(params.missingProperty);
    return one(ProblemCode.Required, childPath(at, missing), `${missing} is required`);
  },
  additionalProperties: ({ error, at, params }) => {
    const key = String(params.additionalProperty);
    const known = Object.keys((error.parentSchema?.properties as object | undefined) ?? {});
    const fields = known.length ? `; its fields are ${known.join(', ')}` : '';
    return one(ProblemCode.UnknownField, childPath(at, key), `"${truncate(key)}" is not a field here${fields}`);
  },
  discriminator: ({ discriminator }) => [discriminator()],
  'x-exclusive': () => [],
  oneOf: ({ error, at }) => exclusiveProblems(error, at),
  type: ({ error, all, at, name, codes, params }) => {
    if (!isTypeOwner(error, all)) return [];
    const code = (error.data === null ? codes.null : undefined) ?? codes.type ?? ProblemCode.WrongType;
    const expected = ([] as string[]).concat(params.type as string).join(' or ');
    return one(code, at, `${name} must be ${article(expected)}, not ${describeType(error.data)}`);
  },
  enum: (found) => valueProblem(found),
  const: (found) => valueProblem(found),
  format: ({ error, at, name, codes, params }) => {
    const format = params.format as FormatName;
    const fallback = format === 'iso-duration' ? ProblemCode.InvalidDuration : ProblemCode.InvalidDateTime;
    const shown = typeof error.data === 'string' ? ` ("${truncate(error.data)}")` : '';
    return one(codes.format ?? fallback, at, `${name}${shown} ${FORMAT_MESSAGES[format]}`);
  },
  pattern: ({ error, all, at, name, codes, params }) => {
    // A value with a format fails its pattern too: the format's message says more.
    if (all.some((e) => e.keyword === 'format' && e.instancePath === error.instancePath)) return [];
    const description = error.parentSchema?.description;
    const rule = typeof description === 'string' ? `: ${description}` : `; it must match ${String(params.pattern)}`;
    return one(codes.pattern ?? ProblemCode.InvalidValue, at, `${quoted(error.data)} is not a valid ${name}${rule}`);
  },
  minLength: ({ at, name, codes }) => one(codes.minLength ?? ProblemCode.TooShort, at, `${name} must not be empty`),
  maxLength: (found) => tooLong(found),
  maxItems: (found) => tooLong(found),
  maxProperties: (found) => tooLong(found),
  minItems: (found) => tooFew(found),
  minProperties: (found) => tooFew(found),
  dependentRequired: ({ at, codes, params }) => {
    const property = String(params.property);
    const message = `${property} needs ${String(params.missingProperty)}`;
    return one(codes.dependentRequired ?? ProblemCode.ConflictingFields, childPath(at, property), message);
  },
  propertyNames: ({ at, codes, params }) => {
    const key = String(params.propertyName);
    return one(
      codes.propertyNames ?? ProblemCode.InvalidValue,
      childPath(at, key),
      `"${truncate(key)}" cannot be a name here`,
    );
  },
};

/** Keywords the table does not name: ajv's own message. */
export function otherProblem({ error, at, name, codes }: Found): Problem[] {
  return one(codes[error.keyword] ?? ProblemCode.InvalidValue, at, `${name} ${error.message}`);
}

function valueProblem({ error, at, name, codes, params }: Found): Problem[] {
  const allowed = (params.allowedValues as unknown[] | undefined) ?? [params.allowedValue];
  const message = `${quoted(error.data)} is not a valid ${name}; one of ${allowed.join(', ')}`;
  return one(codes[error.keyword] ?? ProblemCode.InvalidValue, at, message);
}

function tooLong({ error, at, name, codes, params }: Found): Problem[] {
  const limit = params.limit as number;
  const count = Array.isArray(error.data) ? error.data.length : Object.keys(error.data as object).length;
  const message =
    error.keyword === 'maxLength'
      ? `${name} is ${String(error.data).length} characters long; at most ${limit}`
      : `${name} has ${count} ${error.keyword === 'maxItems' ? 'items' : 'fields'}; at most ${limit}`;
  return one(codes[error.keyword] ?? ProblemCode.TooLong, at, message);
}

function tooFew({ error, at, name, codes }: Found): Problem[] {
  return one(codes[error.keyword] ?? ProblemCode.Required, at, `${name} ${error.message}`);
}

/** `x-exclusive` fields: none present is Required at the object, each one after the first conflicts. */
function exclusiveProblems(error: Failure, at: string): Problem[] {
  const fields = (error.parentSchema?.['x-exclusive'] ?? []) as string[];
  const data = error.data;
  const present = fields.filter((field) => typeof data === 'object' && data !== null && Object.hasOwn(data, field));
  if (present.length === 0) return one(ProblemCode.Required, at, `needs one of ${fields.join(', ')}`);
  return present.slice(1).map((field) => ({
    code: ProblemCode.ConflictingFields,
    path: childPath(at, field),
    message: `takes only one of ${fields.join(', ')}; it already has ${present[0]}`,
  }));
}

/** A `required` error of one alternative of an `x-exclusive` oneOf, which reports for all of them. */
function isExclusiveOf(exclusive: Failure, error: Failure): boolean {
  return (
    exclusive.keyword === 'oneOf' &&
    exclusive.parentSchema?.['x-exclusive'] !== undefined &&
    exclusive.instancePath === error.instancePath &&
    error.schemaPath.startsWith(`${exclusive.schemaPath}/`)
  );
}

/** A type error of an alternative inside a union type is reported by the union, not once per member. */
function isTypeOwner(error: Failure, all: readonly Failure[]): boolean {
  return !all.some(
    (other) =>
      other !== error &&
      other.keyword === 'type' &&
      other.instancePath === error.instancePath &&
      other.schemaPath.length < error.schemaPath.length,
  );
}
